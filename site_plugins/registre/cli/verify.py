"""``registre verify SITE_DIR``: does a built site still publish what was sealed?

Checks a built (or deployed, then downloaded) site against the sealed
register ``acts/registre.lock``:

* the register's chain is intact, and the copy the site publishes
  (``verifier/registre.lock``) is the same register (one is the start of
  the other: a site built before the last seal is behind, not forged);
* every sealed act has its page;
* every sealed file of a séance the site serves (PDF/A of the liste and of
  the procès-verbal, signed procès-verbal) has a sealed SHA-256;
* every sealed file the site serves (annexes, signed original, PDF of the
  act…) has the sealed SHA-256; an annex or original that differs is an
  error, a regenerated file not sealed yet (the act's PDF after its
  transmission was added) a warning;
* acts and files the site publishes without seal are warnings;
* every published file is, byte for byte, what the register produces: the
  site is built again from the register (``mkdocs.yml``, ``docs/``,
  ``acts/``) into a temporary folder, cold (no cache) and with the date the
  site was built with, and both are compared file by file (see
  :mod:`registre.build.site_rebuild`; the few Pagefind files whose bytes vary
  from run to run are compared by content): a file missing, added or
  different is an error;
* ``--avant ANCIEN_SITE`` / ``--tete EMPREINTE``: the register an earlier
  copy of the site published (its last line's SHA-256) is still the start of
  the sealed register: history was extended, not rewritten.

Exit code 1 when something is wrong, 0 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import date
from pathlib import Path

from registre.build.engine import site_engine
from registre.build.site_rebuild import RebuildError, compare_sites, rebuild
from registre.cli.common import add_config_argument, resolve
from registre.domain.addresses import INDEX_PATH, act_url
from registre.domain.config import ConfigError, RegistreConfig, clock_today
from registre.domain.diagnostics import Diagnostic, error, format_text, has_errors, summary, warning
from registre.domain.paths import display_path
from registre.domain.plurals import counted
from registre.publish.verify_page import LEDGER_PATH, read_published_hashes
from registre.seal.hashing import bytes_sha256, file_sha256, is_sha256
from registre.seal.ledger import LEDGER_NAME, Ledger, read_ledger, split_lines

NAME = "verify"
HELP = "vérifier qu'un site construit publie, à l'octet près, les actes et fichiers scellés"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("site", metavar="SITE_DIR", type=Path, help="dossier du site construit (par exemple site/)")
    parser.add_argument("--scelle", metavar="REGISTRE_LOCK", type=Path,
                        help="registre scellé de référence (par défaut : acts/registre.lock du registre ; sans "
                             "registre, la copie publiée par le site)")
    parser.add_argument("--avant", metavar="ANCIEN_SITE", type=Path,
                        help="copie antérieure du site : vérifier que son registre scellé est le début du registre "
                             "actuel (l'historique a été prolongé, pas réécrit)")
    parser.add_argument("--tete", metavar="EMPREINTE",
                        help="empreinte de la dernière ligne d'un registre scellé publié autrefois (page « Vérifier "
                             "un document ») : vérifier qu'elle figure dans le registre actuel")
    add_config_argument(parser)


def _reference(args: argparse.Namespace) -> Path | None:
    if args.scelle:
        return args.scelle
    project = _project(args)
    return project[2] / LEDGER_NAME if project else None


def _project(args: argparse.Namespace) -> tuple[RegistreConfig, Path, Path] | None:
    """(config, mkdocs.yml, acts folder) of the register, None outside one."""
    try:
        return resolve(args)
    except ConfigError:
        return None


def site_date(site: Path) -> str | None:
    """The "today" the site was built with, as ``verifier/integrite.json`` records it."""
    try:
        value = json.loads((site / INDEX_PATH).read_text(encoding="utf-8")).get("date")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def date_problems(site: Path) -> list[Diagnostic]:
    """The date ``verifier/integrite.json`` records is the one the rebuild uses (when mkdocs.yml sets no
    ``date_reference``): it cannot be trusted blindly.  An edited date would make verify compare the site with the register at another date and
    pass; it must at least lie between the last sealing the site publishes and today."""
    recorded = site_date(site)
    if recorded is None:
        return []  # the rebuild, at today's date, then differs from the site's own files
    shown = display_path(site / INDEX_PATH)
    fix = "reconstruisez le site (mkdocs build) et redéployez-le ; si la date a été modifiée sur le serveur, " \
          "cherchez qui l'a modifiée."
    if not _is_iso_date(recorded):
        return [error(shown, 1, f"date de construction illisible (« {recorded} »).", fix, "verify.date_invalid")]
    built = date.fromisoformat(recorded)
    try:
        today = clock_today()
    except ValueError:
        today = date.today()
    if built > today:
        return [error(shown, 1, f"le site dit avoir été construit le {built.strftime('%d/%m/%Y')}, date qui n'est "
                                f"pas encore venue (aujourd'hui : {today.strftime('%d/%m/%Y')}).", fix,
                      "verify.date_future")]
    sealed = [entry.sealed_on for entry in read_ledger(site / LEDGER_PATH).entries]
    latest = max((s for s in sealed if _is_iso_date(s)), default=None)
    if latest and recorded < latest:
        return [error(shown, 1, f"le site dit avoir été construit le {built.strftime('%d/%m/%Y')}, avant le "
                                f"scellement du {date.fromisoformat(latest).strftime('%d/%m/%Y')} que publie sa "
                                f"copie du registre ({LEDGER_PATH}).", fix, "verify.date_before_seal")]
    return []


def _is_iso_date(value: str) -> bool:
    try:
        return date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def compare_with_rebuild(site: Path, mkdocs_yml: Path) -> tuple[list[Diagnostic], int]:
    """Every file of ``site`` against a cold build of the register: (problems, files compared)."""
    fix = ("reconstruisez le site depuis le registre (mkdocs build) et redéployez-le ; si le fichier a été modifié "
           "sur le serveur, cherchez qui l'a modifié.")
    with tempfile.TemporaryDirectory(prefix="registre-verify-") as folder:
        expected = Path(folder) / "site"
        try:
            rebuild(mkdocs_yml, expected, site_date(site), site_engine(site))
        except RebuildError as exc:
            return [error(display_path(mkdocs_yml), 1, "impossible de reconstruire le site pour le comparer octet "
                                                       f"par octet :\n{exc}",
                          "corrigez les erreurs ci-dessus (registre check les liste aussi), puis relancez.",
                          "verify.rebuild_failed")], 0
        result = compare_sites(expected, site)
    diags = [error(display_path(site / rel), 1,
                   "fichiers de l'index de recherche différents, par leur contenu, de ceux que produit le registre."
                   if "*" in rel else "fichier publié différent, octet par octet, de celui que produit le registre.",
                   fix, "verify.file_differs") for rel in result.different]
    diags += [error(display_path(site / rel), 1, "fichier que le registre produit mais absent du site.", fix,
                    "verify.file_absent") for rel in result.missing]
    diags += [error(display_path(site / rel), 1, "fichier publié que le registre ne produit pas.",
                    "retirez-le du site (reconstruisez-le avec mkdocs build) ; s'il a été ajouté sur le serveur, "
                    "cherchez qui l'a ajouté.", "verify.file_extra") for rel in result.extra]
    return diags, result.compared


def earlier_head(args: argparse.Namespace) -> tuple[str | None, str, list[Diagnostic]]:
    """(head hash given by --tete or published by --avant's site, where it comes from, problems)."""
    if args.tete:
        value = args.tete.strip().lower()
        if not is_sha256(value):
            return None, "--tete", [error("--tete", 1, f"« {args.tete} » n'est pas une empreinte SHA-256.",
                                          "recopiez les 64 caractères (0-9, a-f) affichés sur la page « Vérifier "
                                          "un document » du site.", "verify.head_invalid")]
        return value, "--tete", []
    old = args.avant
    shown = display_path(old / LEDGER_PATH)
    try:
        lines = split_lines((old / LEDGER_PATH).read_bytes())
    except OSError:
        return None, shown, [error(shown, 1, "l'ancienne copie du site ne contient pas de registre scellé.",
                                   "indiquez le dossier d'un site construit (avec verifier/registre.lock), ou "
                                   "l'empreinte publiée avec --tete.", "verify.earlier_missing")]
    if not lines:
        return None, shown, []
    return bytes_sha256(lines[-1]), shown, []


def check_extends(ledger: Ledger, head: str, where: str) -> list[Diagnostic]:
    """The ledger line whose SHA-256 is ``head`` is in ``ledger`` (its chain then carries every line before)."""
    if any(entry.digest == head for entry in ledger.entries):
        return []
    return [error(display_path(ledger.path), 1,
                  f"registre scellé réécrit : la ligne d'empreinte {head[:16]}… publiée autrefois ({where}) n'est "
                  "plus dans le registre scellé actuel ; il ne prolonge pas celui qui a été publié.",
                  "restaurez le registre scellé publié (historique git, ancienne copie du site) : il ne peut que "
                  "s'allonger.", "verify.rewritten")]


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
        page = site / act_url(identifier) / "index.html"
        if not page.is_file():
            diags.append(error(display_path(page), 1,
                               f"l'acte scellé {identifier} (registre.lock ligne {sealed.line}) n'est pas publié "
                               "sur ce site.",
                               "reconstruisez le site depuis le registre complet (mkdocs build) : un acte publié "
                               "doit rester en ligne (L2131-1 CGCT).", "verify.page_missing"))
        for record in sealed.files:
            sealed_hashes.setdefault(identifier, set()).add(record.sha256)
        found, count = _sealed_files(site, f"acte {identifier}", sealed.line, sealed.files)
        diags.extend(found)
        checked += count
    seance_diags, seance_checked = _seance_files(site, ledger)
    diags.extend(seance_diags)
    checked += seance_checked
    diags.extend(_unsealed(site, ledger, sealed_hashes))
    diags.extend(_index(site, ledger))
    return diags, checked


def _seance_files(site: Path, ledger: Ledger) -> tuple[list[Diagnostic], int]:
    """The sealed files of the séances (PDF/A of the liste and of the PV, signed PV) the site serves."""
    diags: list[Diagnostic] = []
    checked = 0
    for identifier, sealed in ledger.seances.items():
        found, count = _sealed_files(site, f"séance {identifier}", sealed.line, sealed.files)
        diags.extend(found)
        checked += count
    return diags, checked


def _sealed_files(site: Path, what: str, line: int, files) -> tuple[list[Diagnostic], int]:
    """Each file sealed for ``what`` (« acte … », « séance … ») as the site serves it: present, and the
    latest sealed version (an earlier one: stale; another one: not sealed yet; a fixed file changed: error)."""
    diags: list[Diagnostic] = []
    checked = 0
    by_path: dict[str, list] = {}
    for record in files:
        if record.publie:
            by_path.setdefault(record.publie, []).append(record)
    for rel, records in by_path.items():
        target = site / rel
        shown = display_path(target)
        latest = records[-1]
        if not target.is_file():
            diags.append(error(shown, 1, f"{what} : fichier scellé absent du site "
                                         f"({latest.role}, registre.lock ligne {line}).",
                               "reconstruisez le site (mkdocs build) depuis le registre complet.",
                               "verify.file_missing"))
            continue
        checked += 1
        digest = file_sha256(target)
        if digest == latest.sha256:
            continue
        if latest.fixed:
            diags.append(error(shown, 1, f"{what} : le fichier publié ne correspond pas au fichier "
                                         f"scellé ({latest.role}) : SHA-256 {digest} au lieu de "
                                         f"{latest.sha256}.",
                               "reconstruisez le site depuis le registre ; si le fichier publié a été remplacé "
                               "sur le serveur, restaurez-le et cherchez qui l'a modifié.",
                               "verify.file_changed"))
        elif any(r.sha256 == digest for r in records):
            diags.append(warning(shown, 1, f"{what} : le site publie une version antérieure de ce "
                                           "fichier.", "reconstruisez le site (mkdocs build).", "verify.stale"))
        else:
            diags.append(warning(shown, 1, f"{what} : cette version du fichier ({latest.role}) "
                                           "n'est pas encore scellée.",
                                 "lancez « registre seal » puis reconstruisez le site.", "verify.unsealed_file"))
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
                        f"le site publie un registre scellé plus ancien ({counted(len(published), 'ligne')} sur "
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
    if args.tete or args.avant:
        head, where, problems = earlier_head(args)
        diags += problems + (check_extends(ledger, head, where) if head else [])
    project = _project(args)
    if project is None:
        diags.append(warning(display_path(site), 1, "sans le dépôt du registre (mkdocs.yml), les fichiers du site "
                                                    "ne sont pas comparés octet par octet à ce que produit le "
                                                    "registre : seuls les fichiers scellés sont vérifiés.",
                             "lancez la commande depuis le dossier du registre, ou indiquez --config-file "
                             "mkdocs.yml.", "verify.no_rebuild"))
    else:
        if project[0].today is None:  # else the rebuild uses mkdocs.yml's date_reference, not the site's
            diags += date_problems(site)
        compared, count = compare_with_rebuild(site, project[1])
        diags += compared
        checked = max(checked, count)
    if diags:
        print(format_text(diags))
    sealed = counted(len(ledger.acts), "acte scellé")
    if ledger.seances:
        sealed += f", {counted(len(ledger.seances), 'séance scellée')}"
    print(f"{sealed}, {counted(checked, 'fichier vérifié')} dans {site} : {summary(diags)}.",
          file=sys.stderr if diags else sys.stdout)
    return 1 if has_errors(diags) else 0
