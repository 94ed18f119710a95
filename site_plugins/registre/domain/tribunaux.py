"""The tribunal administratif of each département (CJA R221-3), read from a data file.

``data/tribunaux-administratifs.csv`` (its source and date: ``data/README.md``) maps the INSEE code
of a département to the tribunal's name, as written in a sentence, and its postal address.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from registre.resources import TRIBUNAUX_CSV


@dataclass(frozen=True)
class TribunalEntry:
    departement: str  # INSEE code: "01", "2A", "971"
    nom_departement: str
    tribunal: str  # « tribunal administratif de Lyon »
    adresse: str
    a_verifier: bool  # the address is the least certain of the table (data/README.md)


@lru_cache(maxsize=1)
def tribunaux() -> dict[str, TribunalEntry]:
    with open(TRIBUNAUX_CSV, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {row["departement"]: TribunalEntry(row["departement"], row["nom_departement"], row["tribunal"],
                                              row["adresse"], bool(row["a_verifier"])) for row in rows}


def normalise_departement(text: str) -> str:
    """« 1 », « 01 », « 2a », « 066 » → « 01 », « 01 », « 2A », « 66 » (unknown forms unchanged)."""
    code = text.strip().upper()
    if re.fullmatch(r"0?2[AB]", code):
        return code[-2:]
    if re.fullmatch(r"[0-9]{1,3}", code):
        number = int(code)
        return f"{number:02d}" if number < 100 else str(number)
    return code


def tribunal_for(departement: str) -> TribunalEntry | None:
    return tribunaux().get(normalise_departement(departement))
