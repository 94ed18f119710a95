"""The administrative act as a plain Python value.

An :class:`Act` is what one file under ``acts/`` means once its front matter
has been read and checked field by field (see :mod:`registre.source.schema`).  It
carries no MkDocs object and no rendering: pages, exports and the CLI all read
the same values.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property


class ActType(str, enum.Enum):
    """The three kinds of acts a commune publishes."""

    DELIBERATION = "deliberation"
    ARRETE = "arrete"
    DECISION = "decision"  # décision du maire prise par délégation (CGCT L2122-22)

    @property
    def label(self) -> str:
        return ACT_TYPE_LABELS[self][0]

    @property
    def plural(self) -> str:
        return ACT_TYPE_LABELS[self][1]

    def agree(self, word: str) -> str:
        """``word`` (a participle in the masculine) agreed with the act: « daté » for an
        arrêté, « datée » for a délibération or a décision."""
        return word if self is ActType.ARRETE else word + "e"

    @property
    def article(self) -> str:
        """« le » (arrêté) or « la » (délibération, décision)."""
        return "le" if self is ActType.ARRETE else "la"


ACT_TYPE_LABELS = {
    ActType.DELIBERATION: ("Délibération", "Délibérations"),
    ActType.ARRETE: ("Arrêté", "Arrêtés"),
    ActType.DECISION: ("Décision du maire", "Décisions du maire"),
}


class Portee(str, enum.Enum):
    """Legal reach of an act: it decides how it becomes executory (L2131-1)."""

    REGLEMENTAIRE = "reglementaire"
    INDIVIDUEL = "individuel"
    ESPECE = "espece"

    @property
    def label(self) -> str:
        return {
            Portee.REGLEMENTAIRE: "réglementaire",
            Portee.INDIVIDUEL: "individuel",
            Portee.ESPECE: "d'espèce",
        }[self]


@dataclass(frozen=True)
class Signataire:
    prenom: str
    nom: str
    qualite: str

    @property
    def display(self) -> str:
        return f"{self.prenom} {self.nom}, {self.qualite}"


@dataclass(frozen=True)
class Delegation:
    """Délégation du conseil municipal au maire (L2122-22)."""

    deliberation: date  # date of the council délibération giving the delegation
    alinea: int  # item of L2122-22 (1° to 29°)


@dataclass(frozen=True)
class Vote:
    presents: int
    votants: int
    pour: int
    contre: int
    abstentions: int


class Resultat(str, enum.Enum):
    """Outcome of a délibération's vote (L2121-20: majority of the votes cast)."""

    ADOPTEE = "adoptee"
    REJETEE = "rejetee"

    @property
    def label(self) -> str:
        return "adoptée" if self is Resultat.ADOPTEE else "rejetée"


# How ``resultat`` may be written in an act's file.
RESULTAT_WORDS = {"adoptee": Resultat.ADOPTEE, "adoptée": Resultat.ADOPTEE,
                  "rejetee": Resultat.REJETEE, "rejetée": Resultat.REJETEE}


class TransmissionStatus(str, enum.Enum):
    TRANSMIS = "transmis"
    NON_REQUISE = "non_requise"
    EN_ATTENTE = "en_attente"


class TransmissionMode(str, enum.Enum):
    """How a transmitted act reached the préfecture."""

    ACTES = "actes"  # télétransmission @ctes: an accusé de réception with its identifier
    PAPIER = "papier"  # on paper: the préfecture's dated receipt, no @ctes identifier


@dataclass(frozen=True)
class Transmission:
    """Transmission au représentant de l'État (L2131-1, L2131-2)."""

    status: TransmissionStatus
    date: date | None = None  # date of the accusé de réception (@ctes) or of the paper receipt
    ar: str | None = None  # @ctes identifier DDD-SIREN-AAAAMMJJ-NUMERO-NATURE
    motif: str | None = None  # why no transmission is required
    mode: TransmissionMode | None = None  # set when transmitted (ACTES if not written otherwise)

    @property
    def on_paper(self) -> bool:
        return self.mode is TransmissionMode.PAPIER


@dataclass(frozen=True)
class Annex:
    """A file attached to an act; ``path`` is relative to the acts root."""

    path: str
    titre: str | None = None

    @property
    def filename(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def is_markdown(self) -> bool:
        return self.path.lower().endswith(".md")


@dataclass(frozen=True)
class Act:
    """One administrative act of the register."""

    source: str  # path of the file relative to the acts root, POSIX style
    type: ActType
    numero: int
    date: date
    objet: str
    signataire: Signataire
    transmission: Transmission
    body: str  # the act's text, Markdown
    body_line: int  # line of the file where ``body`` starts (1-based)
    matiere: str | None = None
    portee: Portee | None = None
    notification: date | None = None
    publication: date | None = None  # mise en ligne (and, under « publicite: papier », the paper publication)
    publication_papier: bool = False  # « publication: {date, mode: papier} » (L2131-1 IV 2° CGCT)
    affichage: date | None = None  # posting at the mairie (« publicite: affichage », L2131-1 IV 1° CGCT)
    delegation: Delegation | None = None
    vote: Vote | None = None
    resultat: Resultat | None = None  # as written in the file; see lifecycle.resultat for the outcome
    annexes: tuple[Annex, ...] = ()
    donne_acte: tuple[str, ...] = ()
    recours: str | None = None
    note: str | None = None
    # Corrections: identifiers of earlier acts this act changes.
    modifie: tuple[str, ...] = ()
    abroge: tuple[str, ...] = ()
    retire: tuple[str, ...] = ()
    rectifie: tuple[str, ...] = ()
    # Personal data to hide on the public site (individual acts, CRPA L312-1-2).
    masquer: tuple[str, ...] = ()
    # Signed original shipped with the act (PDF), relative to the acts root.
    original: str | None = None
    # Line of each front matter key, dotted for nested ones ("transmission.ar").
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    # Raw front matter as read (plain Python values), for hashing and exports.
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def year(self) -> int:
        return self.date.year

    @cached_property  # asked for hundreds of thousands of times per build at 10,000 acts
    def identifier(self) -> str:
        """Stable identifier ``<type>-<year>-<numero>``; gives the page URL."""
        return f"{self.type.value}-{self.year}-{self.numero}"

    @property
    def is_individual(self) -> bool:
        return self.portee is Portee.INDIVIDUEL

    def line_of(self, key: str) -> int:
        """Line of ``key`` (dotted path) or of its nearest parent; 1 if unknown."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rpartition(".")[0]
        return self.lines.get("", 1)
