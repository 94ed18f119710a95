"""The pages of the public register, as plain data (no MkDocs import).

:func:`site_pages` lists every generated page (its source URI, the Markdown
MkDocs renders, the template and the context the template reads);
:func:`static_files` lists the files copied as they are (PDF annexes).
The MkDocs plugin only hands them to MkDocs.
"""

from __future__ import annotations

import enum
import html
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, partial
from pathlib import Path
from typing import Callable, Iterable, Iterator

from registre.domain.addresses import act_url, annex_uri, annex_url, seance_uri
from registre.domain.dates import format_date
from registre.domain.lifecycle import is_online
from registre.domain.masking import masked
from registre.domain.model import Act, ActType
from registre.domain.register import Register
from registre.site.presentation import ActView

TYPE_ORDER = (ActType.DELIBERATION, ActType.ARRETE, ActType.DECISION)
LATEST_COUNT = 10


HEADING_RE = re.compile(r"^(#{1,4})(?=\s)", re.M)
FENCE_RE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)


def demote_headings(markdown: str) -> str:
    """Shift the act's own headings two levels down: on its page they sit under
    the page title (h1) and the "Texte de l'acte" section (h2)."""
    fences = []

    def keep(match):
        fences.append(match.group(0))
        return f"\x00{len(fences) - 1}\x00"

    text = FENCE_RE.sub(keep, markdown)
    text = HEADING_RE.sub(lambda m: "#" * min(len(m.group(1)) + 2, 6), text)
    return re.sub(r"\x00(\d+)\x00", lambda m: fences[int(m.group(1))], text)


def _act_text(view: ActView) -> str:
    return demote_headings(view.body)


def plain_title(text: str) -> str:
    """A title never carries markup, whatever a field holds."""
    return text.replace("<", "‹").replace(">", "›").replace("\n", " ")


class PageKind(str, enum.Enum):
    """Each kind of generated page, named by the theme template (templates/registre/) that renders it."""

    ACT = "registre/act.html"
    ANNEX = "registre/annex.html"
    REGISTER = "registre/register.html"
    REGISTER_LIST = "registre/register-list.html"
    SEANCES = "registre/seances.html"
    SEANCE = "registre/seance.html"
    DONNE_ACTE = "registre/donne-acte.html"
    MATIERE = "registre/matiere.html"
    MATIERES = "registre/matieres.html"
    DONNEES = "registre/donnees.html"
    VERIFY = "registre/verify.html"
    SEARCH = "registre/search.html"


@dataclass
class GeneratedPage:
    src_uri: str
    title: str
    kind: PageKind
    # The Markdown, or what makes it: an act page's text is only needed if MkDocs renders it
    # (a warm build keeps nearly every act page as it was).
    body: str | Callable[[], str] = ""
    data: dict = field(default_factory=dict)
    description: str = ""
    # Written by staff (an act's text, a Markdown annex): its HTML is sanitised (registre.checks.html_policy).
    staff_text: bool = False

    @property
    def template(self) -> str:
        return self.kind.value

    def markdown(self) -> str:
        meta = {"title": plain_title(self.title), "template": self.template}
        if self.description:  # Material writes it unescaped in <meta name="description" content="…">
            meta["description"] = html.escape(" ".join(self.description.split()), quote=True)
        return "---\n" + "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in meta.items()) \
            + "\n---\n\n" + (self.body() if callable(self.body) else self.body)

    def context(self) -> dict:
        return self.data


class SiteView:
    """What every template may ask about the register."""

    def __init__(self, register: Register):
        self.register = register

    @property
    def config(self):
        return self.register.config

    @property
    def today(self) -> date:
        return self.register.today

    @cached_property
    def latest(self) -> list[ActView]:
        return [ActView(a, self.register) for a in self.register.online[:LATEST_COUNT]]

    @cached_property
    def years(self) -> list[tuple[int, dict[ActType, int]]]:
        counts: dict[int, dict[ActType, int]] = defaultdict(lambda: defaultdict(int))
        for act in self.register.online:
            counts[act.year][act.type] += 1
        return [(year, {t: counts[year].get(t, 0) for t in TYPE_ORDER}) for year in sorted(counts, reverse=True)]

    @property
    def count(self) -> int:
        return len(self.register.online)

    @property
    def types(self):
        return TYPE_ORDER


def site_pages(register: Register, *, per_page: int = 100, since_year: int | None = None,
               act_years: frozenset[int] | None = None,
               providers: Iterable[Callable[[Register], Iterator[GeneratedPage]]] = ()) -> Iterator[GeneratedPage]:
    """Every generated page.  ``since_year`` limits the whole site to recent acts
    (fast previews with ``mkdocs serve``); ``act_years`` limits only the act and
    annex pages, the register-wide pages still list every act (one build per
    year, outputs merged).  ``providers`` add pages of their own (matières, data,
    verification, search, séances: :data:`registre.publish.steps.PAGE_PROVIDERS`)."""
    online = register.online
    if since_year is not None:
        online = [a for a in online if a.year >= since_year]
    for act in online:
        if act_years is not None and act.year not in act_years:
            continue
        view = ActView(act, register)
        yield GeneratedPage(
            src_uri=f"actes/{act.identifier}/index.md",
            title=f"{view.title} — {view.objet}",
            kind=PageKind.ACT,
            body=partial(_act_text, view),
            data={"act": view, "annexes": [(annex, annex_url(act, annex)) for annex in act.annexes]},
            description=f"{view.title} du {view.date} : {view.objet}",
            staff_text=True,
        )
        for annex in act.annexes:
            if annex.is_markdown:
                source = register.acts_root / annex.path
                yield GeneratedPage(
                    src_uri=annex_uri(act, annex) + "index.md",
                    title=f"{annex.titre or annex.filename} — annexe à {view.title.lower()}",
                    kind=PageKind.ANNEX,
                    body=masked(source.read_text(encoding="utf-8-sig"), act),
                    data={"act": view, "annex": annex},
                    staff_text=True,
                )
    yield from _register_pages(register, online, per_page)
    for provider in providers:
        yield from provider(register)
    yield GeneratedPage(src_uri="donne-acte/index.md", title="Donné acte : décisions prises par délégation",
                        kind=PageKind.DONNE_ACTE, data={"donne_acte": DonneActeView(register)},
                        description="Décisions du maire prises par délégation du conseil municipal et compte "
                                    "rendu au conseil (L2122-22 et L2122-23 CGCT).")


def _register_pages(register: Register, online: list[Act], per_page: int) -> Iterator[GeneratedPage]:
    by_year: dict[int, list[Act]] = defaultdict(list)
    for act in online:
        by_year[act.year].append(act)
    yield GeneratedPage(src_uri="registre/index.md", title="Registre des actes", kind=PageKind.REGISTER,
                        data={"years": sorted(by_year, reverse=True)},
                        description=f"Tous les actes publiés par {register.config.commune}, par année et par type.")
    for year, acts in by_year.items():
        for act_type in TYPE_ORDER:
            of_type = [a for a in acts if a.type is act_type]
            if not of_type:
                continue
            base = f"registre/{year}/{act_type.value}/"
            for index, uri, chunk, pagination in paginate(of_type, base, per_page):
                yield GeneratedPage(
                    src_uri=uri + "index.md",
                    title=f"{act_type.plural} {year}" + (f" (page {index})" if index > 1 else ""),
                    kind=PageKind.REGISTER_LIST,
                    data={"year": year, "act_type": act_type,
                          "acts": [ActView(a, register) for a in chunk], "pagination": pagination},
                )


def paginate(acts: list[Act], base: str, per_page: int) -> Iterator[tuple[int, str, list[Act], dict]]:
    """(page number, page URI, acts of the page, pagination context) for a listing at ``base``
    (``acts`` newest first).

    Pages are anchored on the oldest act: every page but the first holds exactly ``per_page`` acts,
    counted from the oldest; the first holds the newest, ``per_page`` to ``2 × per_page - 1`` of them
    (all of them when there are fewer).  An act added at the top changes the first page only, until
    it would hold ``2 × per_page`` acts and splits: a build after a new act renders one page of each
    list it is in, not every page of the list shifted by one."""
    if not acts:
        return
    count = max(1, len(acts) // per_page)
    first = len(acts) - (count - 1) * per_page
    pages = [acts[:first]] + [acts[start:start + per_page] for start in range(first, len(acts), per_page)]
    for index, chunk in enumerate(pages, start=1):
        uri = base if index == 1 else f"{base}page-{index}/"
        yield index, uri, chunk, _pagination(base, index, len(pages))


def _pagination(base: str, current: int, total: int) -> dict:
    def url(i: int) -> str:
        return base if i == 1 else f"{base}page-{i}/"
    return {"current": current, "total": total,
            "previous": url(current - 1) if current > 1 else None,
            "next": url(current + 1) if current < total else None,
            "pages": [(i, url(i)) for i in range(1, total + 1)] if total > 1 else []}


def reported_at(register: Register, day: date) -> list[Act]:
    """Décisions the council took note of at the séance of ``day``, as far as the public
    site may say it: the délibération recording it is online (the décisions themselves may
    still be scheduled; pages name those as plain text)."""
    report = register.donne_acte
    return [a for a in report.reported.get(day, ())
            if is_online(report.reported_by[a.identifier], register.today)]


class DonneActeView:
    """The council members' page: reported, pending and missed décisions."""

    def __init__(self, register: Register):
        self.register = register
        self.report = register.donne_acte

    def _view(self, act: Act) -> ActView:
        return ActView(act, self.register)

    def _online(self, act: Act) -> bool:
        return is_online(act, self.register.today)

    @property
    def pending(self) -> list[ActView]:
        return [self._view(a) for a in self.report.pending if self._online(a)]

    @property
    def missed(self) -> list[tuple[ActView, str]]:
        return [(self._view(a), format_date(due)) for a, due in self.report.missed if self._online(a)]

    @property
    def next_seance_after(self) -> str:
        return format_date(self.report.seances[-1]) if self.report.seances else ""

    @property
    def reported(self) -> list[tuple[str, str, list[ActView]]]:
        """[(séance date text, séance URL, décisions)] newest séance first."""
        result = []
        for day in sorted(self.report.reported, reverse=True):
            acts = reported_at(self.register, day)
            if acts:
                result.append((format_date(day), seance_uri(day), [self._view(a) for a in acts]))
        return result


def static_files(register: Register) -> Iterator[tuple[str, Path]]:
    for act in register.online:
        for annex in act.annexes:
            if not annex.is_markdown:
                yield annex_uri(act, annex), register.acts_root / annex.path


__all__ = ["GeneratedPage", "SiteView", "DonneActeView", "site_pages", "static_files", "act_url"]
