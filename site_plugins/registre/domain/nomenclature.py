"""The ACTES classification of matières (levels 1 and 2), read from a data file.

The préfecture classifies every act it receives under a matière code of the
ACTES nomenclature ("7.1" = Finances locales / Décisions budgétaires).  Levels 1
and 2 are national (the SCDL « Délibérations » schema lists them: 1.1–1.7,
2.1–2.3, 3.1–3.6, 4.1–4.5, 5.1–5.8, 6.1–6.5, 7.1–7.10, 8.1–8.9, 9.1–9.4); deeper
levels are each préfecture's own, so only the first two levels are named here.
The labels live in ``data/nomenclature-actes.csv`` (code, libellé).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from registre.domain.diagnostics import Diagnostic, warning
from registre.domain.model import ActType
from registre.resources import NOMENCLATURE_CSV

DATA_FILE = NOMENCLATURE_CSV


@dataclass(frozen=True)
class Matiere:
    code: str  # level-2 code ("7.1") or level-1 code ("7")
    libelle: str  # label of this level
    parent: str | None = None  # label of level 1, for a level-2 matière

    @property
    def display(self) -> str:
        """« Finances locales / Décisions budgétaires »."""
        return f"{self.parent} / {self.libelle}" if self.parent else self.libelle

    @property
    def scdl_name(self) -> str:
        """SCDL ``DELIB_MATIERE_NOM``: « niveau1/niveau2 » in accented lowercase,
        without commas or brackets (« finances locales/décisions budgétaires »)."""
        return "/".join(_scdl_part(p) for p in (self.parent, self.libelle) if p)


def _scdl_part(label: str) -> str:
    text = re.sub(r"[(),/]", " ", label.lower())
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=1)
def labels() -> dict[str, str]:
    """Code → label for levels 1 and 2, as in the data file."""
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["code"].strip(): row["libelle"].strip() for row in csv.DictReader(handle)}


def level2_code(code: str | None) -> str | None:
    """The first two levels of a matière code ("7.1.2" → "7.1"); None for "7"."""
    if not code:
        return None
    parts = code.split(".")
    return ".".join(parts[:2]) if len(parts) >= 2 else None


def lookup(code: str | None) -> Matiere | None:
    """The most precise known matière for ``code`` (level 2, else level 1)."""
    if not code:
        return None
    table = labels()
    level1 = code.split(".")[0]
    level2 = level2_code(code)
    if level2 and level2 in table and level1 in table:
        return Matiere(level2, table[level2], table[level1])
    if level1 in table:
        return Matiere(level1, table[level1])
    return None


def rule_matiere_nomenclature(register) -> Iterable[Diagnostic]:
    """Matière codes must exist at levels 1 and 2; délibérations need level 2
    for the open data export (SCDL ``DELIB_MATIERE_CODE``)."""
    table = labels()
    for act in register.acts:
        code = act.matiere
        if not code:
            continue
        path = register.shown(act)
        line = act.line_of("matiere")
        level1, level2 = code.split(".")[0], level2_code(code)
        if level1 not in table or (level2 and level2 not in table):
            siblings = sorted((c for c in table if c.startswith(level1 + ".")), key=lambda c: int(c.split(".")[1]))
            known = f" ; pour la matière {level1}, les codes de niveau 2 vont de {siblings[0]} à {siblings[-1]}" \
                if siblings else ""
            yield warning(path, line, f"la matière « {code} » n'existe pas dans la nomenclature ACTES{known}.",
                          "reprenez le code indiqué par la préfecture lors de la télétransmission.",
                          "matiere.unknown")
        elif level2 is None and act.type is ActType.DELIBERATION:
            yield warning(path, line,
                          f"la matière « {code} » ne donne que le niveau 1 de la nomenclature ACTES ; "
                          "l'export open data des délibérations (SCDL) demande le niveau 2.",
                          f"précisez la sous-matière, par exemple « matiere: \"{level1}.1\" ».",
                          "matiere.level")
