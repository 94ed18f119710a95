"""``registre new <type>``: prepare the next act file, to be completed by staff."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date

from registre.authoring.scaffold import ScaffoldError, parse_act_type, prepare, render, target_path, write_new
from registre.build.load import load_register
from registre.cli.common import add_config_argument, resolve
from registre.domain.model import Portee
from registre.domain.paths import display_path

NAME = "new"
HELP = "préparer le fichier du prochain acte (numéro suivant, date du jour, signataire) à compléter"
EPILOG = """\
exemples :
  registre new decision
  registre new arrete --portee reglementaire --objet "Stationnement rue de la Poste"
  registre new deliberation --date 2025-07-03

Le fichier est créé dans acts/<année>/<type>-<année>-<numéro>.md ; son chemin est affiché.
Complétez les lignes marquées « À COMPLÉTER », puis lancez « registre check ».
Un fichier existant n'est jamais écrasé."""


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas une date au format AAAA-MM-JJ "
                                         "(par exemple 2025-05-30)") from None


def positive(text: str) -> int:
    if not re.fullmatch(r"[1-9][0-9]{0,9}", text):  # ASCII digits, and never thousands of them
        raise argparse.ArgumentTypeError(f"« {text[:20]} » n'est pas un nombre entier positif (sans zéro initial, "
                                         "dix chiffres au plus)")
    return int(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("type", metavar="TYPE",
                        help="type d'acte : deliberation, arrete ou decision (décision du maire par délégation)")
    parser.add_argument("--date", type=iso_date, metavar="AAAA-MM-JJ",
                        help="date de signature, ou de la séance pour une délibération (par défaut : aujourd'hui)")
    parser.add_argument("--numero", type=positive, metavar="N",
                        help="numéro imposé (par défaut : le suivant libre pour le type et l'année)")
    parser.add_argument("--objet", metavar="TEXTE", help="objet de l'acte, sur une ligne")
    parser.add_argument("--portee", choices=[p.value for p in Portee],
                        help="portée : reglementaire, individuel ou espece (obligatoire pour un arrêté)")
    parser.add_argument("--matiere", metavar="CODE", help="code matière de la nomenclature @ctes, par exemple 8.1")
    parser.add_argument("--publication", type=iso_date, metavar="AAAA-MM-JJ",
                        help="date de mise en ligne (une date future programme la publication)")
    parser.add_argument("--delegation", type=iso_date, metavar="AAAA-MM-JJ",
                        help="décision : date de la délibération donnant délégation (par défaut : celle de la "
                             "dernière décision)")
    parser.add_argument("--alinea", type=positive, metavar="N",
                        help="décision : alinéa de l'article L2122-22 (1 à 29)")
    add_config_argument(parser)


def run(args: argparse.Namespace) -> int:

    config, _, acts_root = resolve(args)
    try:
        act_type = parse_act_type(args.type)
        register = load_register(acts_root, config, run_rules=False)
        today = register.today
        on = args.date or today
        if on > today:
            raise ScaffoldError(
                f"la date {on.isoformat()} est postérieure à aujourd'hui ({today.isoformat()}).",
                "la date d'un acte est celle de sa signature (ou de la séance) ; pour publier plus tard, "
                "gardez la date de signature et indiquez --publication avec la date future.")
        if args.alinea is not None and args.alinea > 29:
            raise ScaffoldError(f"alinéa {args.alinea} : l'article L2122-22 compte 29 alinéas.",
                                "vérifiez l'alinéa cité par la délibération de délégation.")
        if args.objet is not None and not args.objet.strip():
            raise ScaffoldError("--objet est vide.", "indiquez l'objet entre guillemets, ou omettez l'option.")
        draft = prepare(register, act_type, on=on, numero=args.numero, objet=args.objet,
                        portee=Portee(args.portee) if args.portee else None, matiere=args.matiere,
                        publication=args.publication, delegation_date=args.delegation, alinea=args.alinea)
        path = target_path(acts_root, draft)
        write_new(path, render(draft, config))
    except ScaffoldError as exc:
        print(f"registre new : erreur : {exc.message}" + (f" Correction : {exc.fix}" if exc.fix else ""),
              file=sys.stderr)
        return 1
    shown = display_path(path)
    print(shown)
    number = config.pattern_for(act_type).format(numero=draft.numero, annee=on.year, type=act_type.value)
    print(f"{draft.act_type.label} n°{number} : fichier créé ({shown}). Complétez les lignes marquées "
          "« À COMPLÉTER », puis lancez « registre check ».", file=sys.stderr)
    return 0

