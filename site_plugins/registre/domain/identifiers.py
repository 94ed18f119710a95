"""SIRET and SIREN of a commune: the Luhn key (INSEE), and the SIREN as the first nine digits.

A SIRET is the SIREN (9 digits, the legal person) followed by the NIC (5 digits, the
establishment); both carry a Luhn key.  La Poste's establishments (SIREN 356000000) follow
another rule, checked as INSEE does: the sum of the digits is a multiple of 5.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LA_POSTE_SIREN = "356000000"


@dataclass(frozen=True)
class IdentifierProblem:
    message: str  # French, names the value
    fix: str


def luhn_valid(digits: str) -> bool:
    """Luhn key: from the right, every second digit doubled (minus 9 above 9); the sum ends in 0."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def siret_problem(text: str) -> IdentifierProblem | None:
    """Why ``text`` is not a valid SIRET, or None."""
    compact = re.sub(r"[\s.\u00a0\u202f]", "", text)
    if not re.fullmatch(r"[0-9]{14}", compact):
        count = sum(c.isdigit() for c in compact)
        return IdentifierProblem(f"le SIRET « {text} » doit compter 14 chiffres (il en compte {count}).",
                                 "recopiez le SIRET de la mairie tel que l'annuaire des entreprises "
                                 "(annuaire-entreprises.data.gouv.fr) l'affiche : 9 chiffres du SIREN puis 5 "
                                 "chiffres de l'établissement.")
    if compact.startswith(LA_POSTE_SIREN):
        valid = sum(int(c) for c in compact) % 5 == 0
    else:
        valid = luhn_valid(compact)
    if not valid:
        return IdentifierProblem(f"le SIRET « {text} » n'est pas valide : sa clé de contrôle (formule de Luhn) "
                                 "ne correspond pas, un chiffre est probablement faux ou deux chiffres sont "
                                 "inversés.",
                                 "vérifiez-le chiffre par chiffre sur l'annuaire des entreprises "
                                 "(annuaire-entreprises.data.gouv.fr) ou sur un avis de situation INSEE.")
    if not luhn_valid(compact[:9]):
        return IdentifierProblem(f"le SIRET « {text} » n'est pas valide : son SIREN ({compact[:9]}) a une clé "
                                 "de contrôle fausse.",
                                 "vérifiez les 9 premiers chiffres (le SIREN de la commune).")
    return None


def normalise_siret(text: str) -> str:
    return re.sub(r"[\s.\u00a0\u202f]", "", text)


def siren_of(siret: str) -> str:
    return normalise_siret(siret)[:9]
