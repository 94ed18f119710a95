"""``registre verify SITE_DIR``: does a built site still publish what was sealed?

Checks a built (or deployed, then downloaded) site against the sealed
register ``acts/registre.lock``:

* the register's chain is intact, and the copy the site publishes
  (``verifier/registre.lock``) is the same register (one is the start of
  the other: a site built before the last seal is behind, not forged);
* every sealed act has its page;
* every sealed file the site serves (annexes, signed original, PDF of the
  act…) has the sealed SHA-256; an annex or original that differs is an
  error, a regenerated file not sealed yet (the act's PDF after its
  transmission was added) a warning;
* acts and files the site publishes without seal are warnings.

Exit code 1 when something is wrong, 0 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..config import ConfigError
from ..diagnostics import Diagnostic, error, format_text, has_errors, summary, warning
from ..hashing import file_sha256
from ..ledger import LEDGER_NAME, Ledger, read_ledger, split_lines
from ..register import display_path
from ..verify_page import INDEX_PATH, LEDGER_PATH, read_published_hashes
from .common import add_config_argument, resolve

NAME = "verify"
HELP = "vérifier qu'un site construit publie, à l'octet près, les actes et fichiers scellés"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("site", metavar="SITE_DIR", type=Path, help="dossier du site construit (par exemple site/)")
    parser.add_argument("--scelle", metavar="REGISTRE_LOCK", type=Path,
                        help="registre scellé de référence (par défaut : acts/registre.lock du registre ; sans "
                             "registre, la copie publiée par le site)")
    add_config_argument(parser)


def _reference(args: argparse.Namespace) -> Path | None:
    if args.scelle:
        return args.scelle
    try:
        config, _, acts_root = resolve(args)
    except ConfigError:
        return None
    return acts_root / LEDGER_NAME


def verify_site(site: Path, ledger: Ledger) -> tuple[list[Diagnostic], int]:
    """(problems, number of files checked)."""
    diags: list[Diagnostic] = []
    shown_ledger = display_path(ledger.path)
    for problem in ledger.problems:
        diags.append(error(shown_ledger, problem.line, problem.message, problem.fix, problem.code))
    diags.extend(_published_copy(site, ledger))
    checked = 0
    sealed_hashes: dict[str, set[str]] = {}
    for identifier, sealed in ledger.acts.items():
        page = site / "actes" / identifier / "index.html"
        if not page.is_file():
            diags.append(error(display_path(page), 1,
                               f"l'acte scellé {identifier} (registre.lock ligne {sealed.line}) n'est pas publié "
                               "sur ce site.",
                               "reconstruisez le site depuis le registre complet (mkdocs build) : un acte publié "
                               "doit rester en ligne (L2131-1 CGCT).", "verify.page_missing"))
        by_path: dict[str, list] = {}
        for record in sealed.files:
            if record.publie:
                by_path.setdefault(record.publie, []).append(record)
            sealed_hashes.setdefault(identifier, set()).add(record.sha256)
        for rel, records in by_path.items():
            target = site / rel
            shown = display_path(target)
            latest = records[-1]
            if not target.is_file():
                diags.append(error(shown, 1, f"acte {identifier} : fichier scellé absent du site "
                                             f"({latest.role}, registre.lock ligne {sealed.line}).",
                                   "reconstruisez le site (mkdocs build) depuis le registre complet.",
                                   "verify.file_missing"))
                continue
            checked += 1
            digest = file_sha256(target)
            if digest == latest.sha256:
                continue
            if latest.fixed:
                diags.append(error(shown, 1, f"acte {identifier} : le fichier publié ne correspond pas au fichier "
                                             f"scellé ({latest.role}) : SHA-256 {digest} au lieu de "
                                             f"{latest.sha256}.",
                                   "reconstruisez le site depuis le registre ; si le fichier publié a été remplacé "
                                   "sur le serveur, restaurez-le et cherchez qui l'a modifié.",
                                   "verify.file_changed"))
            elif any(r.sha256 == digest for r in records):
                diags.append(warning(shown, 1, f"acte {identifier} : le site publie une version antérieure de ce "
                                               "fichier.", "reconstruisez le site (mkdocs build).", "verify.stale"))
            else:
                diags.append(warning(shown, 1, f"acte {identifier} : cette version du fichier ({latest.role}) "
                                               "n'est pas encore scellée.",
                                     "lancez « registre seal » puis reconstruisez le site.", "verify.unsealed_file"))
    diags.extend(_unsealed(site, ledger, sealed_hashes))
    diags.extend(_index(site, ledger))
    return diags, checked


def _published_copy(site: Path, ledger: Ledger) -> list[Diagnostic]:
    copy = site / LEDGER_PATH
    shown = display_path(copy)
    if not copy.is_file():
        if ledger.entries:
            return [error(shown, 1, "le site ne publie pas le registre scellé.",
                          "reconstruisez le site (mkdocs build) : il copie acts/registre.lock dans verifier/.",
                          "verify.ledger_missing")]
        return []
    published = split_lines(copy.read_bytes())
    reference = split_lines(ledger.data) if ledger.exists else []
    shorter, longer = sorted((published, reference), key=len)
    for index, line in enumerate(shorter, start=1):
        if longer[index - 1] != line:
            return [error(shown, index, f"le registre scellé publié par le site diffère du registre de référence "
                                        f"à la ligne {index} : l'un des deux a été réécrit.",
                          "comparez-les (registre check sur le dépôt) ; le registre scellé ne peut que s'allonger.",
                          "verify.ledger_differs")]
    if len(published) < len(reference):
        return [warning(shown, len(published) or 1,
                        f"le site publie un registre scellé plus ancien ({len(published)} ligne(s) sur "
                        f"{len(reference)}).", "reconstruisez et redéployez le site.", "verify.ledger_behind")]
    return []


def _unsealed(site: Path, ledger: Ledger, sealed_hashes: dict[str, set[str]]) -> list[Diagnostic]:
    diags = []
    acts_dir = site / "actes"
    if not acts_dir.is_dir():
        return diags
    for folder in sorted(p for p in acts_dir.iterdir() if p.is_dir()):
        identifier = folder.name
        if not (folder / "index.html").is_file():
            continue
        if identifier not in ledger.acts:
            diags.append(warning(display_path(folder / "index.html"), 1,
                                 f"{identifier} est publié sur ce site mais n'est pas scellé.",
                                 "lancez « registre seal » puis reconstruisez le site.", "verify.unsealed"))
            continue
        known = sealed_hashes.get(identifier, set())
        published = {r.publie for r in ledger.acts[identifier].files if r.publie}
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.suffix == ".html":
                continue
            rel = path.relative_to(site).as_posix()
            if rel in published:
                continue  # checked above
            if file_sha256(path) not in known:
                diags.append(warning(display_path(path), 1,
                                     f"acte {identifier} : fichier publié qui n'est pas inscrit au registre scellé.",
                                     "lancez « registre seal » puis reconstruisez le site.", "verify.unsealed_file"))
    return diags


def _index(site: Path, ledger: Ledger) -> list[Diagnostic]:
    index = site / INDEX_PATH
    shown = display_path(index)
    try:
        table = read_published_hashes(site)
    except FileNotFoundError:
        return [error(shown, 1, "la liste des empreintes de la page « Vérifier un document » manque.",
                      "reconstruisez le site (mkdocs build).", "verify.index_missing")]
    except (ValueError, KeyError, TypeError, AssertionError, UnicodeDecodeError):
        return [error(shown, 1, "la liste des empreintes de la page « Vérifier un document » est illisible.",
                      "reconstruisez le site (mkdocs build).", "verify.index_invalid")]
    missing = [s.identifier for s in ledger.acts.values()
               if (site / "actes" / s.identifier / "index.html").is_file() and s.contenu not in table]
    if missing:
        return [error(shown, 1, f"la liste des empreintes ne reconnaît pas le contenu scellé de "
                                f"{', '.join(missing[:5])}{'…' if len(missing) > 5 else ''}.",
                      "reconstruisez le site depuis le registre scellé (mkdocs build).", "verify.index_stale")]
    return []


def run(args: argparse.Namespace) -> int:
    site: Path = args.site
    if not site.is_dir():
        print(f"registre verify : erreur : le dossier {site} n'existe pas. Correction : indiquez le dossier du site "
              "construit (mkdocs build l'écrit dans site/).", file=sys.stderr)
        return 1
    reference = _reference(args)
    if reference is None or not reference.is_file():
        published = site / LEDGER_PATH
        if args.scelle or not published.is_file():
            where = reference or published
            print(f"registre verify : erreur : registre scellé introuvable ({display_path(where)}). Correction : "
                  "lancez la commande depuis le dossier du registre, ou indiquez --scelle acts/registre.lock.",
                  file=sys.stderr)
            return 1
        reference = published
        print(f"registre verify : pas de registre scellé dans le dépôt ; vérification avec la copie publiée "
              f"({display_path(published)}).", file=sys.stderr)
    ledger = read_ledger(reference)
    diags, checked = verify_site(site, ledger)
    if diags:
        print(format_text(diags))
    print(f"{len(ledger.acts)} acte(s) scellé(s), {checked} fichier(s) vérifié(s) dans {site} : {summary(diags)}.",
          file=sys.stderr if diags else sys.stdout)
    return 1 if has_errors(diags) else 0
