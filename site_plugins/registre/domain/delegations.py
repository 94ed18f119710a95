"""The 29 items (alinéas) of CGCT L2122-22: what the council may delegate to the maire.

Short labels, paraphrasing the article, used to group the décisions of the
donné acte list (``registre donne-acte``) by the delegation they rest on.
"""

from __future__ import annotations

ALINEAS: dict[int, str] = {
    1: "affectation des propriétés communales utilisées par les services publics municipaux",
    2: "tarifs des droits de voirie, de stationnement et autres droits non fiscaux",
    3: "emprunts et opérations financières utiles à leur gestion",
    4: "marchés publics et accords-cadres (préparation, passation, exécution, règlement, avenants)",
    5: "louage de choses pour une durée n'excédant pas douze ans",
    6: "contrats d'assurance et indemnités de sinistre",
    7: "régies comptables des services municipaux",
    8: "concessions dans les cimetières",
    9: "dons et legs sans conditions ni charges",
    10: "aliénation de gré à gré de biens mobiliers jusqu'à 4 600 euros",
    11: "honoraires des avocats, notaires, commissaires de justice et experts",
    12: "offres de la commune aux expropriés",
    13: "création de classes dans les établissements d'enseignement",
    14: "reprises d'alignement en application d'un document d'urbanisme",
    15: "droits de préemption définis par le code de l'urbanisme",
    16: "actions en justice",
    17: "accidents impliquant des véhicules municipaux",
    18: "avis de la commune sur les opérations d'un établissement public foncier local",
    19: "conventions de participation aux équipements publics (ZAC, projet urbain partenarial)",
    20: "lignes de trésorerie",
    21: "droit de préemption sur les fonds artisanaux, fonds de commerce et baux commerciaux",
    22: "droit de priorité (articles L240-1 à L240-3 du code de l'urbanisme)",
    23: "diagnostics d'archéologie préventive",
    24: "renouvellement de l'adhésion aux associations dont la commune est membre",
    25: "expropriation pour les aires de stockage de bois en zone de montagne",
    26: "demandes de subventions",
    27: "demandes d'autorisations d'urbanisme pour les biens municipaux",
    28: "droit prévu à l'article 10 de la loi n° 75-1351 du 31 décembre 1975 (vente de logements occupés)",
    29: "participation du public par voie électronique (article L123-19 du code de l'environnement)",
}


def alinea_label(alinea: int) -> str:
    """« 4° — marchés publics… »; an unknown number keeps its number only."""
    label = ALINEAS.get(alinea)
    return f"{alinea}° — {label}" if label else f"{alinea}°"
