"""The list of décisions the maire reports to the council (L2122-23 CGCT), for
the convocation: Markdown (``templates/texte/donne-acte.md``) and a printable
PDF (``templates/pdf/donne-acte.html``, rendered with WeasyPrint).

The data is :attr:`Register.donne_acte` (:mod:`registre.domain.donne_acte`): the
décisions still to report, or those a séance reported, here grouped by the
item (alinéa) of L2122-22 each rests on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from registre.authoring.text_templates import render_text
from registre.domain.addresses import act_url
from registre.domain.dates import format_date
from registre.domain.delegations import alinea_label
from registre.domain.lifecycle import is_online
from registre.domain.masking import masked
from registre.domain.model import Act
from registre.domain.register import Register
from registre.resources import TEMPLATES
from registre.site.presentation import display_number
from registre.site.templating import document_environment

MARKDOWN_TEMPLATE = "texte/donne-acte.md"
PDF_TEMPLATE = "pdf/donne-acte.html"


class DonneActeError(Exception):
    """The list asked for cannot be made (message and fix in French)."""

    def __init__(self, message: str, fix: str = ""):
        super().__init__(message)
        self.message = message
        self.fix = fix


@dataclass
class DecisionLine:
    act: Act
    number: str  # as the commune writes it, « 11/2025 »
    url: str | None  # on the public site, when online and the site URL is known

    @property
    def date(self) -> str:
        return format_date(self.act.date)

    @property
    def objet(self) -> str:
        return masked(self.act.objet, self.act)  # personal data listed in « masquer »

    @property
    def delegation(self) -> str:
        delegation = self.act.delegation
        return format_date(delegation.deliberation) if delegation else ""


@dataclass
class AlineaGroup:
    alinea: int | None
    label: str
    decisions: list[DecisionLine]


@dataclass
class DonneActeList:
    commune: str
    heading: str  # « À rapporter au prochain conseil municipal » or « Séance du … »
    intro: str
    groups: list[AlineaGroup] = field(default_factory=list)
    deliberation: str | None = None  # « délibération n°4/2025 » carrying the donné acte
    made_on: date | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(g.decisions) for g in self.groups)


def _line(register: Register, act: Act, site_url: str) -> DecisionLine:
    url = f"{site_url}{act_url(act.identifier)}" if site_url and is_online(act, register.today) else None
    return DecisionLine(act=act, number=display_number(act, register.config), url=url)


def _groups(register: Register, acts: list[Act], site_url: str) -> list[AlineaGroup]:
    by_alinea: dict[int | None, list[Act]] = {}
    for act in acts:
        by_alinea.setdefault(act.delegation.alinea if act.delegation else None, []).append(act)
    groups = []
    for alinea in sorted(by_alinea, key=lambda a: (a is None, a or 0)):
        decisions = sorted(by_alinea[alinea], key=lambda a: (a.date, a.numero))
        label = alinea_label(alinea) if alinea else "délégation non indiquée"
        groups.append(AlineaGroup(alinea, label, [_line(register, a, site_url) for a in decisions]))
    return groups


def donne_acte_list(register: Register, seance: date | None = None, *, site_url: str = "") -> DonneActeList:
    """Décisions to report at the next séance (``seance`` None or after the last
    known séance: those dated up to it), or reported at the séance ``seance``."""
    if site_url and not site_url.endswith("/"):
        site_url += "/"
    report = register.donne_acte
    commune = register.config.commune
    today = register.today
    if seance is not None and seance in report.seances:
        decisions = report.reported.get(seance, [])
        carriers = sorted({report.reported_by[a.identifier] for a in decisions}, key=lambda a: a.numero)
        result = DonneActeList(
            commune=commune, heading=f"Séance du conseil municipal du {format_date(seance)}",
            intro="Décisions prises par le maire en vertu de la délégation du conseil municipal "
                  "(article L2122-22 du CGCT), dont le conseil a pris acte lors de cette séance "
                  "(article L2122-23 du CGCT).",
            groups=_groups(register, decisions, site_url), made_on=today,
            deliberation=", ".join(f"délibération n°{display_number(a, register.config)}" for a in carriers) or None)
        if not decisions:
            result.notes.append("aucune délibération de cette séance ne porte de « donne_acte ».")
        due = [a for a, day in report.missed if day == seance]
        if due:
            result.notes.append("décisions que cette séance aurait dû rapporter : "
                                + ", ".join(f"n°{display_number(a, register.config)}" for a in due) + ".")
        return result
    if seance is not None and report.seances and seance <= report.seances[-1]:
        known = ", ".join(format_date(s) for s in report.seances[-5:])
        raise DonneActeError(
            f"aucune séance du conseil municipal le {format_date(seance)} dans le registre.",
            f"indiquez la date d'une séance passée (dernières : {known}) ou celle de la prochaine séance.")
    pending = [a for a in report.pending if seance is None or a.date <= seance]
    heading = (f"À rapporter à la séance du {format_date(seance)}" if seance
               else "À rapporter au prochain conseil municipal")
    since = f" depuis la séance du {format_date(report.seances[-1])}" if report.seances else ""
    result = DonneActeList(
        commune=commune, heading=heading,
        intro="Compte rendu des décisions prises par le maire en vertu de la délégation du conseil municipal "
              f"(articles L2122-22 et L2122-23 du CGCT){since} : le conseil municipal en prend acte.",
        groups=_groups(register, pending, site_url), made_on=today)
    late = [a for a in pending if report.due_seance(a) is not None]
    if late:
        result.notes.append("dont des décisions antérieures à la dernière séance, qui n'y ont pas été "
                            "rapportées : " + ", ".join(f"n°{display_number(a, register.config)}" for a in late)
                            + ".")
    return result


def render_markdown(listing: DonneActeList) -> str:
    return render_text(MARKDOWN_TEMPLATE, l=listing)


@lru_cache(maxsize=1)
def _html_environment():
    return document_environment()


def render_html(listing: DonneActeList) -> str:
    return _html_environment().get_template(PDF_TEMPLATE).render(l=listing)


def write_pdf(listing: DonneActeList, target: Path) -> None:
    """Render the list as a printable A4 PDF with WeasyPrint."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise DonneActeError(f"impossible de produire le PDF : WeasyPrint n'est pas utilisable ({exc}).",
                             "installez-le avec « pip install weasyprint » (il a besoin des bibliothèques "
                             "Pango du système).") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    HTML(string=render_html(listing), base_url=str(TEMPLATES)).write_pdf(str(target))


__all__ = ["DonneActeList", "DonneActeError", "donne_acte_list", "render_markdown", "render_html", "write_pdf"]
