"""``registre import FILE``: the text of a signed act → a draft act file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from registre.authoring.importer import DocumentError, plan_import, read_document
from registre.authoring.scaffold import ScaffoldError, parse_act_type, write_new
from registre.build.load import load_register
from registre.cli.common import add_config_argument, resolve
from registre.cli.new import iso_date
from registre.domain.paths import display_path

NAME = "import"
HELP = "créer le brouillon d'un acte à partir de son texte signé (PDF ou fichier texte)"
EPILOG = """\
exemples :
  registre import scan-decision-11.pdf
  registre import decision.txt -o brouillon.md

Le brouillon est écrit dans acts/<année>/<type>-<année>-<numéro>.md (ou dans le fichier donné
par -o) ; l'annexe éventuelle (le texte qui suit la signature et les mentions de l'acte) va dans
un fichier voisin <type>-<année>-<numéro>-annexe-1.md. La commande dit ce qu'elle a trouvé, avec
le numéro de ligne, et ce que le document n'indique pas ; ces rubriques sont marquées
« À COMPLÉTER » dans le brouillon. Rien n'est jamais écrasé."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("document", metavar="FICHIER", type=Path,
                        help="l'acte signé : PDF (avec son texte) ou fichier texte")
    parser.add_argument("-o", "--output", metavar="SORTIE", type=Path,
                        help="fichier du brouillon (par défaut : acts/<année>/<type>-<année>-<numéro>.md)")
    parser.add_argument("--type", dest="act_type", metavar="TYPE",
                        help="type d'acte, si le document ne le dit pas : deliberation, arrete ou decision")
    parser.add_argument("--date", type=iso_date, metavar="AAAA-MM-JJ",
                        help="date de l'acte, si le document ne la dit pas lisiblement")
    add_config_argument(parser)


def run(args: argparse.Namespace) -> int:

    config, _, acts_root = resolve(args)
    try:
        document = read_document(args.document)
        act_type = parse_act_type(args.act_type) if args.act_type else None
        register = load_register(acts_root, config, run_rules=False)
        output = args.output
        if output is not None and output.suffix.lower() != ".md":
            raise ScaffoldError(f"{output} : le brouillon d'un acte est un fichier Markdown.",
                                "donnez un nom finissant par « .md ».")
        plan = plan_import(document, register, config, output=output, act_type=act_type, on=args.date)
        targets = [plan.act_path] + ([plan.annex_path] if plan.annex_path else [])
        for target in targets:  # check both before writing either: nothing half-done
            if target.exists() or target.is_symlink():
                raise ScaffoldError(f"{display_path(target)} existe déjà : rien n'a été écrit.",
                                    "cet acte est peut-être déjà au registre ; sinon, choisissez un autre "
                                    "fichier avec -o.")
        write_new(plan.act_path, plan.act_text)
        if plan.annex_path and plan.annex_text is not None:
            try:
                write_new(plan.annex_path, plan.annex_text)
            except ScaffoldError:
                plan.act_path.unlink()
                raise
    except DocumentError as exc:
        print(f"registre import : erreur : {exc.message}" + (f" Correction : {exc.fix}" if exc.fix else ""),
              file=sys.stderr)
        return 1
    except ScaffoldError as exc:
        print(f"registre import : erreur : {exc.message}" + (f" Correction : {exc.fix}" if exc.fix else ""),
              file=sys.stderr)
        return 1
    _report(args.document, plan)
    return 0


def _report(document: Path, plan) -> None:

    print(f"Brouillon écrit : {display_path(plan.act_path)}")
    if plan.annex_path:
        print(f"Annexe écrite :   {display_path(plan.annex_path)}")
    print(f"\nTrouvé dans {document.name} :")
    for line in plan.found:
        print(f"  {line}")
    print("\nLe document ne l'indique pas (rubriques « À COMPLÉTER » du brouillon) :")
    for line in plan.missing:
        print(f"  - {line}")
    if plan.notes:
        print("\nÀ vérifier :")
        for line in plan.notes:
            print(f"  - {line}")
    print("\nRelisez le brouillon contre l'acte signé, complétez-le, puis lancez « registre check ».")
