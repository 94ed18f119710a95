"""Browse the register by matière (ACTES nomenclature), beside years and types.

:func:`matiere_pages` is a page provider (see :func:`registre.publish.steps.PAGE_PROVIDERS`):
``registre/matieres/`` lists the matières that have acts online, grouped by
level 1, and ``registre/matieres/<code>/`` lists the acts of one matière
(level 2 when the act gives it, else level 1), newest first, paginated like
the year pages.  Acts without a known matière go to ``registre/matieres/autres/``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterator

from registre.domain.addresses import MATIERES_URI
from registre.domain.model import Act
from registre.domain.nomenclature import Matiere, lookup
from registre.domain.register import Register
from registre.site.pages import GeneratedPage, PageKind, paginate
from registre.site.presentation import ActView

OTHER_SLUG = "autres"
PER_PAGE = 100


@dataclass(frozen=True)
class MatiereEntry:
    """One matière that has acts online: its page and how many acts."""

    slug: str  # "7.1", "7" or "autres"
    label: str  # « Décisions budgétaires »
    full_label: str  # « Finances locales / Décisions budgétaires »
    count: int

    @property
    def url(self) -> str:
        return matiere_uri(self.slug)


def matiere_uri(slug: str) -> str:
    return f"{MATIERES_URI}{slug}/"


def _sort_key(slug: str) -> tuple:
    if slug == OTHER_SLUG:
        return (1, ())
    return (0, tuple(int(p) for p in slug.split(".")))


def group_by_matiere(acts: list[Act]) -> dict[str, tuple[Matiere | None, list[Act]]]:
    """{slug: (matière or None for "autres", acts in the register's order)}."""
    groups: dict[str, tuple[Matiere | None, list[Act]]] = {}
    for act in acts:
        matiere = lookup(act.matiere)
        slug = matiere.code if matiere else OTHER_SLUG
        groups.setdefault(slug, (matiere, []))[1].append(act)
    return dict(sorted(groups.items(), key=lambda item: _sort_key(item[0])))


def matiere_pages(register: Register) -> Iterator[GeneratedPage]:
    groups = group_by_matiere(register.online)
    sections: dict[str, list[MatiereEntry]] = defaultdict(list)  # level-1 label -> entries
    for slug, (matiere, acts) in groups.items():
        if matiere is None:
            entry = MatiereEntry(slug, "Autres actes", "Actes sans matière de la nomenclature", len(acts))
            sections["Sans matière"].append(entry)
        else:
            entry = MatiereEntry(slug, matiere.libelle, matiere.display, len(acts))
            sections[matiere.parent or matiere.libelle].append(entry)
        for index, uri, chunk, pagination in paginate(acts, matiere_uri(slug), PER_PAGE):
            yield GeneratedPage(
                src_uri=f"{uri}index.md",
                title=f"Matière : {entry.full_label}" + (f" (page {index})" if index > 1 else ""),
                kind=PageKind.MATIERE,
                data={"matiere": entry, "acts": [ActView(a, register) for a in chunk],
                      "pagination": pagination},
                description=f"Actes de {register.config.commune} classés en matière « {entry.full_label} », "
                            "du plus récent au plus ancien.",
            )
    yield GeneratedPage(
        src_uri=MATIERES_URI + "index.md",
        title="Actes par matière",
        kind=PageKind.MATIERES,
        data={"matiere_sections": list(sections.items())},
        description=f"Les actes publiés par {register.config.commune}, classés par matière "
                    "(nomenclature ACTES des actes transmis au représentant de l'État).",
    )
