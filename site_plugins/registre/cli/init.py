"""``registre init DOSSIER``: create a commune's repository, ready to commit.

Every value comes from an option or, when it is missing and the command runs in a terminal,
from a question; without a terminal a missing value is an error naming its option.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

from registre.authoring.new_register import (
    Commune,
    InitError,
    check_siret,
    check_target,
    create_register,
    installed_registre,
    tribunal_of,
)
from registre.domain.paths import display_path

NAME = "init"
HELP = "créer le dépôt du registre d'une commune (mkdocs.yml, pages, publication automatique)"
EPILOG = """\
exemple :
  registre init registre-saint-martin --commune "Saint-Martin-sur-Loire" --siret "21450302600015" \\
    --departement 45 --habitants 1234 --maire-prenom Claire --maire-nom DURAND \\
    --installation 2020-05-25 --adresse https://mairie-saint-martin.github.io/registre/

Les valeurs manquantes sont demandées une à une. Le tribunal administratif et son adresse sont déduits
du département (article R221-3 du code de justice administrative). Le dossier doit être nouveau ou vide.
La publication automatique installe exactement le logiciel registre qui lance « registre init »
(--logiciel pour en indiquer un autre)."""


@dataclass(frozen=True)
class Question:
    dest: str
    option: str
    prompt: str
    parse: Callable[[str], object]


def _text(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise InitError("la valeur est vide.", "indiquez-la.")
    if any(c in value for c in '"\\'):
        raise InitError(f"« {value} » contient un guillemet droit ou une barre oblique inverse.",
                        "écrivez-la sans ces caractères (guillemets français « » permis).")
    return value


def _nom(value: str) -> str:
    return _text(value).upper()


def _habitants(value: str) -> int:
    text = re.sub(r"[\s\u00a0\u202f]", "", value)
    if not re.fullmatch(r"[1-9][0-9]{0,7}", text):
        raise InitError(f"« {value} » n'est pas un nombre d'habitants.",
                        "indiquez la population municipale (INSEE), en chiffres, par exemple 1234.")
    return int(text)


def _installation(value: str) -> date:
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise InitError(f"« {value} » n'est pas une date au format AAAA-MM-JJ.",
                        "indiquez la date d'installation du conseil municipal, par exemple 2020-05-25.") from None
    if day.year < 1945:
        raise InitError(f"{day.isoformat()} : date trop ancienne pour l'installation du conseil en place.",
                        "indiquez la date de la séance d'installation du conseil municipal actuel.")
    return day


def _site_url(value: str) -> str:
    value = value.strip()
    if not re.fullmatch(r"https?://[^\s\"'<>]+", value):
        raise InitError(f"« {value} » n'est pas une adresse de site (https://…).",
                        "indiquez l'adresse publique du registre, par exemple "
                        "https://mairie-exemple.github.io/registre/ ; elle pourra être changée dans mkdocs.yml.")
    return value if value.endswith("/") else value + "/"


def _departement(value: str) -> str:
    return tribunal_of(value).departement


QUESTIONS = (
    Question("commune", "--commune", "Nom de la commune", _text),
    Question("siret", "--siret", "SIRET de la mairie (14 chiffres)", check_siret),
    Question("departement", "--departement", "Département (code : 01 à 95, 2A, 2B, 971 à 976)", _departement),
    Question("habitants", "--habitants", "Nombre d'habitants (population municipale)", _habitants),
    Question("maire_prenom", "--maire-prenom", "Prénom du maire", _text),
    Question("maire_nom", "--maire-nom", "Nom du maire", _nom),
    Question("installation", "--installation", "Date d'installation du conseil municipal (AAAA-MM-JJ)",
             _installation),
    Question("adresse", "--adresse", "Adresse publique du site (https://…)", _site_url),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("dossier", metavar="DOSSIER", type=Path, help="dossier du nouveau dépôt (nouveau ou vide)")
    parser.add_argument("--commune", metavar="NOM", help="nom de la commune")
    parser.add_argument("--siret", help="SIRET de la mairie (14 chiffres, clé de contrôle vérifiée)")
    parser.add_argument("--departement", metavar="CODE", help="code du département (66, 2A, 971…)")
    parser.add_argument("--habitants", metavar="N", help="nombre d'habitants (population municipale)")
    parser.add_argument("--maire-prenom", metavar="PRÉNOM", help="prénom du maire (signataire des actes)")
    parser.add_argument("--maire-nom", metavar="NOM", help="nom du maire")
    parser.add_argument("--installation", metavar="AAAA-MM-JJ",
                        help="date d'installation du conseil municipal (début du mandat)")
    parser.add_argument("--adresse", metavar="URL", help="adresse publique du site (site_url de mkdocs.yml)")
    parser.add_argument("--tribunal-adresse", metavar="ADRESSE",
                        help="adresse du tribunal administratif, si elle diffère de celle de la table")
    parser.add_argument("--logiciel", metavar="EXIGENCE",
                        help="d'où la publication automatique installe registre, au format de pip (par défaut : "
                             "la version qui lance cette commande)")
    parser.add_argument("--demo", action="store_true", help="ajouter les actes de démonstration")


def _ask(question: Question) -> object:
    while True:
        try:
            answer = input(f"{question.prompt} : ")
        except EOFError:
            raise InitError(f"pas de réponse pour « {question.prompt} ».", f"indiquez {question.option}.") from None
        try:
            return question.parse(answer)
        except InitError as exc:
            print(f"  {exc.message} Correction : {exc.fix}", file=sys.stderr)


def _values(args: argparse.Namespace) -> dict[str, object]:
    values: dict[str, object] = {}
    interactive = sys.stdin.isatty()
    missing = [q for q in QUESTIONS if getattr(args, q.dest) is None]
    if missing and not interactive:
        options = ", ".join(q.option for q in missing)
        raise InitError(f"il manque {options} (la commande ne tourne pas dans un terminal et ne peut pas poser "
                        "de questions).", "indiquez ces options ; « registre init --help » montre un exemple.")
    for question in QUESTIONS:
        given = getattr(args, question.dest)
        if given is None:
            values[question.dest] = _ask(question)
            continue
        try:
            values[question.dest] = question.parse(given)
        except InitError as exc:
            raise InitError(f"{question.option} : {exc.message}", exc.fix) from None
    return values


def run(args: argparse.Namespace) -> int:
    try:
        check_target(args.dossier)  # before any question
        installed = installed_registre(override=args.logiciel)
        values = _values(args)
        entry = tribunal_of(str(values["departement"]))
        tribunal_adresse = _text(args.tribunal_adresse) if args.tribunal_adresse else entry.adresse
        commune = Commune(nom=str(values["commune"]), siret=str(values["siret"]), departement=entry.departement,
                          habitants=int(values["habitants"]), maire_prenom=str(values["maire_prenom"]),
                          maire_nom=str(values["maire_nom"]), installation=values["installation"],
                          site_url=str(values["adresse"]), tribunal=entry.tribunal, tribunal_adresse=tribunal_adresse,
                          nom_departement=entry.nom_departement)
        created = create_register(args.dossier, commune, installed, demo=args.demo)
    except InitError as exc:
        print(f"registre init : erreur : {exc.message}" + (f" Correction : {exc.fix}" if exc.fix else ""),
              file=sys.stderr)
        return 1
    folder = display_path(created.folder)
    for warning in installed.warnings:
        print(f"registre init : attention : {warning}", file=sys.stderr)
    print(f"Registre des actes de {commune.nom} créé dans {folder} ({len(created.files)} fichiers).")
    print(f"SIREN : {commune.siren}. Recours : {commune.tribunal}, {commune.tribunal_adresse}"
          + (" — adresse à vérifier sur le site du tribunal." if entry.a_verifier and not args.tribunal_adresse
             else "."))
    print(f"La publication automatique installera registre : {installed.origin}.")
    print("Ensuite :")
    print(f"  cd {shlex.quote(folder)} && git init -b main && git add . && git commit -m \"Registre des actes\"")
    print("  registre new deliberation   # puis registre check, registre seal, mkdocs build")
    print("Réglages à faire une fois sur GitHub ou GitLab : README.md, « Publication ».")
    return 0
