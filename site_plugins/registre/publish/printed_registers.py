"""The year's printable registers: the paper registers the law requires (CGCT L2121-23, L2122-29).

* **Registre des délibérations** (R2121-9, R2122-7-1): the délibérations of the council and the
  décisions the maire took by delegation (L2122-22), in date order.  The affaires of one séance
  get an order number within the séance; the sheet closing each séance recalls those numbers,
  the members present (from the séance file, ``seance-AAAA-MM-JJ.md``, when there is one) and
  leaves a place for the signatures of the maire and of the secretaries of the séance.
* **Registre des arrêtés** (R2122-7): the arrêtés of the maire in date order, each with its act of
  publication (certificate of the maire) and of notification.

Every page bears the commune's name, the nature of the acts and the séance or act it belongs to,
and is numbered (« Commune de X — Registre des délibérations 2025 — page n/N »).  At the end, a
table by date and a table by objet (the matière of the ACTES nomenclature), each giving the page.

The PDF is a PDF/A-3b made by the same WeasyPrint engine and fonts as the acts' PDFs
(:func:`registre.publish.pdf.render_with_fonts`), and is deterministic: nothing in it depends on
the clock or the machine (its dates are the latest date the year's acts mention, its identifier
the hash of its HTML).  Personal data listed in ``masquer`` stays masked (:mod:`registre.domain.masking`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cached_property, lru_cache

import jinja2
from markupsafe import Markup

from registre.domain.dates import format_date, format_date_long
from registre.domain.delegations import alinea_label
from registre.domain.masking import masked
from registre.domain.model import Act, ActType, TransmissionStatus
from registre.domain.nomenclature import Matiere, lookup
from registre.domain.plurals import counted
from registre.domain.register import Register
from registre.domain.seance import Seance
from registre.publish.pdf import TIMEZONE, render_markdown, render_with_fonts
from registre.resources import TEMPLATES
from registre.site.presentation import ActView
from registre.site.seance_view import orders_in_seance
from registre.site.templating import document_environment

DELIBERATIONS = "deliberations"
ARRETES = "arretes"
KINDS = (DELIBERATIONS, ARRETES)
TEMPLATE = "pdf/registre-imprime.html"
STYLESHEET = TEMPLATES / "pdf" / "registre-imprime.css"
NO_MATIERE = "Matière non indiquée"


class PrintedRegisterError(Exception):
    """The register asked for cannot be printed (message and fix in French)."""

    def __init__(self, message: str, fix: str = ""):
        super().__init__(message)
        self.message = message
        self.fix = fix


def default_filename(kind: str, year: int) -> str:
    """« registre-deliberations-2025.pdf », « registre-arretes-2025.pdf »."""
    return f"registre-{kind}-{year}.pdf"



def names(items) -> str:
    """« Marie DURAND, Jean MARTIN et Luc BERNARD »."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


# -- what the register holds ---------------------------------------------------

@dataclass
class Entry:
    """One act inscribed in the register."""

    view: ActView
    order: int | None = None  # numéro d'ordre à l'intérieur de la séance (délibérations)

    @property
    def act(self) -> Act:
        return self.view.act

    @property
    def anchor(self) -> str:
        return self.act.identifier

    @cached_property
    def body_html(self) -> Markup:
        return render_markdown(self.view.body)

    @property
    def heading(self) -> str:
        """« Délibération n°1/2025 », « Arrêté n°2/2025 (individuel) »."""
        title = self.view.title
        if self.act.type is ActType.ARRETE and self.act.portee:
            title += f" ({self.act.portee.label})"
        return title

    @property
    def matiere(self) -> Matiere | None:
        return lookup(self.act.matiere)

    @property
    def matiere_text(self) -> str:
        found = self.matiere
        if found is None:
            return self.act.matiere or ""
        return f"{found.code} — {found.display}"

    @property
    def vote_text(self) -> str:
        vote = self.act.vote
        if vote is None:
            return ""
        return (f"{counted(vote.presents, 'présent')}, {counted(vote.votants, 'votant')} : {vote.pour} pour, "
                f"{vote.contre} contre, {counted(vote.abstentions, 'abstention')}")

    @property
    def delegation_text(self) -> str:
        delegation = self.act.delegation
        if delegation is None:
            return ""
        return (f"délibération du {format_date(delegation.deliberation)}, article L2122-22 du CGCT, "
                f"{alinea_label(delegation.alinea)}")

    @property
    def transmission_text(self) -> str:
        transmission = self.act.transmission
        if transmission.status is TransmissionStatus.TRANSMIS:
            text = f"le {format_date(transmission.date)}" + (" sur papier (récépissé de la préfecture)"
                                                             if transmission.on_paper else "")
            return text + (f", accusé de réception n° {transmission.ar}" if transmission.ar else "")
        if transmission.status is TransmissionStatus.NON_REQUISE:
            return f"non requise : {transmission.motif}" if transmission.motif else "non requise"
        return "en attente"

    @property
    def today(self) -> date:
        return self.view.register.today

    @property
    def publication_text(self) -> str:
        """The act of publication (R2122-7): the maire certifies only a publicity that has taken
        place on the register's date of reference, in the mode the commune uses (L2131-1 CGCT:
        online; under « publicite » affichage or papier, the posting or the paper publication)."""
        act = self.act
        the = "l'arrêté" if act.type is ActType.ARRETE else f"la {act.type.label.lower()}"
        done = act.type.agree("publié")
        if act.affichage is not None:  # checked: never after the date of reference
            text = (f"le maire certifie que {the} n°{self.view.number} a été {act.type.agree('affiché')} "
                    f"à la mairie le {format_date(act.affichage)}")
            if act.publication is not None and act.publication <= self.today:
                text += f" et mis{'' if act.type is ActType.ARRETE else 'e'} en ligne, pour information, le " \
                        f"{format_date(act.publication)}"
            return text + "."
        if act.publication is not None and act.publication <= self.today:
            how = "sur papier" if act.publication_papier else "sous forme électronique"
            return (f"le maire certifie que {the} n°{self.view.number} a été {done} {how} le "
                    f"{format_date(act.publication)}.")
        if act.is_individual:
            return ("sans objet, acte individuel rendu exécutoire par sa notification "
                    "(article L2131-1, II, du CGCT).")
        if act.publication is not None:
            return (f"non encore {done} au {format_date(self.today)} (mise en ligne prévue le "
                    f"{format_date(act.publication)}).")
        return f"non {done} à la date de ce registre."

    @property
    def annexes(self) -> list[str]:
        return [masked(a.titre or a.filename, self.act) for a in self.act.annexes]

    @property
    def author(self) -> str:
        signataire = self.act.signataire
        return f"{signataire.prenom} {signataire.nom}, {signataire.qualite}"


@dataclass
class SeanceSection:
    """A séance of the council and the délibérations it adopted or rejected."""

    date: date
    seance: Seance | None
    entries: list[Entry]
    today: date
    kind: str = "seance"

    @property
    def anchor(self) -> str:
        return f"seance-{self.date.isoformat()}"

    @property
    def sort_key(self) -> tuple:
        return (self.date, 0, 0)

    @property
    def heading(self) -> str:
        return f"Séance du conseil municipal du {format_date(self.date)}"

    @property
    def when(self) -> str:
        """« jeudi 10 avril 2025 à 18 h 30 »."""
        text = format_date_long(self.date)
        heure = self.seance.heure if self.seance else None
        if heure:
            hours, _, minutes = heure.partition(":")
            text += f" à {int(hours)} h {minutes}" if minutes and minutes != "00" else f" à {int(hours)} h"
        return text

    @property
    def orders(self) -> str:
        """« 1 », « 1 et 2 », « 1 à 3 », or empty."""
        if not self.entries:
            return ""
        last = self.entries[-1].order
        return {1: "1", 2: "1 et 2"}.get(last, f"1 à {last}")

    @property
    def presents_count(self) -> int | None:
        if self.seance is not None:
            return len(self.seance.presents)
        counts = [e.act.vote.presents for e in self.entries if e.act.vote]
        return max(counts) if counts else None

    @property
    def pouvoirs(self) -> list[str]:
        return [f"{p.de} à {p.a}" for p in self.seance.pouvoirs] if self.seance else []

    @property
    def quorum_text(self) -> str:
        seance = self.seance
        if seance is None:
            return ""
        if seance.seconde_convocation:
            return "non exigé : seconde convocation (article L2121-17, alinéa 2, du CGCT)"
        state = "atteint" if seance.has_quorum else "non atteint"
        return f"{counted(seance.quorum, 'membre présent', 'membres présents')} requis, {state}"

    @property
    def secretaires(self) -> list[str]:
        return [m.display for m in self.seance.secretaires] if self.seance else []

    @property
    def secretaires_label(self) -> str:
        return "Le secrétaire de séance" if len(self.secretaires) < 2 else "Les secrétaires de séance"

    @property
    def proces_verbal_text(self) -> str:
        seance = self.seance
        pv = seance.proces_verbal if seance else None
        if pv is None or pv.arrete_le is None:
            return ""
        today = self.today
        if pv.arrete_le > today:  # an error of the séance file (dates.not_yet): never stated
            return ""
        text = f"arrêté lors de la séance du {format_date(pv.arrete_le)}"
        if pv.publication and pv.publication <= today:
            text += f", mis en ligne le {format_date(pv.publication)}"
        elif pv.publication:
            text += f", non encore en ligne au {format_date(today)} (mise en ligne prévue le " \
                    f"{format_date(pv.publication)})"
        return text


@dataclass
class ActSection:
    """A décision du maire (registre des délibérations) or an arrêté (registre des arrêtés)."""

    entry: Entry
    kind: str = "acte"

    @property
    def anchor(self) -> str:
        return self.entry.anchor

    @property
    def sort_key(self) -> tuple:
        return (self.entry.act.date, 1, self.entry.act.numero)


@dataclass
class MatiereGroup:
    label: str
    entries: list[Entry]


@dataclass
class PrintedRegister:
    kind: str
    register: Register
    year: int
    sections: list = field(default_factory=list)

    @property
    def config(self):
        return self.register.config

    @property
    def commune(self) -> str:
        return self.config.commune

    @property
    def name(self) -> str:
        return "Registre des délibérations" if self.kind == DELIBERATIONS else "Registre des arrêtés"

    @property
    def running_title(self) -> str:
        """What every page bears: « Commune de X — Registre des délibérations 2025 »."""
        return f"Commune de {self.commune} — {self.name} {self.year}"

    @property
    def contents(self) -> str:
        if self.kind == DELIBERATIONS:
            return "Délibérations du conseil municipal et décisions du maire prises par délégation du conseil"
        return "Arrêtés du maire et actes de leur publication et de leur notification"

    @property
    def legal_basis(self) -> str:
        if self.kind == DELIBERATIONS:
            return ("Articles L2121-23, R2121-9 et R2122-7-1 du code général des collectivités territoriales : "
                    "les délibérations et les décisions prises par délégation sont inscrites par ordre de date ; "
                    "les affaires d'une même séance reçoivent un numéro d'ordre à l'intérieur de la séance.")
        return ("Articles L2122-29 et R2122-7 du code général des collectivités territoriales : les arrêtés "
                "du maire ainsi que les actes de publication et de notification sont inscrits par ordre de date.")

    @property
    def entries(self) -> list[Entry]:
        """Every act inscribed, in the register's order."""
        result = []
        for section in self.sections:
            result.extend(section.entries if isinstance(section, SeanceSection) else [section.entry])
        return result

    @property
    def counts(self) -> str:
        """« 6 délibérations, 3 décisions du maire » / « 3 arrêtés »."""
        acts = [e.act for e in self.entries]
        if self.kind == ARRETES:
            return counted(len(acts), "arrêté")
        seances = sum(1 for s in self.sections if isinstance(s, SeanceSection))
        deliberations = sum(1 for a in acts if a.type is ActType.DELIBERATION)
        decisions = sum(1 for a in acts if a.type is ActType.DECISION)
        parts = [counted(seances, "séance"), counted(deliberations, "délibération"),
                 counted(decisions, "décision du maire", "décisions du maire")]
        return ", ".join(parts[:-1]) + " et " + parts[-1]

    @property
    def by_date(self) -> list[Entry]:
        return sorted(self.entries, key=lambda e: (e.act.date, e.act.type is not ActType.DELIBERATION,
                                                   e.act.numero))

    @property
    def by_matiere(self) -> list[MatiereGroup]:
        groups: dict[tuple, MatiereGroup] = {}
        for entry in self.by_date:
            matiere = entry.matiere
            if matiere is None:
                key, label = (10**6,), (f"{NO_MATIERE} ({entry.act.matiere})" if entry.act.matiere else NO_MATIERE)
                key = key + (label,)
            else:
                key = tuple(int(p) for p in matiere.code.split("."))
                label = f"{matiere.code} — {matiere.display}"
            groups.setdefault(key, MatiereGroup(label, [])).entries.append(entry)
        return [groups[k] for k in sorted(groups)]

    @property
    def latest_date(self) -> date:
        """The latest date the register mentions: the PDF's creation and modification date, so
        that the same acts always give the same bytes."""
        days = [date(self.year, 1, 1)]
        for entry in self.entries:
            act = entry.act
            days += [d for d in (act.date, act.publication, act.notification, act.transmission.date) if d]
        for section in self.sections:
            seance = getattr(section, "seance", None)
            if seance is not None:
                days.append(seance.date)
                pv = seance.proces_verbal
                days += [d for d in (seance.liste_publication, pv and pv.arrete_le, pv and pv.publication) if d]
        # A date still to come is stated as planned, « au <today> »: the document is of today at the latest.
        return min(max(days), self.register.today)

    @property
    def document_date(self) -> str:
        return datetime.combine(self.latest_date, time(12, 0), tzinfo=TIMEZONE).isoformat(timespec="seconds")


def _years_known(register: Register, types: tuple[ActType, ...]) -> list[int]:
    years = {a.year for a in register.acts if a.type in types}
    if ActType.DELIBERATION in types:
        years |= {s.date.year for s in register.seances}
    return sorted(years)


def printed_register(register: Register, kind: str, year: int) -> PrintedRegister:
    """The register ``kind`` (:data:`DELIBERATIONS` or :data:`ARRETES`) of ``year``."""
    if kind not in KINDS:
        raise ValueError(kind)
    result = PrintedRegister(kind, register, year)
    if kind == ARRETES:
        arretes = sorted((a for a in register.acts if a.type is ActType.ARRETE and a.year == year),
                         key=lambda a: (a.date, a.numero))
        if not arretes:
            known = _years_known(register, (ActType.ARRETE,))
            raise PrintedRegisterError(
                f"aucun arrêté daté de {year} dans le registre : il n'y a rien à imprimer.",
                _known_years_fix(known, "les arrêtés sont datés", "le registre ne contient encore aucun arrêté"))
        result.sections = [ActSection(Entry(ActView(a, register)), kind="arrete") for a in arretes]
        return result

    by_date: dict[date, list[Act]] = {}
    decisions = []
    for act in register.acts:
        if act.year != year:
            continue
        if act.type is ActType.DELIBERATION:
            by_date.setdefault(act.date, []).append(act)
        elif act.type is ActType.DECISION:
            decisions.append(act)
    # A séance still to come has not been held: no présents, no quorum to state (its file may be
    # written in advance, with the convocation).
    seances = {s.date: s for s in register.seances if s.date.year == year and s.date <= register.today}
    if not by_date and not decisions and not seances:
        known = _years_known(register, (ActType.DELIBERATION, ActType.DECISION))
        raise PrintedRegisterError(
            f"aucune délibération, aucune décision du maire et aucune séance datées de {year} dans le registre : "
            "il n'y a rien à imprimer.",
            _known_years_fix(known, "les délibérations, décisions et séances sont datées",
                             "le registre ne contient encore aucune délibération ni décision du maire"))
    sections: list = []
    orders = orders_in_seance(register)  # one definition with the séance pages
    for day in sorted(set(by_date) | set(seances)):
        acts = sorted(by_date.get(day, []), key=lambda a: a.numero)
        entries = [Entry(ActView(a, register), order=orders[a.identifier]) for a in acts]
        sections.append(SeanceSection(day, seances.get(day), entries, register.today))
    sections += [ActSection(Entry(ActView(a, register)), kind="decision") for a in decisions]
    result.sections = sorted(sections, key=lambda s: s.sort_key)
    return result


def _known_years_fix(years: list[int], dated: str, empty: str) -> str:
    if not years:
        return f"{empty} ; vérifiez le dossier des actes (acts_dir dans mkdocs.yml)."
    return f"indiquez une année du registre avec --annee ({dated} de {names([str(y) for y in years])})."


# -- rendering -------------------------------------------------------------------

def css_string(value: str) -> Markup:
    """``value`` as a CSS string literal, safe inside a ``<style>`` element (no ``</style>``)."""
    escaped = "".join(c if c.isprintable() and c not in '"\\<>' else f"\\{ord(c):x} " for c in value)
    return Markup(f'"{escaped}"')


@lru_cache(maxsize=1)
def _jinja() -> jinja2.Environment:
    env = document_environment()
    env.filters["css_string"] = css_string
    env.globals["names"] = names
    return env


def render_html(printed: PrintedRegister) -> str:
    return _jinja().get_template(TEMPLATE).render(r=printed, config=printed.config)


def render(printed: PrintedRegister) -> bytes:
    """The register as PDF/A-3b bytes (deterministic)."""
    html = render_html(printed)
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32]
    try:
        return render_with_fonts(html, STYLESHEET.read_text(encoding="utf-8"), identifier)
    except OSError as exc:
        raise PrintedRegisterError(
            f"génération du PDF impossible ({exc}).",
            "installez les paquets libpango-1.0-0, libpangoft2-1.0-0 et libharfbuzz-subset0 (Debian), "
            "puis relancez la commande.") from None
    except Exception as exc:  # WeasyPrint on unusual content: never a bare traceback
        raise PrintedRegisterError(
            f"génération du PDF impossible ({type(exc).__name__} : {exc}).",
            "simplifiez la mise en forme du texte des actes (tableaux très larges, éléments imbriqués) "
            "ou signalez le problème.") from None
