"""``registre check``: report every problem of the register, then exit."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from registre.build.load import load_register
from registre.cli.common import add_config_argument, resolve
from registre.domain.diagnostics import format_json, format_markdown, format_text, has_errors, summary
from registre.domain.plurals import counted

NAME = "check"
HELP = "vérifier tous les actes (mentions obligatoires, dates, numérotation, transmission, intégrité)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("acts", nargs="?", type=Path, help="dossier des actes (par défaut : acts/)")
    parser.add_argument("--format", choices=("texte", "json", "text"), default="texte",
                        help="format du rapport : texte (par défaut) ou json (éditeurs, CI)")
    parser.add_argument("--strict", action="store_true",
                        help="échouer aussi sur les avertissements (pas sur les rappels de délais : "
                             "accusé de réception attendu, donné acte en retard)")
    add_config_argument(parser)


def run(args: argparse.Namespace) -> int:
    config, _, acts_root = resolve(args, args.acts)
    register = load_register(acts_root, config)
    diags = register.diagnostics
    if args.format == "json":
        print(format_json(diags))
    else:
        if diags:
            print(format_text(diags))
        print(f"{counted(len(register.acts), 'acte lu')} dans {acts_root} : {summary(diags)}.",
              file=sys.stderr if diags else sys.stdout)
    _write_job_summary(diags, acts_root)
    failed = has_errors(diags) or (args.strict and any(not d.is_reminder for d in diags))
    return 1 if failed else 0


def _write_job_summary(diags, acts_root: Path) -> None:
    """Add the report to the CI job summary (GitHub Actions sets GITHUB_STEP_SUMMARY)."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    try:
        with open(target, "a", encoding="utf-8") as out:
            out.write(format_markdown(diags, f"Registre des actes : vérification de {acts_root}") + "\n")
    except OSError as exc:
        print(f"registre check : résumé non écrit dans {target} ({exc.strerror}).", file=sys.stderr)
