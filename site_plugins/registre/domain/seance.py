"""The séance of the municipal council as a legal record (CGCT L2121-7 to L2121-26).

One file per séance, ``acts/<année>/seance-<AAAA-MM-JJ>.md`` (format: docs/format-des-actes.md):
its convocation, the members present, their proxies, the absent ones, the liste des délibérations
put online (L2121-25) and the procès-verbal (L2121-15), whose text is the file's body.  Plain
values; the rules are :mod:`registre.checks.seances`, reading is :mod:`registre.source.seance_schema`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date


def member_key(name: str) -> str:
    """How two writings of one member's name compare: spaces, Unicode form, accents and case aside
    (« Marie DURAND », « Marie  Durand » and « Marie DURÁND » are one member: two members of one
    council whose names differ only by an accent would be told apart by their first name)."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return " ".join(bare.split()).casefold()


@dataclass(frozen=True)
class Member:
    """A council member, « Prénom NOM » as the séance file writes them."""

    prenom: str
    nom: str
    qualite: str = ""

    @property
    def display(self) -> str:
        return f"{self.prenom} {self.nom}".strip()


@dataclass(frozen=True)
class Pouvoir:
    """A proxy (L2121-20): ``de`` (the mandant, absent) votes through ``a`` (the mandataire, present)."""

    de: str
    a: str


@dataclass(frozen=True)
class ProcesVerbal:
    arrete_le: date | None = None  # date of the (later) séance that adopted it
    publication: date | None = None  # put online (within a week of arrete_le, L2121-15)
    original: str | None = None  # signed PV (PDF under acts/), published as it is


@dataclass
class Seance:
    source: str  # path under acts/, POSIX
    date: date
    lieu: str
    convocation: date  # date the convocation was sent
    membres_en_exercice: int
    president: Member
    presents: tuple[str, ...]
    heure: str | None = None  # "18:30"
    urgence: bool = False  # shortened delay (never under one jour franc, L2121-11/12)
    seconde_convocation: bool = False  # no quorum required (L2121-17, al. 2)
    secretaires: tuple[Member, ...] = ()
    pouvoirs: tuple[Pouvoir, ...] = ()
    absents: tuple[str, ...] = ()
    liste_publication: date | None = None  # liste des délibérations online (L2121-25)
    proces_verbal: ProcesVerbal | None = None
    body: str = ""  # the procès-verbal's text (empty until written)
    body_line: int = 1
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)  # key (dotted) → line
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def identifier(self) -> str:
        return f"seance-{self.date.isoformat()}"

    @property
    def mandants(self) -> tuple[str, ...]:
        return tuple(p.de for p in self.pouvoirs)

    @property
    def quorum(self) -> int:
        """Members present needed to deliberate: more than half of the members in office (L2121-17)."""
        return self.membres_en_exercice // 2 + 1

    @property
    def has_quorum(self) -> bool:
        """Whether the council could deliberate: quorum reached, or a second convocation."""
        return self.seconde_convocation or not self.lacks_quorum

    @property
    def lacks_quorum(self) -> bool:
        """Fewer members present than the quorum (whatever the convocation)."""
        return len(self.presents) < self.quorum

    def line_of(self, key: str) -> int:
        """Line of ``key`` (dotted for nested keys: ``proces_verbal.arrete_le``), else of its parent, else 1."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rpartition(".")[0]
        return 1


# -- delays of the séance (L2121-11, L2121-12, L2121-25, L2121-15) ---------------------------

HABITANTS_THRESHOLD = 3500  # from 3,500 inhabitants: five jours francs, with a note de synthèse (L2121-12)
CONVOCATION_DAYS_SMALL = 3  # under 3,500 inhabitants (L2121-11)
CONVOCATION_DAYS_LARGE = 5  # 3,500 and more (L2121-12)
CONVOCATION_DAYS_URGENCE = 1  # urgence: never under one jour franc (L2121-11, L2121-12)
# After a séance without quorum: « à nouveau convoqué à trois jours au moins d'intervalle » (L2121-17).
SECOND_CONVOCATION_DAYS = 3
LISTE_DAYS = 7  # liste des délibérations online « dans un délai d'une semaine » (L2121-25)
PV_DAYS = 7  # PV online « dans la semaine qui suit la séance au cours de laquelle il a été arrêté » (L2121-15)


def jours_francs(sent: date, meeting: date) -> int:
    """Whole days between sending and meeting: neither the day the convocation is sent nor the day
    of the séance counts (sent Friday 27 June, séance Thursday 3 July: 28, 29, 30 June, 1, 2 July = 5).
    Negative when the convocation is dated after the séance."""
    return (meeting - sent).days - 1


def convocation_days(habitants: int | None, urgence: bool) -> int:
    """Jours francs the convocation needs: 1 with urgence, else 3 under 3,500 inhabitants, 5 at or above.
    ``habitants`` unknown: 3, the shorter delay (the rule then says which delay it assumed)."""
    if urgence:
        return CONVOCATION_DAYS_URGENCE
    if habitants is not None and habitants >= HABITANTS_THRESHOLD:
        return CONVOCATION_DAYS_LARGE
    return CONVOCATION_DAYS_SMALL
