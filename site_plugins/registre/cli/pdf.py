"""``registre pdf``: render the PDFs of the acts online ahead of the site build.

WeasyPrint costs about a quarter of a second of CPU per act, which dominates a
cold ``mkdocs build`` of a large register.  This command renders, in parallel,
the PDFs missing from the PDF store ``.cache/registre/pdf/`` beside mkdocs.yml
— the very cache ``mkdocs build`` and ``registre seal`` use, with the same
site URL — so that the build then copies them byte for byte and renders
nothing.  A CI job runs it once, keeping that folder between runs.
"""

from __future__ import annotations

import argparse
import os
import sys
import time as clock

from registre.build.load import load_register
from registre.cli.common import add_config_argument, resolve
from registre.domain.dates import format_date
from registre.domain.diagnostics import format_text, has_errors, summary
from registre.domain.paths import display_path
from registre.publish.pdf import WORKERS_ENV, PdfError, pdfs_for

NAME = "pdf"
HELP = ("générer à l'avance les PDF des actes en ligne (cache .cache/registre/pdf/ repris par "
        "mkdocs build) ; en CI, avant la construction du site")


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas un nombre entier") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{number} : il faut au moins 1 processus")
    return number


def _year(value: str) -> int:
    if not (value.isascii() and value.isdigit() and len(value) == 4):
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas une année (AAAA, par exemple 2025)")
    return int(value)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--annee", type=_year, metavar="AAAA",
                        help="seulement les actes de cette année (par défaut : tous les actes en ligne)")
    parser.add_argument("--processus", type=_positive, metavar="N",
                        help=f"nombre de PDF générés en même temps (par défaut : un par processeur ; "
                             f"variable {WORKERS_ENV})")
    add_config_argument(parser)


def run(args: argparse.Namespace) -> int:
    config, mkdocs_yml, acts_root = resolve(args)
    register = load_register(acts_root, config)
    if has_errors(register.diagnostics):
        print(format_text([d for d in register.diagnostics if d.is_error]))
        print(f"registre pdf : aucun PDF n'a été généré : le registre a des erreurs "
              f"({summary(register.diagnostics)}). Corrigez-les (registre check les liste), puis relancez "
              "« registre pdf ».", file=sys.stderr)
        return 1
    if not config.pdf:
        print("Rien à faire : ce registre ne génère pas de PDF des actes (« pdf: false » dans mkdocs.yml) ; "
              "seuls les originaux signés sont publiés.")
        return 0
    acts = [a for a in register.online if args.annee is None or a.year == args.annee]
    if not acts:
        scope = f" de {args.annee}" if args.annee is not None else ""
        print(f"Rien à faire : aucun acte{scope} n'est en ligne au {format_date(register.today)}.")
        return 0
    if args.processus:
        os.environ[WORKERS_ENV] = str(args.processus)
    # The same cache and site URL as `mkdocs build` (see RegistrePlugin.build_context).
    pdfs = pdfs_for(register, mkdocs_yml.parent / ".cache" / "registre", config.site_url)
    started = clock.perf_counter()
    try:
        pdfs.prepare(acts)
    except PdfError as exc:
        print(f"registre pdf : erreur : {exc}", file=sys.stderr)
        return 1
    elapsed = clock.perf_counter() - started
    stats = pdfs.stats
    store = display_path(pdfs.cache_dir)
    message = f"PDF des actes : {stats.rendered} générés, {stats.reused} déjà prêts dans {store}"
    if stats.rendered:
        message += (f" ({_seconds(stats.seconds / stats.rendered)} par PDF généré, "
                    f"{stats.workers} processus, {_seconds(elapsed)} en tout)")
    print(message + ".")
    return 0


def _seconds(value: float) -> str:
    """« 0,12 s », « 41,3 s »: French decimal comma."""
    return (f"{value:.2f} s" if value < 10 else f"{value:.1f} s").replace(".", ",")
