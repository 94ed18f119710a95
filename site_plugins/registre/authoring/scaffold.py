"""A new act file, ready for staff to complete (``registre new``, ``registre import``).

The file is rendered from ``templates/texte/acte.md``: what the register and
the config already know is filled in (next free number for the type and the
year, date, the commune's signataire, the délibération of delegation of the
last décision…), and what only staff know is left as an *empty* value with a
comment « À COMPLÉTER : … ».  An empty value is an error for ``registre
check``, and so is any « À COMPLÉTER » left in the text of the act
(:mod:`registre.checks.placeholders`): a half-filled file can never be published.

:func:`write_new` creates the file exclusively: it never overwrites anything.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from registre.authoring.text_templates import render_text
from registre.domain.config import RegistreConfig
from registre.domain.dates import format_date
from registre.domain.mandats import mandate_delegation, mandate_in_force
from registre.domain.model import Act, ActType, Portee, Signataire
from registre.domain.paths import display_path
from registre.domain.register import Register
from registre.source.schema import MARKER

TEMPLATE = "texte/acte.md"


class ScaffoldError(Exception):
    """The new act cannot be written (message and fix in French)."""

    def __init__(self, message: str, fix: str = ""):
        super().__init__(message)
        self.message = message
        self.fix = fix


@dataclass
class Draft:
    """Everything the new act file states; ``None`` means « à compléter »."""

    act_type: ActType
    numero: int
    date: date
    signataire: Signataire | None = None
    date_unknown: bool = False  # ``date`` is only a stand-in giving the year: left to complete
    objet: str | None = None
    matiere: str | None = None
    portee: Portee | None = None
    publication: date | None = None
    notification: date | None = None
    delegation_date: date | None = None
    delegation_source: str | None = None  # where the délibération date comes from (comment)
    delegation_hint: str | None = None  # what to look for when no délibération of the mandate is known
    alinea: int | None = None
    transmission_date: date | None = None
    ar: str | None = None
    annexes: list[tuple[str, str | None]] = field(default_factory=list)  # (fichier, titre)
    pending_decisions: list[Act] = field(default_factory=list)  # for a délibération: donné acte to give
    recours_note: str | None = None  # comment about the recours mention found in a document
    body: str | None = None  # None: the placeholder text of the type
    notes: list[str] = field(default_factory=list)  # comment lines at the top of the front matter
    created: date | None = None

    @property
    def identifier(self) -> str:
        return f"{self.act_type.value}-{self.date.year}-{self.numero}"

    @property
    def filename(self) -> str:
        return f"{self.identifier}.md"

    @property
    def is_individual(self) -> bool:
        return self.portee is Portee.INDIVIDUEL


def parse_act_type(text: str) -> ActType:
    """« decision », « décision », « Arrêté », « deliberations »… → :class:`ActType`."""
    plain = unicodedata.normalize("NFKD", text.strip().lower())
    plain = "".join(c for c in plain if not unicodedata.combining(c)).rstrip("s")
    for act_type in ActType:
        if plain == act_type.value:
            return act_type
    raise ScaffoldError(f"type d'acte inconnu « {text} ».",
                        "indiquez deliberation, arrete ou decision (par exemple « registre new decision »).")


def numbers_in_files(acts_root: Path, act_type: ActType, year: int) -> dict[int, Path]:
    """Numbers used by file names ``<type>-<year>-<n>[-…].md``, even unreadable ones."""
    pattern = re.compile(rf"^{act_type.value}-{year}-([1-9]\d*)(?:-[^/]*)?\.md$")
    found: dict[int, Path] = {}
    if acts_root.is_dir():
        for path in sorted(acts_root.rglob(f"{act_type.value}-{year}-*.md")):
            match = pattern.match(path.name)
            if match and (int(match[1]) not in found or path.name == f"{act_type.value}-{year}-{match[1]}.md"):
                found[int(match[1])] = path  # the act's own file rather than its annex
    return found


def next_number(register: Register, act_type: ActType, year: int) -> int:
    """Next free number for the type and the year: one after the highest used
    (by an act or a file name), else the first number of the register."""
    used = {a.numero for a in register.acts if a.type is act_type and a.year == year}
    used |= set(numbers_in_files(register.acts_root, act_type, year))
    if not used:
        return register.config.first_number(act_type, year)
    return max(used) + 1


def number_taken_by(register: Register, act_type: ActType, year: int, numero: int) -> Path | None:
    """The act file (or a file named like one) already using ``numero``, if any."""
    for act in register.acts:
        if act.type is act_type and act.year == year and act.numero == numero:
            return register.acts_root / act.source
    return numbers_in_files(register.acts_root, act_type, year).get(numero)


def last_delegation(register: Register, before: date) -> tuple[date, str] | None:
    """Délibération of delegation cited by the latest décision up to ``before``."""
    decisions = sorted((a for a in register.acts
                        if a.type is ActType.DECISION and a.delegation and a.date <= before),
                       key=lambda a: (a.date, a.numero))
    if not decisions:
        return None
    last = decisions[-1]
    assert last.delegation is not None
    return last.delegation.deliberation, f"{last.type.label.lower()} n°{last.numero}/{last.year}"


def pending_for_seance(register: Register, seance: date) -> list[Act]:
    """Décisions not reported yet that a séance on ``seance`` should report."""
    return [a for a in register.donne_acte.pending if a.date <= seance]


def prepare(register: Register, act_type: ActType, *, on: date, numero: int | None = None,
            objet: str | None = None, portee: Portee | None = None, matiere: str | None = None,
            publication: date | None = None, delegation_date: date | None = None,
            alinea: int | None = None) -> Draft:
    """The draft of a new act, numbered after the register's last one."""
    year = on.year
    if numero is None:
        numero = next_number(register, act_type, year)
    else:
        taken = number_taken_by(register, act_type, year, numero)
        if taken:
            raise ScaffoldError(
                f"le numéro {numero} des {act_type.plural.lower()} de {year} est déjà pris "
                f"({display_path(taken)}).",
                f"omettez --numero : le numéro suivant libre ({next_number(register, act_type, year)}) "
                "est calculé automatiquement.")
    draft = Draft(act_type=act_type, numero=numero, date=on, signataire=register.config.signataire,
                  objet=objet, matiere=matiere, portee=portee, publication=publication,
                  alinea=alinea, created=register.today)
    if act_type is ActType.DECISION:
        mandat = mandate_in_force(register.config.mandats, on)
        if delegation_date is not None:
            draft.delegation_date = delegation_date
        elif mandat is not None:
            # Delegations last for the mandate (L2122-22): the latest one of the council in office.
            found = mandate_delegation(register.acts, mandat, on)
            if found:
                draft.delegation_date, draft.delegation_source = found.deliberation, found.source
            else:
                draft.delegation_hint = (f"délibération de délégation du conseil installé le "
                                         f"{format_date(mandat.start)}")
        else:
            known = last_delegation(register, on)
            if known:
                draft.delegation_date, draft.delegation_source = known
    if act_type is ActType.DELIBERATION:
        draft.pending_decisions = pending_for_seance(register, on)
    return draft


def render(draft: Draft, config: RegistreConfig) -> str:
    """The text of the act file."""
    number = config.pattern_for(draft.act_type).format(numero=draft.numero, annee=draft.date.year,
                                                       type=draft.act_type.value)
    ar_example = (f"{config.departement_code if config.departement else 'DDD'}-"
                  f"{config.siren or 'SIREN'}-{draft.date.strftime('%Y%m%d')}-XXXX-"
                  f"{_nature_hint(draft)}")
    return render_text(TEMPLATE, d=draft, config=config, number=number, marker=MARKER,
                       ar_example=ar_example)


def _nature_hint(draft: Draft) -> str:
    if draft.act_type is ActType.DELIBERATION:
        return "DE"
    if draft.act_type is ActType.ARRETE:
        return "AI" if draft.is_individual else "AR"
    return "AU"


def target_path(acts_root: Path, draft: Draft) -> Path:
    """``acts/<année>/<type>-<année>-<numéro>.md``."""
    return acts_root / str(draft.date.year) / draft.filename


def write_new(path: Path, text: str) -> None:
    """Create ``path`` with ``text``; never overwrite (raises :class:`ScaffoldError`)."""
    if path.exists() or path.is_symlink():
        raise ScaffoldError(f"{path} existe déjà : rien n'a été écrit.",
                            "ouvrez ce fichier pour le compléter, ou choisissez un autre numéro ou un autre "
                            "fichier de sortie.")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{path} existe déjà : rien n'a été écrit.",
                            "ouvrez ce fichier pour le compléter.") from None
