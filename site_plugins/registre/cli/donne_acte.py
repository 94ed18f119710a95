"""``registre donne-acte``: the décisions the maire reports to the council."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from registre.authoring.donne_acte_list import DonneActeError, donne_acte_list, render_markdown, write_pdf
from registre.build.load import load_register
from registre.cli.common import add_config_argument, resolve
from registre.cli.new import iso_date
from registre.domain.config import _LenientLoader
from registre.domain.diagnostics import has_errors, summary
from registre.domain.paths import display_path

NAME = "donne-acte"
HELP = "liste des décisions du maire à rapporter au conseil municipal (donné acte), en Markdown ou en PDF"
EPILOG = """\
exemples :
  registre donne-acte                          décisions à rapporter au prochain conseil
  registre donne-acte --seance 2026-01-15      … à la séance prévue le 15 janvier 2026
  registre donne-acte --seance 2025-07-03      décisions rapportées à la séance du 3 juillet 2025
  registre donne-acte --pdf donne-acte.pdf     la même liste en PDF, à joindre à la convocation

Les décisions sont groupées par alinéa de l'article L2122-22 du CGCT (la délégation qui les fonde)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("--seance", type=iso_date, metavar="AAAA-MM-JJ",
                        help="date d'une séance passée (décisions qu'elle a rapportées) ou de la prochaine "
                             "séance (décisions à lui rapporter)")
    parser.add_argument("--pdf", type=Path, metavar="SORTIE.pdf",
                        help="écrire aussi la liste en PDF imprimable dans ce fichier")
    add_config_argument(parser)


def run(args: argparse.Namespace) -> int:

    config, mkdocs_yml, acts_root = resolve(args)
    register = load_register(acts_root, config)
    if has_errors(register.diagnostics):
        print(f"attention : le registre comporte des erreurs ({summary(register.diagnostics)}) ; les actes "
              "illisibles manquent à la liste. Lancez « registre check ».", file=sys.stderr)
    try:
        if args.pdf is not None and (args.pdf.suffix.lower() != ".pdf" or args.pdf.is_dir()):
            raise DonneActeError(f"{args.pdf} : le fichier de sortie doit finir par « .pdf ».",
                                 "par exemple : --pdf donne-acte.pdf")
        listing = donne_acte_list(register, args.seance, site_url=_site_url(mkdocs_yml))
        print(render_markdown(listing), end="")
        if args.pdf is not None:
            write_pdf(listing, args.pdf)
            print(f"PDF écrit : {display_path(args.pdf)}", file=sys.stderr)
    except DonneActeError as exc:
        print(f"registre donne-acte : erreur : {exc.message}" + (f" Correction : {exc.fix}" if exc.fix else ""),
              file=sys.stderr)
        return 1
    return 0


def _site_url(mkdocs_yml: Path) -> str:
    try:
        data = yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=_LenientLoader) or {}
    except (OSError, yaml.YAMLError):
        return ""
    return str(data.get("site_url") or "")
