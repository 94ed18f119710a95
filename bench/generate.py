"""Generate a synthetic register of N acts in the real act format, for benchmarks.

    python bench/generate.py 10000                 # → bench/out/n10000/
    python bench/generate.py 2000 --out /tmp/reg   # elsewhere

The output is a complete project folder (``mkdocs.yml``, ``docs/``, ``acts/``)
that ``mkdocs build`` and ``registre check`` accept without an error or a
warning.  Same N and seed → byte-identical output.

What it contains, per year (10,000 acts a year, so N/10,000 years ending in
:data:`END_YEAR`; at least one year):

* about 80 % arrêtés — réglementaires (temporary traffic rules, not
  transmitted; police regulations, transmitted AR), individuels (occupation of
  the public domain, permissions de voirie, staff decisions with the person's
  name hidden by ``masquer``, ERP openings) and d'espèce (public inquiries,
  juries, censuses); a few modify or abrogate an earlier arrêté;
* about 12 % décisions du maire taken by delegation (L2122-22, with the
  delegating délibération and the alinéa matching the subject);
* about 8 % délibérations grouped in eleven séances a year, with votes, and at
  each séance a délibération whose ``donne_acte`` lists every décision taken
  since the previous séance;
* one séance file per séance (``seance-AAAA-MM-JJ.md``): convocation sent 6 to 8
  jours francs before (the commune has 65,000 inhabitants: 5 are needed), the
  council's 49 members split into présents, proxies and absents so that every
  délibération's vote fits its séance and the quorum holds (a member concerned
  by an affaire sometimes leaves it), the liste des délibérations online within
  the week, and the procès-verbal arrêté at the next séance and online within
  the week after it (the last séance's PV is not arrêté yet);
* a few acts with an annex, a small Markdown file or a small PDF.

Numbers are consecutive per type and year and follow the date order; @ctes AR
identifiers are valid for SIREN 216602284 in département 066.  Bodies are
French administrative prose (visas, considérants, articles) of 1.5 to 4 KB.

Plain Python, standard library and PyYAML only (PyYAML reads the repository's
mkdocs.yml); nothing from the ``registre`` package, so that the generator does
not change when the code it measures does.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import shutil
import sys
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"

DEFAULT_SEED = 20251215
END_YEAR = 2025
ACTS_PER_YEAR = 10_000
DATE_REFERENCE = date(END_YEAR, 12, 31)  # the build's "today": every act is online
SIREN = "216602284"
DEPT = "066"
COMMUNE = "Villeneuve-la-Rivière"
TYPE_SHARES = (("deliberation", 0.08), ("decision", 0.12), ("arrete", 0.80))
SEANCE_MONTHS = (1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12)
ANNEX_RATE = 0.03  # share of acts with an annex (half Markdown, half PDF)
CORRECTION_RATE = 0.006  # share of arrêtés réglementaires that modify or abrogate an earlier one

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")


def fr(day: date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------

STREET_KINDS = ("rue", "rue", "rue", "avenue", "boulevard", "place", "chemin", "impasse", "allée", "quai")
STREET_NAMES = (
    "de la République", "Jean Jaurès", "Victor Hugo", "des Platanes", "du Canigou", "de la Têt", "Arago",
    "Pasteur", "Gambetta", "du Maréchal Foch", "des Albères", "du Vallespir", "de la Gare", "des Écoles",
    "Saint-Jacques", "des Vignes", "Émile Zola", "Anatole France", "Frédéric Mistral", "de l'Agly",
    "du Roussillon", "des Corbières", "Jean Moulin", "Aristide Briand", "Paul Cézanne", "de l'Église",
    "du Marché", "des Remparts", "du Moulin", "des Oliviers", "Pierre Curie", "Marcel Pagnol", "Ludovic Massé",
    "des Aspres", "du Conflent", "de la Salanque", "Pau Casals", "Aristide Maillol", "Joseph Sébastien Pons",
    "des Cerisiers", "des Tilleuls", "de la Liberté", "du 19 Mars 1962", "du 8 Mai 1945", "des Lavandières",
    "du Stade", "de la Poste", "des Jardins", "du Château d'eau", "de Perpignan", "de Rivesaltes",
)
COMPANIES = (
    "la société Travaux Publics du Roussillon", "la société Colas France, agence de Perpignan",
    "la société Eiffage Route Méditerranée", "la SARL Électricité Catalane", "Enedis, direction régionale",
    "GRDF, agence d'intervention de Perpignan", "la société Orange, unité d'intervention Pyrénées",
    "la société Veolia Eau", "la société Sade CGTH", "la SNC Bâtiments du Sud", "la SARL Déménagements Martí",
    "la société Bouygues Énergies et Services", "la SAS Élagage des Aspres", "la société Razel-Bec",
    "la SARL Maçonnerie Puig et Fils", "la société SPIE Citynetworks", "la SAS Toitures Catalanes",
    "la société Perpignan Méditerranée Métropole, direction de l'eau", "la SARL Façades du Midi",
)
WORKS = (
    ("des travaux de raccordement au réseau d'eau potable", "de raccordement au réseau d'eau potable"),
    ("des travaux de réfection de la chaussée", "de réfection de la chaussée"),
    ("des travaux sur le réseau électrique basse tension", "sur le réseau électrique"),
    ("des travaux de renouvellement de la conduite de gaz", "sur la conduite de gaz"),
    ("la pose de fourreaux pour le déploiement de la fibre optique", "de déploiement de la fibre optique"),
    ("un déménagement nécessitant le stationnement d'un camion", "de déménagement"),
    ("l'installation d'un échafaudage pour le ravalement d'une façade", "de ravalement de façade"),
    ("des travaux d'élagage des platanes d'alignement", "d'élagage"),
    ("la livraison de matériaux de construction à l'aide d'un camion-grue", "de livraison par camion-grue"),
    ("des travaux de réfection de toiture", "de réfection de toiture"),
    ("des travaux d'extension du réseau d'assainissement", "sur le réseau d'assainissement"),
    ("le remplacement de candélabres de l'éclairage public", "sur l'éclairage public"),
)
EVENTS = (
    "la fête de la Saint-Jean", "le marché de Noël", "la fête locale", "le carnaval des écoles",
    "la course pédestre des Remparts", "le vide-greniers du comité des fêtes", "la fête de la musique",
    "la cérémonie commémorative du 11 novembre", "la foire aux vins", "le festival de sardane",
    "la fête de la Sant Jordi", "le passage du Tour cycliste des Pyrénées-Orientales",
)
FIRST_NAMES = ("Jean", "Marie", "Pierre", "Anne", "Jordi", "Núria", "Michel", "Sylvie", "Laurent", "Isabelle",
               "Julien", "Céline", "Olivier", "Nathalie", "Thomas", "Sandrine", "Nicolas", "Émilie", "David",
               "Laure", "Sébastien", "Claire", "Franck", "Montserrat", "Joan", "Aurélie", "Guillaume", "Élodie")
LAST_NAMES = ("MARTIN", "GARCIA", "PUIG", "ROCA", "FONT", "VIDAL", "BOSCH", "SALA", "FERRER", "PONS", "SOLER",
              "MARTY", "BERNARD", "DUBOIS", "MOREAU", "LAURENT", "SIMON", "MICHEL", "LEROY", "ROUX", "FOURNIER",
              "GIRARD", "MERCIER", "BLANC", "GUÉRIN", "BOYER", "CHEVALIER", "PERRIN", "ROBIN", "CLÉMENT",
              "MORIN", "NICOLAS", "HENRY", "MATHIEU", "CASES", "SERRA", "COSTA", "SAGUÉ", "PARÈS", "BATLLE")
ASSOCIATIONS = ("le comité des fêtes", "l'Union sportive villeneuvoise (rugby)", "le club de l'âge d'or",
                "l'amicale des sapeurs-pompiers", "l'association Les Amis du patrimoine", "le foyer rural",
                "l'harmonie municipale", "l'association des parents d'élèves", "le tennis club",
                "la colla sardanista", "l'association Les Jardins partagés", "le Secours populaire, comité local",
                "la bibliothèque pour tous", "le club de handball", "l'association de chasse communale")
SHOPS = ("la SARL Le Comptoir du Canigou", "la SAS Boulangerie des Remparts", "l'EURL Le Petit Café",
         "la SARL Pizzeria du Marché", "la SAS La Table Catalane", "l'EI Glaces et Sorbets", "la SARL Le Bistrot",
         "la SARL Fleurs de Têt", "la SAS Brasserie de la Gare", "l'EURL Crêperie de la Place")

MAYORS = ((date(2020, 5, 23), "Patrick", "PASCAL"), (date(2014, 3, 28), "Hélène", "SERRA"),
          (date(1900, 1, 1), "Joseph", "BATLLE"))
# Délibération giving the mayor delegation (L2122-22) at the start of each mandate.
DELEGATIONS = (date(2020, 6, 11), date(2014, 4, 17), date(2008, 3, 27))
# Installation of the council of each mandate (mkdocs.yml ``mandats``, oldest first): a décision rests
# on the delegation of the mandate in force, so none is dated between an installation and its delegation.
MANDATS = (date(2008, 3, 21), date(2014, 3, 28), date(2020, 5, 23))
COUNCIL = 49  # members of the council of a commune of 60,000 to 79,999 inhabitants (L2121-2)
HABITANTS = 65_000  # mkdocs.yml ``habitants``: five jours francs of convocation (L2121-12)
SEANCE_HOURS = (("18:00", "dix-huit heures"), ("18:30", "dix-huit heures trente"), ("19:00", "dix-neuf heures"))
SEANCE_PLACE = "Salle du conseil municipal, hôtel de ville"
ADJOINTS = (("Marie", "ROCA", "Adjointe au maire déléguée à la voirie et aux déplacements"),
            ("Jordi", "FONT", "Adjoint au maire délégué à la sécurité et à la tranquillité publique"),
            ("Sylvie", "VIDAL", "Adjointe au maire déléguée au personnel communal"),
            ("Laurent", "SOLER", "Adjoint au maire délégué à l'urbanisme"))

VISA_CGCT_POLICE = "Vu le code général des collectivités territoriales, notamment ses articles L2212-1 et L2212-2"
VISA_CIRCULATION = ("Vu le code général des collectivités territoriales, notamment ses articles L2212-1, L2212-2, "
                    "L2213-1 et L2213-2")
VISA_ROUTE = "Vu le code de la route, notamment ses articles R411-8, R411-25 et R417-10"
VISA_SIGNALISATION = ("Vu l'arrêté interministériel du 24 novembre 1967 modifié relatif à la signalisation des "
                      "routes et des autoroutes")
VISA_INSTRUCTION = ("Vu l'instruction interministérielle sur la signalisation routière, notamment son livre I, "
                    "huitième partie, relative à la signalisation temporaire")
VISA_VOIRIE = "Vu le code de la voirie routière, notamment ses articles L113-2 et L116-1"
VISA_CG3P = ("Vu le code général de la propriété des personnes publiques, notamment ses articles L2122-1 à "
             "L2122-3 et L2125-1")
VISA_PENAL = "Vu le code pénal, notamment son article R610-5"


def choice(rng: random.Random, items):
    return items[rng.randrange(len(items))]


# ---------------------------------------------------------------------------
# Acts as plain data
# ---------------------------------------------------------------------------

@dataclass
class Act:
    type: str
    year: int
    date: date
    numero: int = 0
    kind: str = ""  # template name
    portee: str | None = None
    seance_index: int = -1
    donne_acte: list[str] = field(default_factory=list)
    abroge: list["Act"] = field(default_factory=list)
    modifie: list["Act"] = field(default_factory=list)
    annex: str | None = None  # "md" or "pdf"

    @property
    def identifier(self) -> str:
        return f"{self.type}-{self.year}-{self.numero}"

    @property
    def number(self) -> str:
        return f"{self.numero}/{self.year}"


@dataclass
class Seance:
    """A séance of the council as its file describes it (the délibérations' votes follow it)."""

    date: date
    convocation: date
    heure: str  # "18:30"
    heure_words: str  # "dix-huit heures trente"
    president: tuple[str, str]
    secretaire: tuple[str, str]
    presents: list[str]  # « Prénom NOM »
    pouvoirs: list[tuple[str, str]]  # (mandant, mandataire)
    absents: list[str]
    liste: date  # liste des délibérations online (L2121-25)
    pv_arrete: date | None = None  # séance that adopted the procès-verbal (L2121-15)
    pv_publication: date | None = None

    @property
    def secretaire_name(self) -> str:
        return " ".join(self.secretaire)


def council_of(mandate: date) -> list[tuple[str, str]]:
    """The 49 members of the council installed on ``mandate``: the maire, the adjoints who sign
    arrêtés, then distinct names drawn for that mandate."""
    members = [mayor_on(mandate)] + [(prenom, nom) for prenom, nom, _ in ADJOINTS]
    rng = random.Random(f"registre-bench-council-{mandate.isoformat()}")
    pool = [(p, n) for n in LAST_NAMES for p in FIRST_NAMES if (p, n) not in members]
    members += rng.sample(pool, COUNCIL - len(members))
    return members


def mandate_on(day: date) -> date:
    return max((m for m in MANDATS if m <= day), default=MANDATS[0])


def plan_seances(days: list[date], rng: random.Random) -> dict[date, Seance]:
    """The séance of each date, in date order; each PV is arrêté at the next séance."""
    result: dict[date, Seance] = {}
    for day in days:
        council = council_of(mandate_on(day))
        mayor = council[0]
        others = council[1:]
        rng.shuffle(others)
        present_count = rng.randint(int(COUNCIL * 0.65), COUNCIL)  # 31 to 49: the quorum (25) always holds
        present = [mayor] + others[:present_count - 1]
        away = others[present_count - 1:]
        proxies = rng.randint(0, min(len(away), present_count - 1))
        mandataires = rng.sample(present[1:], proxies)  # one proxy each at most (L2121-20)
        heure, words = choice(rng, SEANCE_HOURS)
        result[day] = Seance(
            date=day, convocation=day - timedelta(days=rng.randint(7, 9)), heure=heure, heure_words=words,
            president=mayor, secretaire=choice(rng, present[1:]),
            presents=[" ".join(m) for m in present],
            pouvoirs=[(" ".join(mandant), " ".join(mandataire)) for mandant, mandataire in zip(away, mandataires)],
            absents=[" ".join(m) for m in away[proxies:]],
            liste=day + timedelta(days=rng.randint(1, 6)))
    ordered = sorted(result)
    for day, following in zip(ordered, ordered[1:]):
        result[day].pv_arrete = following
        result[day].pv_publication = following + timedelta(days=rng.randint(1, 6))
    return result


def seance_file(seance: Seance, acts: list["Act"], votes: dict[str, tuple | None], commune: str) -> str:
    """``seance-AAAA-MM-JJ.md``: the front matter, then the procès-verbal's text when it is arrêté."""
    lines = ["---", "type: seance", f"date: {seance.date.isoformat()}", f'heure: "{seance.heure}"',
             f"lieu: {SEANCE_PLACE}", f"convocation: {seance.convocation.isoformat()}",
             f"membres_en_exercice: {COUNCIL}",
             f"president: {{prenom: {seance.president[0]}, nom: {seance.president[1]}, qualite: Maire}}",
             "secretaires:", f"  - {{prenom: {seance.secretaire[0]}, nom: {seance.secretaire[1]}}}",
             "presents:", *(f"  - {name}" for name in seance.presents)]
    if seance.pouvoirs:
        lines += ["pouvoirs:", *(f"  - {{de: {de}, a: {a}}}" for de, a in seance.pouvoirs)]
    if seance.absents:
        lines += ["absents:", *(f"  - {name}" for name in seance.absents)]
    lines += ["liste:", f"  publication: {{date: {seance.liste.isoformat()}}}"]
    if seance.pv_arrete is None:
        return "\n".join(lines + ["---"]) + "\n"
    lines += ["proces_verbal:", f"  arrete_le: {seance.pv_arrete.isoformat()}",
              f"  publication: {{date: {seance.pv_publication.isoformat()}}}", "---", ""]
    prenom, nom = seance.president
    body = [f"**Procès-verbal de la séance du conseil municipal du {fr(seance.date)}**", "",
            f"L'an {seance.date.year}, le {fr(seance.date).rsplit(' ', 1)[0]} à {seance.heure_words}, le conseil "
            f"municipal de la commune de {commune}, régulièrement convoqué le {fr(seance.convocation)}, s'est réuni "
            f"en séance publique à l'hôtel de ville, sous la présidence de M. ou Mme {prenom} {nom}, Maire.", "",
            f"Membres en exercice : {COUNCIL}. Présents : {len(seance.presents)}. Représentés : "
            f"{len(seance.pouvoirs)}. Absents : {len(seance.absents)}. Le quorum est atteint.", "",
            f"Présents : {', '.join(seance.presents)}.", ""]
    if seance.pouvoirs:
        body += ["Représentés : " + ", ".join(f"{de} (pouvoir à {a})" for de, a in seance.pouvoirs) + ".", ""]
    if seance.absents:
        body += [f"Absents : {', '.join(seance.absents)}.", ""]
    body += [f"Secrétaire de séance : M. ou Mme {seance.secretaire_name}.", "", "## Délibérations", ""]
    for act in acts:
        vote = votes.get(act.identifier)
        if vote is None:
            result = "le conseil municipal en prend acte, sans vote"
        else:
            presents, votants, pour, contre, abstentions = vote
            result = (f"{presents} présents, {votants} votants : {pour} pour, {contre} contre, "
                      f"{abstentions} abstention{'s' if abstentions > 1 else ''} ; adoptée")
        body.append(f"- Délibération n°{act.number} : {result}.")
    body += ["", "L'ordre du jour étant épuisé, la séance est levée.", "",
             f"Le présent procès-verbal a été arrêté lors de la séance du {fr(seance.pv_arrete)}."]
    return "\n".join(lines + body) + "\n"


def mayor_on(day: date) -> tuple[str, str]:
    for start, prenom, nom in MAYORS:
        if day >= start:
            return prenom, nom
    return MAYORS[-1][1], MAYORS[-1][2]


def delegation_on(day: date) -> date:
    for start in DELEGATIONS:
        if day >= start:
            return start
    return DELEGATIONS[-1]


def weekdays(year: int, first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def add_working_days(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def split_counts(total: int, shares) -> dict[str, int]:
    counts = {name: int(total * share) for name, share in shares}
    counts[shares[-1][0]] += total - sum(counts.values())
    return counts


def seance_days(year: int) -> list[date]:
    """Second Thursday of each séance month (the December one before the 19th)."""
    days = []
    for month in SEANCE_MONTHS:
        day = date(year, month, 8)
        while day.weekday() != 3:
            day += timedelta(days=1)
        days.append(day)
    return days


def plan(n: int, rng: random.Random) -> list[Act]:
    """Every act with its type, date and number; text comes later."""
    years = max(1, math.ceil(n / ACTS_PER_YEAR))
    first_year = END_YEAR - years + 1
    per_year = [n // years + (1 if i < n % years else 0) for i in range(years)]
    acts: list[Act] = []
    for offset, total in enumerate(per_year):
        year = first_year + offset
        counts = split_counts(total, TYPE_SHARES)
        if total >= 3:  # every type present as soon as possible
            for name in ("deliberation", "decision"):
                if counts[name] == 0:
                    counts[name] = 1
                    counts["arrete"] -= 1
        days = weekdays(year, date(year, 1, 2), date(year, 12, 19))
        # Délibérations: grouped in séances, in date order.
        seances = seance_days(year)[: max(1, min(len(SEANCE_MONTHS), counts["deliberation"]))]
        weights = [2.0 if d.month in (3, 4) else 1.0 for d in seances]  # budget séances are longer
        sizes = [int(counts["deliberation"] * w / sum(weights)) for w in weights]
        for i in range(counts["deliberation"] - sum(sizes)):
            sizes[i % len(sizes)] += 1
        numero = 0
        for index, (day, size) in enumerate(zip(seances, sizes)):
            for _ in range(size):
                numero += 1
                acts.append(Act("deliberation", year, day, numero, seance_index=index))
        without_delegation = [(start, delegation) for start, delegation in zip(MANDATS, sorted(DELEGATIONS))]
        decision_days = [d for d in days if not any(start <= d < delegation
                                                    for start, delegation in without_delegation)]
        for act_type in ("decision", "arrete"):
            pool = decision_days if act_type == "decision" else days
            chosen = sorted(rng.choice(pool) for _ in range(counts[act_type]))
            for numero, day in enumerate(chosen, start=1):
                acts.append(Act(act_type, year, day, numero))
    return acts


def assign_kinds(acts: list[Act], rng: random.Random) -> None:
    by_year_seance: dict[tuple[int, int], list[Act]] = {}
    for act in acts:
        if act.type == "deliberation":
            by_year_seance.setdefault((act.year, act.seance_index), []).append(act)
        elif act.type == "decision":
            act.kind = rng.choices(DECISION_KINDS, weights=DECISION_WEIGHTS)[0]
        else:
            act.kind = rng.choices(ARRETE_KINDS, weights=ARRETE_WEIGHTS)[0]
            act.portee = ARRETE_PORTEE[act.kind]
        if rng.random() < ANNEX_RATE:
            act.annex = "md" if rng.random() < 0.5 else "pdf"
    for (year, _), seance in by_year_seance.items():
        seance[0].kind = "proces_verbal"
        seance[1 if len(seance) > 1 else 0].kind = "compte_rendu"
        for act in seance[2:]:
            act.kind = rng.choices(DELIBERATION_KINDS, weights=DELIBERATION_WEIGHTS)[0]
        if len(seance) > 4 and seance[0].date.month in (3, 4) and not any(
                a.kind == "budget" for a in seance):
            seance[2].kind = "budget"


def link_donne_acte(acts: list[Act]) -> None:
    """Each décision is reported at the first séance after its date (L2122-23)."""
    reporters: dict[date, Act] = {}
    for act in acts:
        if act.kind == "compte_rendu":
            reporters.setdefault(act.date, act)
    days = sorted(reporters)
    import bisect
    for act in sorted((a for a in acts if a.type == "decision"), key=lambda a: (a.date, a.numero)):
        index = bisect.bisect_right(days, act.date)
        if index < len(days):
            reporters[days[index]].donne_acte.append(act.identifier)


def link_corrections(acts: list[Act], rng: random.Random) -> None:
    """A few arrêtés réglementaires modify or abrogate an earlier one of the same year."""
    earlier: dict[int, list[Act]] = {}
    for act in acts:  # acts are in (type, year, numero) order here
        if act.type != "arrete" or act.portee != "reglementaire":
            continue
        pool = earlier.setdefault(act.year, [])
        if pool and rng.random() < CORRECTION_RATE and act.kind == "police":
            target = choice(rng, pool)
            if target.date <= act.date and not target.abroge and not target.modifie:
                (act.abroge if rng.random() < 0.5 else act.modifie).append(target)
        if act.kind == "police":
            pool.append(act)


# ---------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------

@dataclass
class Text:
    """An act's text: fixed parts, plus optional paragraphs added up to a target size."""

    heading: str
    author: str
    visas: list[str]
    considerants: list[str]
    verb: str  # ARRÊTE, DÉCIDE, DÉLIBÈRE
    articles: list[str]
    closing: list[str]
    optional_visas: list[str] = field(default_factory=list)
    optional_considerants: list[str] = field(default_factory=list)
    optional_articles: list[str] = field(default_factory=list)  # inserted before the last article
    preamble: list[str] = field(default_factory=list)
    optional_paragraphs: list[str] = field(default_factory=list)  # exposé, after the preamble

    def render(self, target: int, rng: random.Random) -> str:
        visas, considerants, articles = list(self.visas), list(self.considerants), list(self.articles)
        paragraphs: list[str] = []
        lists = {"v": visas, "c": considerants, "a": articles, "p": paragraphs}
        # Specific paragraphs first (shuffled), generic ones after, until the target size.
        specific = ([("v", v) for v in self.optional_visas] + [("c", c) for c in self.optional_considerants]
                    + [("a", a) for a in self.optional_articles])
        generic = [("p", p) for p in self.optional_paragraphs]
        rng.shuffle(specific)
        rng.shuffle(generic)
        text = self._join(visas, considerants, articles, paragraphs)
        for kind, item in specific + generic:
            if len(text.encode()) >= target:
                break
            if kind == "a":
                articles.insert(len(articles) - 1, item)
            else:
                lists[kind].append(item)
            candidate = self._join(visas, considerants, articles, paragraphs)
            if len(candidate.encode()) > 4000:
                lists[kind].remove(item)
                continue
            text = candidate
        return text

    def _join(self, visas, considerants, articles, paragraphs=()) -> str:
        parts = [f"**{self.heading}**", *self.preamble, *paragraphs]
        if self.author:
            parts.append(self.author)
        parts += [v + (" ;" if not v.endswith(";") else "") for v in visas]
        parts += [c + " ;" for c in considerants]
        parts.append(f"**{self.verb}**")
        parts += [f"**Article {i} :** {a}" for i, a in enumerate(articles, start=1)]
        parts += self.closing
        return "\n\n".join(parts) + "\n"


def street(rng: random.Random) -> str:
    return f"{choice(rng, STREET_KINDS)} {choice(rng, STREET_NAMES)}"


def person(rng: random.Random) -> tuple[str, str]:
    return choice(rng, FIRST_NAMES), choice(rng, LAST_NAMES)


def closing(act: Act, signer: tuple[str, str, str], commune: str) -> list[str]:
    prenom, nom, qualite = signer
    if act.type == "deliberation":
        return ["Ainsi fait et délibéré les jour, mois et an susdits.", f"Fait à {commune}, le {fr(act.date)}.",
                "Le Maire,", f"{prenom} {nom}"]
    if qualite == "Maire":
        return [f"Fait à {commune}, le {fr(act.date)}.", "Le Maire,", f"{prenom} {nom}"]
    return [f"Fait à {commune}, le {fr(act.date)}.", "Pour le Maire et par délégation,",
            f"{prenom} {nom}, {qualite[0].lower()}{qualite[1:]}"]


def exec_article(what: str, rng: random.Random) -> str:
    who = choice(rng, (
        "Le Maire, le directeur général des services et le chef de service de la police municipale",
        "Le directeur général des services, le chef de service de la police municipale et le commandant de la "
        "brigade de gendarmerie territorialement compétente",
        "Le Maire et le directeur général des services",
    ))
    return (f"{who} sont chargés, chacun en ce qui le concerne, de l'exécution {what}, qui sera publié sur le "
            "site internet de la commune.").replace("présente délibération, qui sera publié",
                                                    "présente délibération, qui sera publiée") \
        .replace("présente décision, qui sera publié", "présente décision, qui sera publiée")


def period(act: Act, rng: random.Random, days: tuple[int, int] = (1, 20)) -> tuple[date, date]:
    start = act.date + timedelta(days=rng.randint(2, 12))
    return start, start + timedelta(days=rng.randint(*days))


# -- arrêtés ----------------------------------------------------------------

def arrete_circulation(act: Act, rng, commune):
    works, short = choice(rng, WORKS)
    company = choice(rng, COMPANIES)
    place = street(rng)
    start, end = period(act, rng)
    a, b = sorted(rng.sample(range(1, 140), 2))
    hours = choice(rng, ("de 8 h à 17 h", "de 7 h 30 à 18 h", "de jour comme de nuit", "de 9 h à 16 h 30"))
    objet = (f"Réglementation temporaire de la circulation et du stationnement {place} pour des travaux {short}"
             if not short.startswith("de déménagement") else
             f"Réglementation temporaire du stationnement {place} pour une opération de déménagement")
    mode = choice(rng, ("interdite", "alternée et réglée par des feux tricolores ou par des piquets K10",
                        "réduite à une voie, la vitesse étant limitée à 30 km/h"))
    text = Text(
        heading=f"ARRÊTÉ DU MAIRE N°{act.number}", author=f"Le Maire de la commune de {commune},",
        visas=[VISA_CIRCULATION, VISA_ROUTE, VISA_SIGNALISATION,
               f"Vu la demande présentée le {fr(act.date - timedelta(days=rng.randint(5, 20)))} par {company}, "
               f"en vue de réaliser {works} {place}"],
        optional_visas=[VISA_INSTRUCTION, VISA_VOIRIE,
                        "Vu l'arrêté municipal permanent portant réglementation générale de la circulation et du "
                        "stationnement sur le territoire de la commune",
                        "Vu l'avis favorable des services techniques municipaux"],
        considerants=[f"Considérant que {works} {place} imposent de réglementer la circulation et le stationnement "
                      "pendant la durée du chantier, afin d'assurer la sécurité des usagers de la voie publique et "
                      "du personnel de l'entreprise"],
        optional_considerants=[
            "Considérant qu'il appartient au Maire, dans le cadre de ses pouvoirs de police, d'assurer la sûreté "
            "et la commodité du passage dans les rues, quais, places et voies publiques",
            f"Considérant que la largeur de la chaussée {place} ne permet pas le maintien de la circulation à "
            "double sens au droit du chantier",
            "Considérant que des itinéraires de déviation empruntant des voies adaptées au trafic existent à "
            "proximité immédiate"],
        verb="ARRÊTE",
        articles=[f"Du {fr(start)} au {fr(end)}, {hours}, la circulation de tous les véhicules est {mode} {place}, "
                  f"dans la section comprise entre le n°{a} et le n°{b}.",
                  f"Pendant la même période, le stationnement de tous les véhicules est interdit {place}, entre le "
                  f"n°{a} et le n°{b}, sauf pour les véhicules de l'entreprise chargée des travaux. Tout "
                  "stationnement en infraction est considéré comme gênant au sens de l'article R417-10 du code "
                  "de la route ; les véhicules en infraction pourront être mis en fourrière.",
                  f"La signalisation réglementaire du chantier est mise en place, entretenue et déposée par "
                  f"{company}, sous sa responsabilité, conformément à l'instruction interministérielle sur la "
                  "signalisation routière. Elle est installée au moins quarante-huit heures avant le début "
                  "des travaux pour ce qui concerne l'interdiction de stationner.",
                  "Les dispositions du présent arrêté ne s'appliquent pas aux véhicules de secours, de police, "
                  "de gendarmerie et des services municipaux en intervention.",
                  exec_article("du présent arrêté", rng)],
        optional_articles=[
            "Une déviation est mise en place par les voies adjacentes ; elle est signalée par l'entreprise à "
            "chaque extrémité de la section concernée.",
            "L'accès des riverains à leur propriété et celui des piétons aux commerces sont maintenus en "
            "permanence, au besoin par un cheminement protégé d'une largeur d'au moins 1,40 mètre.",
            "À la fin des travaux, la chaussée, les trottoirs et la signalisation horizontale sont remis dans "
            "leur état initial par l'entreprise, qui en informe les services techniques municipaux.",
            "Les infractions au présent arrêté sont constatées par procès-verbaux et poursuivies conformément "
            "aux lois et règlements en vigueur."],
        closing=[])
    motif = "Arrêté de police de la circulation et du stationnement (CGCT L2131-2, I, 2°)"
    return objet, "6.1", text, {"non_requise": motif}


POLICE_SUBJECTS = (
    ("Réglementation de la consommation de boissons alcooliques sur la voie publique",
     "la consommation de boissons alcooliques sur la voie publique, en dehors des terrasses autorisées, est "
     "interdite {where} de 20 h à 6 h", "des troubles à la tranquillité publique liés à des regroupements "
     "nocturnes ont été constatés à plusieurs reprises par la police municipale"),
    ("Interdiction de l'usage des pétards et artifices de divertissement",
     "l'usage, le transport et la vente des pétards et artifices de divertissement sont interdits {where}",
     "l'usage de pétards a provoqué des départs de feu et des blessures lors des années précédentes"),
    ("Réglementation des horaires des chantiers et des activités bruyantes",
     "les travaux de bricolage, de jardinage et de chantier utilisant des appareils bruyants sont interdits "
     "{where} les dimanches et jours fériés, ainsi que de 20 h à 7 h les autres jours",
     "les bruits de voisinage portent atteinte à la tranquillité et à la santé des habitants"),
    ("Réglementation de la circulation des chiens et de la divagation des animaux",
     "les chiens circulent tenus en laisse {where}, et leurs propriétaires ramassent immédiatement leurs "
     "déjections", "la divagation des chiens et les déjections canines sur la voie publique portent atteinte "
     "à la salubrité et à la sécurité publiques"),
    ("Fermeture des parcs et jardins publics en cas de vent violent",
     "les parcs, jardins et aires de jeux publics sont fermés au public {where} lorsque Météo-France place le "
     "département en vigilance orange pour les vents violents", "la chute de branches lors des épisodes de "
     "tramontane présente un danger pour les promeneurs"),
    ("Réglementation du marché hebdomadaire de plein vent",
     "le marché hebdomadaire de plein vent se tient le samedi de 7 h à 13 h 30 {where}",
     "le bon ordre, la sûreté et la salubrité doivent être assurés pendant la tenue du marché"),
    ("Interdiction temporaire de la baignade dans la Têt",
     "la baignade est interdite dans la Têt {where}", "le cours d'eau présente des fosses et des courants "
     "dangereux et son niveau peut monter brusquement lors des orages"),
    ("Interdiction de l'emploi du feu et de l'écobuage",
     "l'emploi du feu, l'écobuage et le brûlage des végétaux sont interdits {where} du 1er juin au 30 septembre",
     "la sécheresse de la végétation expose la commune à un risque élevé d'incendie de forêt"),
)


def arrete_police(act: Act, rng, commune):
    title, rule, why = choice(rng, POLICE_SUBJECTS)
    where = choice(rng, ("sur l'ensemble du territoire de la commune", "dans le centre ancien",
                         f"{street(rng)} et ses abords", "dans le périmètre défini en annexe"))
    objet = f"{title} {choice(rng, ('sur le territoire de la commune', 'dans le centre ancien', 'pour la saison estivale ' + str(act.year), 'pour l année ' + str(act.year)))}"
    objet = objet.replace("l année", "l'année")
    text = Text(
        heading=f"ARRÊTÉ DU MAIRE N°{act.number}", author=f"Le Maire de la commune de {commune},",
        visas=[VISA_CGCT_POLICE, VISA_PENAL],
        optional_visas=["Vu le code de la santé publique, notamment ses articles L1311-1, L1311-2 et R1336-4 à "
                        "R1336-11", "Vu le code de l'environnement", "Vu le règlement sanitaire départemental des "
                        "Pyrénées-Orientales", "Vu l'arrêté préfectoral relatif à la prévention des incendies de "
                        "forêt dans le département", "Vu l'avis de la commission municipale de sécurité"],
        considerants=[f"Considérant que {why}",
                      "Considérant qu'il appartient au Maire, au titre de ses pouvoirs de police, de prendre les "
                      "mesures nécessaires au maintien du bon ordre, de la sûreté, de la sécurité et de la "
                      "salubrité publiques"],
        optional_considerants=["Considérant que la mesure est limitée dans le temps et dans l'espace à ce qui est "
                               "nécessaire pour prévenir les troubles constatés",
                               "Considérant les plaintes adressées par les riverains à la mairie et les rapports "
                               "de la police municipale",
                               "Considérant qu'aucune mesure moins contraignante ne permet d'atteindre le même "
                               "objectif"],
        verb="ARRÊTE",
        articles=[rule[0].upper() + rule[1:].format(where=where) + ".",
                  "Les infractions au présent arrêté sont constatées par procès-verbaux et punies de l'amende "
                  "prévue pour les contraventions de la première classe (article R610-5 du code pénal).",
                  exec_article("du présent arrêté", rng).replace(", qui sera publié",
                                                                 ", qui sera publié, affiché en mairie")],
        optional_articles=["Des panneaux reproduisant les dispositions du présent arrêté sont installés aux "
                           "principaux accès des lieux concernés.",
                           "Le présent arrêté abroge toute disposition antérieure contraire.",
                           "Des dérogations peuvent être accordées, à titre exceptionnel, par arrêté du Maire sur "
                           "demande motivée adressée à la mairie un mois au moins à l'avance.",
                           "Le présent arrêté entre en vigueur dès sa publication et sa transmission au "
                           "représentant de l'État dans le département."],
        closing=[])
    return objet, "6.1", text, "AR"


NOT_TRANSMITTED_INDIVIDUAL = ("Décision individuelle de gestion du domaine public, hors du champ de l'article "
                              "L2131-2 du CGCT")


def arrete_occupation(act: Act, rng, commune):
    shop = choice(rng, SHOPS)
    place = street(rng)
    surface = rng.randint(6, 60)
    start = date(act.year, rng.choice((3, 4, 5, 6)), 1)
    start = max(start, act.date + timedelta(days=1))
    end = date(act.year, 12, 31) if rng.random() < 0.3 else start + timedelta(days=rng.randint(30, 180))
    tarif = choice(rng, (18, 22, 24, 28, 35))
    objet = f"Autorisation d'occupation temporaire du domaine public pour une terrasse {place}, accordée à {shop}"
    text = Text(
        heading=f"ARRÊTÉ DU MAIRE N°{act.number}", author=f"Le Maire de la commune de {commune},",
        visas=[VISA_CGCT_POLICE, VISA_CG3P,
               f"Vu la demande présentée le {fr(act.date - timedelta(days=rng.randint(7, 30)))} par {shop}, "
               f"tendant à installer une terrasse sur le domaine public {place}"],
        optional_visas=[VISA_VOIRIE, "Vu le règlement municipal des terrasses et étalages",
                        f"Vu la délibération du conseil municipal fixant les redevances d'occupation du domaine "
                        f"public communal pour l'année {act.year}"],
        considerants=["Considérant que l'installation demandée est compatible avec la commodité du passage et la "
                      "sécurité des usagers de la voie publique, sous réserve du respect des prescriptions "
                      "ci-dessous"],
        optional_considerants=["Considérant que le pétitionnaire est à jour du paiement des redevances dues au "
                               "titre des années précédentes"],
        verb="ARRÊTE",
        articles=[f"{shop[0].upper() + shop[1:]} est autorisée à occuper, à titre précaire et révocable, une "
                  f"surface de {surface} m² du domaine public, {place}, au droit de son établissement, du "
                  f"{fr(start)} au {fr(end)}.",
                  "Un passage libre d'au moins 1,40 mètre est maintenu en permanence pour les piétons et les "
                  "personnes à mobilité réduite. Le mobilier est rentré chaque soir à la fermeture de "
                  "l'établissement.",
                  f"L'occupation donne lieu au paiement d'une redevance de {tarif} € par mètre carré et par "
                  "mois, payable à réception du titre de recettes.",
                  "Le présent arrêté sera notifié au bénéficiaire. Le Maire et la police municipale sont "
                  "chargés de son exécution."],
        optional_articles=["La présente autorisation est personnelle et ne peut être cédée. Elle peut être "
                           "retirée à tout moment, sans indemnité, pour un motif d'intérêt général ou en cas de "
                           "non-respect de ses prescriptions.",
                           "Le bénéficiaire est responsable des dommages qui pourraient résulter de "
                           "l'installation et de l'exploitation de la terrasse.",
                           "Aucun élément ne peut être fixé au sol ; les parasols sont lestés et repliés en cas "
                           "de vent."],
        closing=[])
    return objet, "3.5", text, {"non_requise": NOT_TRANSMITTED_INDIVIDUAL}


def arrete_voirie(act: Act, rng, commune):
    name = person(rng)
    place = street(rng)
    numero = rng.randint(1, 120)
    objet = f"Permission de voirie pour la création d'un accès charretier {place}"
    text = Text(
        heading=f"ARRÊTÉ DU MAIRE N°{act.number}", author=f"Le Maire de la commune de {commune},",
        visas=["Vu le code général des collectivités territoriales", VISA_VOIRIE,
               f"Vu la demande présentée par M. ou Mme {name[0]} {name[1]}, demeurant {numero} {place}, en vue de "
               "créer un accès charretier au droit de sa propriété"],
        optional_visas=["Vu le règlement de voirie communal", "Vu l'avis des services techniques municipaux"],
        considerants=["Considérant que la création de l'accès ne compromet ni la sécurité ni la commodité de la "
                      "circulation"],
        optional_considerants=["Considérant que les réseaux situés sous le trottoir doivent être protégés "
                               "pendant les travaux"],
        verb="ARRÊTE",
        articles=[f"M. ou Mme {name[0]} {name[1]} est autorisé(e) à créer un accès charretier de 4 mètres de "
                  f"largeur au droit de sa propriété, {numero} {place}, à charge pour lui ou elle de se "
                  "conformer aux prescriptions du présent arrêté.",
                  "Les travaux sont exécutés par une entreprise qualifiée, aux frais du bénéficiaire, dans un "
                  "délai d'un an à compter de la notification du présent arrêté ; la bordure est abaissée et le "
                  "trottoir reconstitué à l'identique.",
                  "Le présent arrêté sera notifié au bénéficiaire ; une copie en sera adressée aux services "
                  "techniques municipaux."],
        optional_articles=["Le bénéficiaire avertit les services techniques municipaux de la date de début des "
                           "travaux au moins huit jours à l'avance.",
                           "La présente permission est délivrée sous réserve des droits des tiers et des "
                           "règlements en vigueur."],
        closing=[])
    return objet, "8.3", text, {"non_requise": NOT_TRANSMITTED_INDIVIDUAL}, [f"{name[0]} {name[1]}", f"{numero} {place}"]


def arrete_personnel(act: Act, rng, commune):
    name = person(rng)
    grade, what = choice(rng, (
        ("adjoint technique territorial", "avancement d'échelon"),
        ("adjoint administratif territorial principal de 2e classe", "avancement d'échelon"),
        ("agent de maîtrise territorial", "nomination stagiaire"),
        ("rédacteur territorial", "mise en disponibilité pour convenances personnelles"),
        ("auxiliaire de puériculture territoriale", "attribution de la nouvelle bonification indiciaire"),
        ("gardien-brigadier de police municipale", "titularisation"),
    ))
    echelon = rng.randint(2, 10)
    effect = date(act.year, act.date.month, 1) + timedelta(days=31)
    effect = date(effect.year, effect.month, 1)
    objet = f"Personnel communal : {what} d'un {grade}"
    text = Text(
        heading=f"ARRÊTÉ DU MAIRE N°{act.number}", author=f"Le Maire de la commune de {commune},",
        visas=["Vu le code général de la fonction publique",
               f"Vu le décret portant statut particulier du cadre d'emplois des {grade.split(' ')[0]}s territoriaux",
               "Vu le tableau des effectifs de la commune"],
        optional_visas=["Vu l'avis de la commission administrative paritaire", "Vu la délibération du conseil "
                        "municipal fixant le régime indemnitaire du personnel"],
        considerants=[f"Considérant la situation administrative de M. ou Mme {name[0]} {name[1]}, {grade}"],
        optional_considerants=["Considérant que l'intéressé(e) remplit les conditions statutaires requises"],
        verb="ARRÊTE",
        articles=[f"À compter du {fr(effect)}, M. ou Mme {name[0]} {name[1]}, {grade}, bénéficie de la mesure "
                  f"suivante : {what} ({echelon}e échelon, ancienneté conservée : néant).",
                  "La rémunération de l'intéressé(e) est calculée en conséquence à compter de la même date.",
                  "Le présent arrêté sera notifié à l'intéressé(e) et transmis au président du centre de gestion "
                  "de la fonction publique territoriale des Pyrénées-Orientales et au comptable public."],
        optional_articles=["Ampliation du présent arrêté sera versée au dossier individuel de l'agent."],
        closing=[])
    return objet, "4.1", text, "AI", [f"{name[0]} {name[1]}"]


def arrete_erp(act: Act, rng, commune):
    place = street(rng)
    what = choice(rng, ("d'une salle de sport", "d'un restaurant", "d'une crèche", "d'un commerce de détail",
                        "d'une salle polyvalente", "d'un cabinet médical", "d'une école de musique"))
    categorie = rng.randint(3, 5)
    objet = f"Autorisation d'ouverture au public {what} {place}"
    text = Text(
        heading=f"ARRÊTÉ DU MAIRE N°{act.number}", author=f"Le Maire de la commune de {commune},",
        visas=[VISA_CGCT_POLICE, "Vu le code de la construction et de l'habitation, notamment ses articles "
               "L143-2 et R143-38", "Vu l'arrêté du 25 juin 1980 modifié portant approbation des dispositions "
               "générales du règlement de sécurité contre les risques d'incendie et de panique dans les "
               "établissements recevant du public"],
        optional_visas=[f"Vu l'avis favorable de la sous-commission départementale de sécurité du "
                        f"{fr(act.date - timedelta(days=rng.randint(3, 20)))}",
                        "Vu l'avis favorable de la commission d'accessibilité"],
        considerants=[f"Considérant que l'établissement, classé en {categorie}e catégorie, satisfait aux règles "
                      "de sécurité contre les risques d'incendie et de panique et d'accessibilité"],
        optional_considerants=["Considérant que les travaux d'aménagement ont été réalisés conformément à "
                               "l'autorisation délivrée"],
        verb="ARRÊTE",
        articles=[f"L'établissement recevant du public (exploitation {what}), situé "
                  f"{place}, classé en {categorie}e catégorie, est autorisé à ouvrir au public à compter de la "
                  "notification du présent arrêté.",
                  "L'exploitant maintient l'établissement en conformité avec les dispositions du règlement de "
                  "sécurité et fait procéder aux vérifications techniques périodiques.",
                  "Le présent arrêté sera notifié à l'exploitant et transmis au représentant de l'État dans le "
                  "département."],
        optional_articles=["L'effectif maximal admis est affiché à l'entrée de l'établissement.",
                           "Toute modification des locaux ou de leur usage fait l'objet d'une nouvelle demande "
                           "d'autorisation."],
        closing=[])
    return objet, "6.1", text, "AI"


def arrete_espece(act: Act, rng, commune):
    kind = rng.randrange(3)
    if kind == 0:
        projet = choice(rng, ("la modification n°{} du plan local d'urbanisme".format(rng.randint(1, 6)),
                              "le projet de classement de voies privées dans le domaine public communal",
                              "le projet d'aliénation d'un chemin rural"))
        start = act.date + timedelta(days=rng.randint(15, 30))
        end = start + timedelta(days=rng.choice((15, 30, 31)))
        objet = f"Ouverture d'une enquête publique sur {projet}"
        enqueteur = person(rng)
        text = Text(
            heading=f"ARRÊTÉ DU MAIRE N°{act.number}", author=f"Le Maire de la commune de {commune},",
            visas=["Vu le code de l'environnement, notamment ses articles L123-1 et suivants et R123-1 et suivants",
                   "Vu le code de l'urbanisme", f"Vu la décision du président du tribunal administratif de "
                   f"Montpellier désignant M. ou Mme {enqueteur[0]} {enqueteur[1]} en qualité de commissaire "
                   "enquêteur"],
            optional_visas=["Vu les pièces du dossier soumis à l'enquête publique",
                            "Vu les avis des personnes publiques associées"],
            considerants=[f"Considérant que {projet} doit être soumis à enquête publique"],
            verb="ARRÊTE",
            articles=[f"Il est procédé à une enquête publique sur {projet}, du {fr(start)} au {fr(end)} inclus, "
                      "soit pendant au moins quinze jours consécutifs.",
                      f"M. ou Mme {enqueteur[0]} {enqueteur[1]} est désigné(e) en qualité de commissaire "
                      "enquêteur. Il ou elle reçoit le public en mairie lors de trois permanences.",
                      "Le dossier d'enquête et un registre d'enquête sont tenus à la disposition du public en "
                      "mairie aux jours et heures habituels d'ouverture, et sur le site internet de la commune.",
                      "Un avis au public est publié quinze jours au moins avant le début de l'enquête dans deux "
                      "journaux diffusés dans le département et affiché en mairie.",
                      "Le Maire est chargé de l'exécution du présent arrêté."],
            optional_articles=["Les observations peuvent être adressées par courrier au commissaire enquêteur "
                               "ou par voie électronique à l'adresse indiquée dans l'avis d'enquête.",
                               "À l'issue de l'enquête, le rapport et les conclusions motivées du commissaire "
                               "enquêteur sont tenus à la disposition du public pendant un an."],
            closing=[])
        return objet, "2.1", text, "AU"
    if kind == 1:
        objet = f"Désignation des agents recenseurs pour l'enquête annuelle de recensement de la population {act.year + 1}"
        text = Text(
            heading=f"ARRÊTÉ DU MAIRE N°{act.number}", author=f"Le Maire de la commune de {commune},",
            visas=["Vu la loi n°2002-276 du 27 février 2002 relative à la démocratie de proximité, notamment son "
                   "titre V", "Vu le décret n°2003-485 du 5 juin 2003 relatif au recensement de la population"],
            optional_visas=["Vu la délibération du conseil municipal fixant la rémunération des agents "
                            "recenseurs"],
            considerants=["Considérant qu'il y a lieu d'organiser les opérations du recensement de la population"],
            verb="ARRÊTE",
            articles=[f"Sont désignés en qualité d'agents recenseurs, pour l'enquête de recensement {act.year + 1}, "
                      f"{rng.randint(6, 25)} agents dont la liste est tenue en mairie.",
                      "Les agents recenseurs sont tenus au secret professionnel ; ils présentent leur carte "
                      "officielle lors de chaque visite.",
                      "Le Maire est chargé de l'exécution du présent arrêté."],
            optional_articles=["Les agents recenseurs suivent obligatoirement les deux demi-journées de formation "
                               "organisées par l'Insee."],
            closing=[])
        return objet, "9.1", text, "AU"
    objet = f"Composition du jury du concours des maisons fleuries {act.year}"
    text = Text(
        heading=f"ARRÊTÉ DU MAIRE N°{act.number}", author=f"Le Maire de la commune de {commune},",
        visas=["Vu le code général des collectivités territoriales", "Vu le règlement du concours des maisons "
               "fleuries"],
        optional_visas=["Vu les inscriptions reçues en mairie"],
        considerants=["Considérant qu'il y a lieu de désigner les membres du jury"],
        verb="ARRÊTE",
        articles=[f"Le jury du concours des maisons fleuries {act.year} est composé de {rng.randint(5, 9)} membres "
                  "désignés parmi les conseillers municipaux et les représentants des associations.",
                  "Le jury se réunit en juillet et remet ses propositions au Maire.",
                  "Le Maire est chargé de l'exécution du présent arrêté."],
        optional_articles=["Les fonctions de membre du jury sont exercées à titre gratuit."],
        closing=[])
    return objet, "8.9", text, "AU"


def arrete_modification(act: Act, rng, commune):
    objet, matiere, text, nature = arrete_police(act, rng, commune)
    target = (act.abroge or act.modifie)[0]
    verb = "abrogé" if act.abroge else "modifié"
    text.visas.append(f"Vu l'arrêté du Maire n°{target.number} du {fr(target.date)}")
    text.considerants.insert(0, f"Considérant qu'il y a lieu de {'mettre fin aux' if act.abroge else 'adapter les'} "
                                f"mesures prises par l'arrêté n°{target.number} du {fr(target.date)}")
    text.articles.insert(0, f"L'arrêté n°{target.number} du {fr(target.date)} est {verb}"
                            + (" à compter de l'entrée en vigueur du présent arrêté." if act.abroge else
                               " comme il est dit aux articles suivants."))
    objet = f"{'Abrogation' if act.abroge else 'Modification'} de l'arrêté n°{target.number} du {fr(target.date)} : {objet[0].lower()}{objet[1:]}"
    return objet, matiere, text, nature


ARRETE_KINDS = ("circulation", "police", "occupation", "voirie", "personnel", "erp", "espece")
ARRETE_WEIGHTS = (40, 8, 18, 10, 12, 4, 8)
ARRETE_PORTEE = {"circulation": "reglementaire", "police": "reglementaire", "occupation": "individuel",
                 "voirie": "individuel", "personnel": "individuel", "erp": "individuel", "espece": "espece"}


# -- décisions --------------------------------------------------------------

DECISION_SUBJECTS = {
    4: ("1.1", "Attribution du marché {what}", (
        "de fourniture de produits d'entretien pour les bâtiments communaux",
        "de travaux de réfection de la toiture du gymnase", "de maintenance des installations de chauffage",
        "de fourniture de repas pour la restauration scolaire", "de travaux d'accessibilité de la mairie",
        "de fourniture de mobilier scolaire", "d'entretien des espaces verts",
        "de location et maintenance de photocopieurs", "de travaux d'éclairage public par LED")),
    5: ("3.3", "Bail {what}", (
        "de location d'un local communal à usage de cabinet médical", "de location d'un logement communal",
        "de mise à disposition d'un terrain communal à usage de jardin", "de location d'un garage communal")),
    6: ("1.4", "Acceptation de l'indemnité de sinistre {what}", (
        "relative au bris de vitres de l'école", "relative au dégât des eaux de la médiathèque",
        "relative au choc d'un véhicule contre un candélabre")),
    7: ("7.10", "Régie {what}", (
        "de recettes de la médiathèque : modification du montant de l'encaisse",
        "de recettes des droits de place : création", "d'avances pour les menues dépenses : modification")),
    8: ("3.5", "Délivrance d'une concession {what}", (
        "trentenaire au cimetière communal", "cinquantenaire au cimetière communal",
        "de case au columbarium")),
    2: ("7.10", "Fixation des tarifs {what}", (
        "de location des salles municipales", "de la médiathèque", "des droits de place du marché de Noël",
        "du séjour de ski de l'accueil de loisirs")),
    16: ("5.8", "Décision d'ester en justice {what}", (
        "devant le tribunal administratif de Montpellier dans l'instance relative au permis de construire",
        "et désignation d'un avocat pour défendre les intérêts de la commune")),
    10: ("3.2", "Aliénation de gré à gré {what}", (
        "d'un véhicule utilitaire réformé", "de mobilier scolaire réformé", "d'une tondeuse autoportée")),
    3: ("7.3", "Réalisation d'un emprunt {what}", (
        "pour le financement des investissements de l'exercice", "de refinancement")),
}
DECISION_KINDS = tuple(DECISION_SUBJECTS)
DECISION_WEIGHTS = (40, 10, 6, 5, 14, 8, 5, 6, 2)


def decision_text(act: Act, rng, commune):
    alinea = act.kind
    matiere, pattern, options = DECISION_SUBJECTS[alinea]
    what = choice(rng, options)
    objet = pattern.format(what=what)
    company = choice(rng, COMPANIES)
    montant = f"{rng.randint(800, 180000):,}".replace(",", " ") + f",{rng.randint(0, 99):02d}"
    deleg = delegation_on(act.date)
    text = Text(
        heading=f"DÉCISION DU MAIRE N°{act.number}", author=f"Le Maire de la commune de {commune},",
        visas=[f"Vu le code général des collectivités territoriales, notamment ses articles L2122-22 ({alinea}°) "
               "et L2122-23",
               f"Vu la délibération du conseil municipal du {fr(deleg)} portant délégation au Maire, pour la durée "
               "de son mandat, d'une partie des attributions du conseil municipal"],
        optional_visas=["Vu le code de la commande publique" if alinea == 4 else
                        "Vu le code général de la propriété des personnes publiques",
                        f"Vu le budget de l'exercice {act.year}",
                        "Vu l'avis des services municipaux concernés"],
        considerants=[f"Considérant la nécessité de procéder à l'opération suivante : {objet[0].lower()}{objet[1:]}"],
        optional_considerants=[
            f"Considérant que l'offre présentée par {company} est économiquement la plus avantageuse au regard des "
            "critères annoncés dans le règlement de la consultation (prix 40 %, valeur technique 60 %)"
            if alinea == 4 else "Considérant que l'opération ne dépasse pas les limites fixées par la délibération "
            "portant délégation",
            "Considérant que les crédits nécessaires sont inscrits au budget de l'exercice en cours"],
        verb="DÉCIDE",
        articles=[f"{objet} : la commune retient la proposition de {company}, pour un montant de {montant} € HT."
                  if alinea in (4, 6, 3) else f"{objet}, dans les conditions fixées par le document tenu à la "
                  "disposition du public en mairie.",
                  f"La dépense ou la recette correspondante est imputée au budget de l'exercice {act.year}.",
                  "La présente décision sera communiquée au conseil municipal lors de sa plus proche réunion et "
                  "inscrite au registre des délibérations."],
        optional_articles=["Le Maire et le comptable public sont chargés, chacun en ce qui le concerne, de "
                           "l'exécution de la présente décision.",
                           "Ampliation de la présente décision sera adressée au comptable public."],
        closing=[])
    return objet, matiere, text, "AU", alinea


# -- délibérations ----------------------------------------------------------

DELIBERATION_KINDS = ("subvention", "tarifs", "convention", "personnel", "urbanisme", "foncier", "designation",
                      "marche", "voeu", "decision_modificative")
DELIBERATION_WEIGHTS = (16, 10, 14, 12, 8, 12, 6, 10, 3, 9)
DELIB_SUBJECTS = {
    "subvention": ("7.5", "DE", "Attribution d'une subvention de fonctionnement à {asso}"),
    "tarifs": ("7.10", "DE", "Fixation des tarifs {what} pour l'année {next}"),
    "convention": ("8.1", "CC", "Approbation de la convention {what}"),
    "personnel": ("4.1", "DE", "Modification du tableau des effectifs : création {what}"),
    "urbanisme": ("2.1", "DE", "Approbation {what}"),
    "foncier": ("3.1", "DE", "{what}"),
    "designation": ("5.3", "DE", "Désignation des représentants de la commune {what}"),
    "marche": ("1.1", "DE", "Autorisation donnée au Maire de signer le marché {what}"),
    "voeu": ("9.4", "DE", "Vœu {what}"),
    "decision_modificative": ("7.1", "BF", "Décision modificative n°{n} du budget principal {year}"),
    "budget": ("7.1", "BF", "Vote du budget primitif {year} de la commune"),
    "proces_verbal": ("5.2", "DE", "Approbation du procès-verbal de la séance du {previous}"),
    "compte_rendu": ("5.2", "DE", "Compte rendu des décisions prises par le Maire par délégation du conseil "
                                  "municipal"),
}
DELIB_WHATS = {
    "tarifs": ("de la restauration scolaire", "de l'accueil périscolaire", "des concessions funéraires",
               "d'occupation du domaine public", "de la médiathèque", "de location des salles municipales"),
    "convention": ("de mise à disposition de l'environnement numérique de travail avec l'académie",
                   "d'objectifs et de moyens avec le centre communal d'action sociale",
                   "de partenariat avec le département pour la lecture publique",
                   "d'occupation d'un terrain communal par le syndicat des eaux",
                   "de groupement de commandes pour la fourniture d'électricité"),
    "personnel": ("d'un poste d'adjoint technique territorial à temps complet",
                  "d'un poste de rédacteur territorial", "de deux postes d'animateur pour l'accueil de loisirs",
                  "d'un poste de policier municipal", "d'un emploi non permanent pour accroissement d'activité"),
    "urbanisme": ("de la modification simplifiée du plan local d'urbanisme",
                  "du règlement local de publicité", "du périmètre du droit de préemption urbain renforcé",
                  "de la charte de qualité des façades du centre ancien"),
    "foncier": ("Acquisition d'une parcelle pour l'élargissement du {street}",
                "Cession d'un délaissé de voirie {street}",
                "Acquisition à l'euro symbolique d'une bande de terrain {street}",
                "Classement dans le domaine public communal de la voirie du lotissement {street}"),
    "designation": ("au conseil d'administration du collège", "au syndicat intercommunal d'électricité",
                    "à la commission locale d'évaluation des charges transférées",
                    "au comité de pilotage du contrat de ville"),
    "marche": ("de travaux de rénovation énergétique de l'école élémentaire",
               "de construction de la salle polyvalente", "d'aménagement de la place de la mairie",
               "de fourniture de repas pour la restauration scolaire"),
    "voeu": ("pour le maintien du bureau de poste", "pour la réouverture de la ligne ferroviaire",
             "en faveur de la préservation de la ressource en eau", "pour le maintien de la trésorerie"),
}


def deliberation_text(act: Act, rng, commune, previous_seance: date | None, seance: Seance):
    kind = act.kind
    matiere, nature, pattern = DELIB_SUBJECTS[kind]
    what = choice(rng, DELIB_WHATS[kind]) if kind in DELIB_WHATS else ""
    what = what.replace("{street}", street(rng))
    asso = choice(rng, ASSOCIATIONS)
    objet = pattern.format(what=what, asso=asso, next=act.year + 1, year=act.year, n=rng.randint(1, 4),
                           previous=fr(previous_seance) if previous_seance else "d'installation du conseil")
    # The séance's présents and proxies; a member concerned by the affaire sometimes leaves it (L2131-11).
    presents = len(seance.presents) - (1 if len(seance.presents) > len(seance.pouvoirs) + 1
                                       and rng.random() < 0.1 else 0)
    represented = len(seance.pouvoirs)
    votants = presents + represented
    prenom, nom = seance.president
    convocation = seance.convocation
    preamble = [
        f"L'an {act.year}, le {fr(act.date).rsplit(' ', 1)[0]} à {seance.heure_words}, le conseil municipal de la "
        f"commune de {commune}, régulièrement convoqué le {fr(convocation)}, s'est réuni en séance publique à "
        f"l'hôtel de ville, sous la présidence de M. ou Mme {prenom} {nom}, Maire.",
        f"Membres en exercice : {COUNCIL}. Présents : {presents}. Représentés : {represented}. "
        f"Votants : {votants}. Le quorum est atteint.",
        f"Secrétaire de séance : M. ou Mme {seance.secretaire_name}.",
        "Le conseil municipal,",
    ]
    visas = ["Vu le code général des collectivités territoriales"]
    considerants = []
    articles = []
    optional_articles = ["Le Maire, ou son représentant, est autorisé à signer tout document nécessaire à "
                         "l'exécution de la présente délibération."]
    vote = None
    if kind == "compte_rendu":
        visas = ["Vu le code général des collectivités territoriales, notamment ses articles L2122-22 et L2122-23",
                 f"Vu la délibération du conseil municipal du {fr(delegation_on(act.date))} portant délégation "
                 "au Maire d'une partie des attributions du conseil municipal pour la durée du mandat"]
        considerants = ["Considérant que le Maire doit rendre compte, à chacune des réunions obligatoires du "
                        "conseil municipal, des décisions qu'il a prises en vertu de cette délégation"]
        count = len(act.donne_acte)
        if count:
            first = act.donne_acte[0].split("-")
            last = act.donne_acte[-1].split("-")
            listed = (f"des {count} décisions prises depuis la précédente séance, de la décision n°{first[2]}/"
                      f"{first[1]} à la décision n°{last[2]}/{last[1]}, dont le relevé a été remis à chaque "
                      "conseiller municipal avec la convocation" if count > 1 else
                      f"de la décision n°{first[2]}/{first[1]}, prise depuis la précédente séance")
        else:
            listed = "de l'absence de décision prise depuis la précédente séance"
        articles = [f"Le conseil municipal prend acte {listed}.",
                    "La présente délibération ne donne pas lieu à vote."]
        optional_articles = ["Le relevé des décisions est annexé au procès-verbal de la séance et tenu à la "
                             "disposition du public en mairie."]
    else:
        pour = votants
        contre = abstentions = 0
        if rng.random() < 0.35:
            contre = rng.randint(0, min(6, votants // 4))
            abstentions = rng.randint(0, min(4, votants // 5))
            pour = votants - contre - abstentions
        vote = (presents, votants, pour, contre, abstentions)
        commission = choice(rng, ("finances", "urbanisme et travaux", "affaires scolaires", "personnel",
                                  "vie associative"))
        visas.append(f"Vu l'avis de la commission {commission} réunie le {fr(act.date - timedelta(days=rng.randint(7, 15)))}")
        considerants.append(f"Considérant l'exposé du rapporteur relatif à l'objet suivant : {objet[0].lower()}{objet[1:]}")
        result = ("à l'unanimité" if contre == abstentions == 0 else
                  f"par {pour} voix pour, {contre} contre et {abstentions} abstention{'s' if abstentions > 1 else ''}")
        if kind == "budget":
            fonct = rng.randint(18, 90) * 1_000_000 + rng.randint(0, 999_999)
            invest = rng.randint(5, 40) * 1_000_000 + rng.randint(0, 999_999)
            visas += ["Vu l'instruction budgétaire et comptable M57",
                      f"Vu le débat d'orientation budgétaire tenu le {fr(act.date - timedelta(days=30))}"]
            articles = [f"Le budget primitif de la commune pour l'exercice {act.year} est adopté {result}, par "
                        "nature, au niveau du chapitre, et arrêté comme suit :\n\n"
                        "| Section | Dépenses | Recettes |\n|---|---:|---:|\n"
                        f"| Fonctionnement | {_money(fonct)} € | {_money(fonct)} € |\n"
                        f"| Investissement | {_money(invest)} € | {_money(invest)} € |\n"
                        f"| **Total** | **{_money(fonct + invest)} €** | **{_money(fonct + invest)} €** |",
                        "La présente délibération sera transmise au représentant de l'État dans le département "
                        "et au comptable public."]
        elif kind == "subvention":
            montant = rng.randint(5, 250) * 100
            articles = [f"Une subvention de fonctionnement de {_money(montant)} € est attribuée {result} à {asso} "
                        f"pour l'année {act.year}.",
                        f"La dépense est imputée au chapitre 65 du budget {act.year}.",
                        "Le versement intervient en une fois, sur présentation du bilan de l'année écoulée."]
            considerants.append(f"Considérant l'intérêt local des actions menées par {asso}")
        elif kind == "tarifs":
            lines = "\n".join(f"| {label} | {rng.randint(1, 40)},{rng.choice(('00', '50', '20', '80'))} € |"
                              for label in ("Tarif de base", "Tarif réduit", "Tarif extérieur"))
            articles = [f"Les tarifs {what} sont fixés {result} comme suit à compter du 1er janvier {act.year + 1} :"
                        f"\n\n| Prestation | Tarif |\n|---|---:|\n{lines}",
                        "Les recettes correspondantes sont encaissées au budget de la commune."]
        else:
            articles = [f"Le conseil municipal, {result}, approuve : {objet[0].lower()}{objet[1:]}.",
                        f"Les crédits nécessaires sont inscrits au budget {act.year}."]
            considerants.append(choice(rng, (
                "Considérant que ce projet répond aux besoins exprimés par les habitants et les services",
                "Considérant que l'opération s'inscrit dans le programme pluriannuel d'investissement",
                "Considérant l'avis favorable des services de l'État consultés")))
        articles.append("Le Maire est chargé de l'exécution de la présente délibération.")
    text = Text(
        heading=f"Séance du conseil municipal du {fr(act.date)}", author="", preamble=preamble,
        visas=visas, considerants=considerants + ["Après en avoir délibéré"] if kind != "compte_rendu" else considerants,
        verb="DÉLIBÈRE", articles=articles,
        optional_visas=["Vu le règlement intérieur du conseil municipal",
                        f"Vu le rapport de présentation adressé aux conseillers municipaux avec la convocation du "
                        f"{fr(convocation)}"],
        optional_considerants=["Considérant que le projet a été présenté en réunion de la commission compétente",
                               "Considérant que la note explicative de synthèse a été adressée aux conseillers "
                               "municipaux avec la convocation (L2121-12 CGCT)"],
        optional_articles=optional_articles, closing=[])
    return objet, matiere, text, nature, vote


def _money(value: int) -> str:
    return f"{value:,}".replace(",", " ") + ",00"


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------

def yaml_str(value: str) -> str:
    """A one-line YAML scalar: plain when safe, double-quoted (JSON) otherwise."""
    if (": " in value or " #" in value or value[:1] in "!&*[]{}|>'\"%@`#,?-:" or value.endswith(":")
            or value.strip() != value):
        return json.dumps(value, ensure_ascii=False)
    return value


def front_matter(fields: list[tuple[str, object]]) -> str:
    lines = ["---"]
    for key, value in fields:
        if isinstance(value, dict):
            lines.append(f"{key}:")
            for sub, item in value.items():
                lines.append(f"  {sub}: {item}")
        elif isinstance(value, list):
            lines.append(f"{key}:")
            for item in value:
                if isinstance(item, dict):
                    first = True
                    for sub, val in item.items():
                        lines.append(f"  {'- ' if first else '  '}{sub}: {val}")
                        first = False
                else:
                    lines.append(f"  - {item}")
        else:
            lines.append(f"{key}: {value}")
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def pdf_bytes(lines: list[str]) -> bytes:
    """A small, valid one-page PDF (Helvetica, WinAnsi) showing ``lines``."""
    def escape(text: str) -> bytes:
        raw = text.encode("cp1252", errors="replace")
        return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")

    stream = b"BT /F1 11 Tf 56 780 Td 14 TL\n" + b"".join(b"(" + escape(line) + b") Tj T*\n" for line in lines) \
        + b"ET\n"
    stream = zlib.compress(stream, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def annex_markdown(act: Act, objet: str, rng) -> tuple[str, str]:
    kind = {"arrete": "l'arrêté", "decision": "la décision", "deliberation": "la délibération"}[act.type]
    if act.kind in ("circulation", "police"):
        title = f"Liste des voies concernées par {kind} n°{act.number}"
        header = "| Voie | Section | Régime |\n|---|---|---|"
        rows = [f"| {upper_first(street(rng))} | n°{rng.randint(1, 60)} à n°{rng.randint(61, 140)} | "
                f"{choice(rng, ('interdit', 'alterné', 'réservé aux riverains', 'autorisé'))} |"
                for _ in range(rng.randint(4, 12))]
    else:
        title = f"Tableau annexé à {kind} n°{act.number}"
        header = "| Désignation | Référence | Montant (€) |\n|---|---|---:|"
        rows = [f"| {choice(rng, ('Lot', 'Poste', 'Article', 'Ligne'))} {i} : "
                f"{choice(rng, ('fournitures courantes', 'prestations annuelles', 'travaux complémentaires', 'location de matériel', 'entretien des locaux', 'interventions de première urgence'))} | "
                f"{act.year}-{rng.randint(100, 999)} | {_money(rng.randint(100, 90000))} |"
                for i in range(1, rng.randint(5, 14))]
    text = (f"# {title}\n\nAnnexe à : {objet}.\n\n{header}\n" + "\n".join(rows) + "\n\n"
            "Les pièces détaillées peuvent être consultées en mairie, aux jours et heures d'ouverture.\n")
    return title, text


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def annex_pdf(act: Act, objet: str, rng) -> tuple[str, bytes]:
    title = f"Pièce annexe à l'acte n°{act.number}"
    lines = [f"Commune de {COMMUNE}", title, "", objet[:90], objet[90:180], ""]
    lines += [f"Ligne {i} : {street(rng)}, montant {rng.randint(100, 9000)} EUR" for i in range(1, rng.randint(8, 20))]
    return title, pdf_bytes([line for line in lines])


THIS = {"arrete": "du présent arrêté", "decision": "de la présente décision",
        "deliberation": "de la présente délibération"}


def add_generic(text: Text, act: Act) -> None:
    """Paragraphs any act of its type may carry, used when its own ones are too short."""
    this = THIS[act.type]
    ce = {"arrete": "Le présent arrêté", "decision": "La présente décision",
          "deliberation": "La présente délibération"}[act.type]
    text.optional_articles += [
        f"{ce} peut faire l'objet d'un recours gracieux auprès de son auteur ou d'un recours contentieux devant "
        "le tribunal administratif de Montpellier, 6 rue Pitot, dans un délai de deux mois à compter de sa "
        "publication ou de sa notification ; le tribunal peut être saisi par l'application Télérecours citoyens "
        "accessible sur le site www.telerecours.fr.",
        f"Ampliation {this} sera adressée au représentant de l'État dans le département, au comptable public et "
        "aux services municipaux concernés.",
        f"{ce} sera inscrit{'e' if act.type != 'arrete' else ''} au registre des actes de la commune ; un "
        "exemplaire papier peut en être obtenu gratuitement en mairie, aux jours et heures d'ouverture.",
    ]
    if act.type == "deliberation":
        text.optional_paragraphs += [
            "Le rapporteur rappelle que le projet a été examiné par la commission compétente, qui a émis un avis "
            "favorable, et que les conseillers municipaux ont reçu avec leur convocation une note explicative de "
            "synthèse présentant l'objet de la délibération, ses motifs et son incidence financière.",
            "Il précise que les crédits correspondants sont inscrits au budget de l'exercice et que l'opération "
            "s'inscrit dans les orientations débattues lors du débat d'orientation budgétaire.",
            "Il indique que la délibération sera transmise au représentant de l'État dans le département au titre "
            "du contrôle de légalité, puis publiée sous forme électronique sur le site internet de la commune.",
            "Après cet exposé, le Maire ouvre la discussion ; plusieurs conseillers prennent la parole, et leurs "
            "interventions sont retranscrites au procès-verbal de la séance.",
        ]
    else:
        text.optional_visas += [
            "Vu le code des relations entre le public et l'administration, notamment ses articles L211-2 et L221-2",
            "Vu le code de justice administrative, notamment son article R421-1",
            "Vu l'arrêté du Maire portant organisation des services municipaux",
            "Vu le dossier présenté par les services municipaux et les pièces qui y sont jointes",
        ]
        text.optional_considerants += [
            "Considérant que les services municipaux concernés ont été consultés et invités à formuler leurs "
            "observations",
            "Considérant que l'information du public sera assurée par la publication de l'acte sous forme "
            "électronique sur le site internet de la commune, dans les conditions prévues à l'article R2131-1 du "
            "code général des collectivités territoriales",
        ]


def render_act(act: Act, rng: random.Random, commune: str, seances: dict[date, Seance]):
    """(front matter + body text, annex files {name: bytes}) of one act."""
    prenom, nom = mayor_on(act.date)
    signer = (prenom, nom, "Maire")
    masquer: list[str] = []
    notification = None
    alinea = None
    vote = None
    if act.type == "deliberation":
        days = list(seances)
        index = days.index(act.date)
        previous = days[index - 1] if index > 0 else None
        objet, matiere, text, nature, vote = deliberation_text(act, rng, commune, previous, seances[act.date])
    elif act.type == "decision":
        objet, matiere, text, nature, alinea = decision_text(act, rng, commune)
    else:
        builder = {"circulation": arrete_circulation, "police": arrete_police, "occupation": arrete_occupation,
                   "voirie": arrete_voirie, "personnel": arrete_personnel, "erp": arrete_erp,
                   "espece": arrete_espece}[act.kind]
        if act.abroge or act.modifie:
            builder = arrete_modification
        result = builder(act, rng, commune)
        objet, matiere, text, nature = result[:4]
        if len(result) > 4:
            masquer = result[4]
        if act.kind == "circulation" and rng.random() < 0.6:
            signer = ADJOINTS[0]
        elif act.kind == "personnel":
            signer = ADJOINTS[2]
        elif act.kind in ("voirie", "espece") and rng.random() < 0.5:
            signer = ADJOINTS[3]
    if signer[2] != "Maire" and act.type == "arrete":
        text.author = f"{signer[2].split(' déléguée')[0].split(' délégué')[0]} de la commune de {commune},"
        text.visas.append(f"Vu l'arrêté du Maire portant délégation de fonction et de signature à M. ou Mme "
                          f"{signer[0]} {signer[1]}, {signer[2][0].lower()}{signer[2][1:]}")
    text.closing = closing(act, signer, commune)
    add_generic(text, act)
    body = text.render(rng.randint(1600, 3800), rng)

    # Dates of transmission, publication and notification.
    transmission = None
    if isinstance(nature, dict):  # not transmitted
        transmission = {"non_requise": json.dumps(nature["non_requise"], ensure_ascii=False)}
        publication = add_working_days(act.date, rng.randint(0, 2))
    else:
        sent = add_working_days(act.date, rng.randint(0, 4) if act.type != "deliberation" else rng.randint(1, 5))
        publication = max(sent, add_working_days(act.date, rng.randint(0, 3)))
        prefix = {"deliberation": "DEL", "arrete": "ARR", "decision": "DEC"}[act.type]
        ar = f"{DEPT}-{SIREN}-{act.date:%Y%m%d}-{prefix}{act.year}_{act.numero}-{nature}"
        if (DATE_REFERENCE - act.date).days <= 14 and rng.random() < 0.3:
            transmission = {"en_attente": "true"}
        else:
            transmission = {"date": sent.isoformat(), "ar": f'"{ar}"'}
    if act.portee == "individuel":
        notification = add_working_days(act.date, rng.randint(1, 4))

    fields: list[tuple[str, object]] = [
        ("type", act.type), ("numero", act.numero), ("date", act.date.isoformat()), ("objet", yaml_str(objet)),
        ("signataire", {"prenom": yaml_str(signer[0]), "nom": yaml_str(signer[1]), "qualite": yaml_str(signer[2])}),
        ("matiere", f'"{matiere}"'),
    ]
    if act.portee:
        fields.append(("portee", act.portee))
    if alinea is not None:
        fields.append(("delegation", {"deliberation": delegation_on(act.date).isoformat(), "alinea": alinea}))
    if vote is not None:
        fields.append(("vote", dict(zip(("presents", "votants", "pour", "contre", "abstentions"), vote))))
    if notification:
        fields.append(("notification", {"date": notification.isoformat()}))
    fields.append(("publication", {"date": publication.isoformat()}))
    fields.append(("transmission", transmission))
    annexes: dict[str, bytes] = {}
    if act.annex:
        if act.annex == "md":
            title, content = annex_markdown(act, objet, rng)
            name = f"{act.identifier}-annexe.md"
            annexes[name] = content.encode("utf-8")
        else:
            title, data = annex_pdf(act, objet, rng)
            name = f"{act.identifier}-annexe.pdf"
            annexes[name] = data
        fields.append(("annexes", [{"fichier": name, "titre": yaml_str(title)}]))
    if act.donne_acte:
        fields.append(("donne_acte", act.donne_acte))
    if act.abroge:
        fields.append(("abroge", [a.identifier for a in act.abroge]))
    if act.modifie:
        fields.append(("modifie", [a.identifier for a in act.modifie]))
    if masquer:
        fields.append(("masquer", [yaml_str(m) for m in masquer]))
    return front_matter(fields) + body, annexes, vote


# ---------------------------------------------------------------------------
# Project
# ---------------------------------------------------------------------------

def mkdocs_config(n: int, source: Path) -> str:
    """The repository's mkdocs.yml, with "today" pinned and a banner saying what this is."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    for plugin in data.get("plugins", []):
        if isinstance(plugin, dict) and "registre" in plugin:
            options = plugin["registre"] = dict(plugin["registre"] or {})
            options["date_reference"] = DATE_REFERENCE.isoformat()
            options.pop("premiers_numeros", None)  # the synthetic register starts every series at 1
            options["habitants"] = HABITANTS  # a council of 49 members
            options["mandats"] = list(MANDATS)
            options["demo"] = True
            options["demo_message"] = (f"Registre synthétique de {n} actes fictifs, généré pour mesurer les "
                                       "performances (bench/generate.py).")
            break
    else:
        raise SystemExit(f"{source} : le plugin « registre » n'est pas déclaré.")
    data["site_name"] = f"Registre synthétique ({n} actes)"
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)


def refresh_config(out: Path, n: int, source_root: Path = ROOT) -> None:
    """(Re)write mkdocs.yml and docs/ from the repository's current ones (the acts are kept)."""
    shutil.rmtree(out / "docs", ignore_errors=True)
    shutil.copytree(source_root / "docs", out / "docs")
    (out / "mkdocs.yml").write_text(mkdocs_config(n, source_root / "mkdocs.yml"), encoding="utf-8")


def generator_hash() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def generate(n: int, out: Path, *, seed: int = DEFAULT_SEED, source_root: Path = ROOT) -> dict:
    """Write the project; returns the manifest (also written as ``manifest.json``)."""
    if n < 1:
        raise ValueError("N doit valoir au moins 1")
    rng = random.Random(f"registre-bench-{seed}-{n}")
    acts = plan(n, rng)
    assign_kinds(acts, rng)
    link_donne_acte(acts)
    link_corrections(acts, rng)
    if out.exists():
        shutil.rmtree(out)
    (out / "acts").mkdir(parents=True)
    refresh_config(out, n, source_root)
    seances = plan_seances(sorted({a.date for a in acts if a.type == "deliberation"}),
                           random.Random(f"registre-bench-seances-{seed}-{n}"))
    votes: dict[str, tuple | None] = {}
    sizes = []
    counts: dict[str, int] = {}
    annex_count = 0
    for act in acts:
        text, annexes, votes[act.identifier] = render_act(act, rng, COMMUNE, seances)
        folder = out / "acts" / str(act.year)
        folder.mkdir(exist_ok=True)
        (folder / f"{act.identifier}.md").write_text(text, encoding="utf-8")
        body = text.split("\n---\n", 1)[1]
        sizes.append(len(body.encode()))
        key = act.type + (f"/{act.portee}" if act.portee else "")
        counts[key] = counts.get(key, 0) + 1
        for name, data in annexes.items():
            (folder / name).write_bytes(data)
            annex_count += 1
    for day, seance in seances.items():
        of_seance = [a for a in acts if a.type == "deliberation" and a.date == day]
        (out / "acts" / str(day.year) / f"seance-{day.isoformat()}.md").write_text(
            seance_file(seance, of_seance, votes, COMMUNE), encoding="utf-8")
    years = sorted({a.year for a in acts})
    manifest = {
        "n": n, "seed": seed, "generator": generator_hash(), "years": [years[0], years[-1]],
        "date_reference": DATE_REFERENCE.isoformat(), "counts": dict(sorted(counts.items())),
        "annexes": annex_count, "seances": len(seances), "donne_acte_lists": sum(1 for a in acts if a.donne_acte),
        "corrections": sum(1 for a in acts if a.abroge or a.modifie),
        "body_bytes": {"min": min(sizes), "mean": round(sum(sizes) / len(sizes)), "max": max(sizes)},
        "next_arrete": {"year": years[-1], "numero": 1 + max(a.numero for a in acts
                                                             if a.type == "arrete" and a.year == years[-1])}
        if any(a.type == "arrete" and a.year == years[-1] for a in acts) else None,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def extra_act(manifest: dict) -> tuple[str, str]:
    """One more arrêté, the next number of the last year (for incremental builds): (relative path, text)."""
    year, numero = manifest["next_arrete"]["year"], manifest["next_arrete"]["numero"]
    day = date(year, 12, 19)
    act = Act("arrete", year, day, numero, kind="police", portee="reglementaire")
    rng = random.Random(f"registre-bench-extra-{year}-{numero}")
    objet, matiere, text, nature = arrete_police(act, rng, COMMUNE)
    text.closing = closing(act, ("Patrick", "PASCAL", "Maire"), COMMUNE)
    body = text.render(2500, rng)
    ar = f"{DEPT}-{SIREN}-{day:%Y%m%d}-ARR{year}_{numero}-{nature}"
    fields = [("type", "arrete"), ("numero", numero), ("date", day.isoformat()), ("objet", yaml_str(objet)),
              ("signataire", {"prenom": "Patrick", "nom": "PASCAL", "qualite": "Maire"}),
              ("matiere", f'"{matiere}"'), ("portee", "reglementaire"),
              ("publication", {"date": add_working_days(day, 1).isoformat()}),
              ("transmission", {"date": add_working_days(day, 1).isoformat(), "ar": f'"{ar}"'})]
    return f"acts/{year}/arrete-{year}-{numero}.md", front_matter(fields) + body


def is_current(out: Path, n: int, seed: int = DEFAULT_SEED) -> bool:
    """Whether ``out`` already holds this generator's output for (n, seed)."""
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return manifest.get("n") == n and manifest.get("seed") == seed and manifest.get("generator") == generator_hash()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Génère un registre synthétique de N actes (banc d'essai).")
    parser.add_argument("n", type=int, help="nombre d'actes")
    parser.add_argument("--out", type=Path, help="dossier du projet généré (par défaut : bench/out/n<N>)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="graine (par défaut : %(default)s)")
    args = parser.parse_args(argv)
    out = args.out or OUT / f"n{args.n}"
    manifest = generate(args.n, out, seed=args.seed)
    print(f"{args.n} actes écrits dans {out} ({manifest['years'][0]}–{manifest['years'][1]}, "
          f"{manifest['annexes']} annexes, corps de {manifest['body_bytes']['min']} à "
          f"{manifest['body_bytes']['max']} octets).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
