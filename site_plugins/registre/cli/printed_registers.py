"""What ``registre registre-deliberations`` and ``registre registre-arretes`` share: the year's
printed register (:mod:`registre.publish.printed_registers`) written to a PDF file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from registre.build.load import load_register
from registre.cli.common import add_config_argument, resolve
from registre.domain.diagnostics import format_text, has_errors, summary
from registre.domain.paths import display_path
from registre.files.atomic_write import write_atomic
from registre.publish.printed_registers import PrintedRegisterError, default_filename, printed_register, render

FIRST_YEAR = 1790  # the communes were created in December 1789


def year(value: str) -> int:
    """``--annee``: four digits, a year in which a commune may have kept a register."""
    value = value.strip()
    if not (value.isascii() and value.isdigit() and len(value) == 4):
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas une année : écrivez-la sur quatre chiffres "
                                         "(AAAA, par exemple --annee 2025)")
    number = int(value)
    if number < FIRST_YEAR:
        raise argparse.ArgumentTypeError(f"{number} : année impossible pour un registre communal "
                                         f"(les communes existent depuis {FIRST_YEAR})")
    return number


def add_arguments(parser: argparse.ArgumentParser, kind: str, epilog: str) -> None:
    parser.epilog = (f"{epilog}\n\nSans -o, le fichier écrit est {default_filename(kind, 0).replace('-0.', '-AAAA.')} "
                     "dans le dossier courant (AAAA : l'année demandée).")
    parser.add_argument("--annee", type=year, metavar="AAAA", required=True,
                        help="année du registre (par exemple 2025)")
    parser.add_argument("-o", "--sortie", type=Path, metavar="FICHIER",
                        help="fichier PDF à écrire (nom par défaut : voir ci-dessous)")
    add_config_argument(parser)


def run(args: argparse.Namespace, kind: str, command: str) -> int:
    target = args.sortie if args.sortie is not None else Path(default_filename(kind, args.annee))
    if target.suffix.lower() != ".pdf" or target.is_dir():
        return _fail(command, f"{target} : le fichier de sortie doit être un fichier dont le nom finit par « .pdf ».",
                     f"par exemple : -o {default_filename(kind, args.annee)}")
    config, _mkdocs_yml, acts_root = resolve(args)
    register = load_register(acts_root, config)
    if has_errors(register.diagnostics):
        print(format_text([d for d in register.diagnostics if d.is_error]))
        return _fail(command, f"le registre a des erreurs ({summary(register.diagnostics)}) : le registre imprimé "
                              "ne serait pas fidèle.", "corrigez-les (registre check les liste), puis relancez "
                                                       f"« registre {command} ».")
    try:
        printed = printed_register(register, kind, args.annee)
        data = render(printed)
    except PrintedRegisterError as exc:
        return _fail(command, exc.message, exc.fix)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data)
    except OSError as exc:
        return _fail(command, f"{display_path(target)} : écriture impossible ({exc.strerror or exc}).",
                     "vérifiez le chemin, l'espace disque et les droits du dossier.")
    print(f"{printed.name} {args.annee} ({printed.counts}) écrit : {display_path(target)}")
    return 0


def _fail(command: str, message: str, fix: str) -> int:
    print(f"registre {command} : erreur : {message}" + (f" Correction : {fix}" if fix else ""), file=sys.stderr)
    return 1
