"""The @ctes acknowledgement identifier (accusé de réception de la préfecture).

Format observed in @ctes exchange files: ``DDD-SIREN-AAAAMMJJ-NUMERO-NATURE``,
e.g. ``066-216602284-20250530-DEC2025_11-AU``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

NATURES = {
    "DE": "Délibérations",
    "AR": "Actes réglementaires",
    "AI": "Actes individuels",
    "CC": "Contrats, conventions et avenants",
    "BF": "Documents budgétaires et financiers",
    "AU": "Autres",
}

AR_RE = re.compile(
    r"^(?P<dept>[0-9]{3}|02[AB])-(?P<siren>[0-9]{9})-(?P<date>[0-9]{8})-(?P<numero>[A-Za-z0-9_]+)-(?P<nature>[A-Z]{2})$"
)
NUMERO_RE = re.compile(r"^[0-9A-Z_]{2,15}$")  # unconfirmed rule: a warning only


@dataclass(frozen=True)
class ArProblem:
    message: str
    fix: str
    blocking: bool = True


def check_ar(ar: str, *, departement: str, siren: str, act_date: date) -> list[ArProblem]:
    """Problems with an AR identifier for an act of ``act_date``."""
    example = f"{departement or 'DDD'}-{siren or 'SIREN'}-{act_date:%Y%m%d}-NUMERO-DE"
    match = AR_RE.match(ar)
    if not match:
        return [ArProblem(f"identifiant d'accusé de réception « {ar} » mal formé "
                          "(attendu : DDD-SIREN-AAAAMMJJ-NUMERO-NATURE).",
                          f"recopiez l'identifiant de l'accusé de réception @ctes, par exemple « {example} ».")]
    problems = []
    if departement and match["dept"] != departement:
        problems.append(ArProblem(f"accusé de réception « {ar} » : le département est {match['dept']}, "
                                  f"celui de la commune est {departement}.",
                                  "vérifiez l'identifiant recopié depuis @ctes."))
    if siren and match["siren"] != siren:
        problems.append(ArProblem(f"accusé de réception « {ar} » : le SIREN est {match['siren']}, "
                                  f"celui de la commune est {siren}.",
                                  "vérifiez l'identifiant : le SIREN est celui de la commune (9 premiers "
                                  "chiffres du SIRET)."))
    if match["date"] != f"{act_date:%Y%m%d}":
        problems.append(ArProblem(f"accusé de réception « {ar} » : la date {match['date']} n'est pas celle "
                                  f"de l'acte ({act_date:%Y%m%d}).",
                                  "dans l'identifiant @ctes, la date est celle de l'acte ; vérifiez la date "
                                  "de l'acte ou l'identifiant."))
    if match["nature"] not in NATURES:
        problems.append(ArProblem(f"accusé de réception « {ar} » : nature « {match['nature']} » inconnue.",
                                  f"natures possibles : {', '.join(NATURES)}."))
    if not NUMERO_RE.match(match["numero"]):
        problems.append(ArProblem(f"accusé de réception « {ar} » : le numéro interne « {match['numero']} » "
                                  "ne suit pas l'usage @ctes (2 à 15 caractères A-Z, 0-9, _).",
                                  "vérifiez l'identifiant.", blocking=False))
    return problems
