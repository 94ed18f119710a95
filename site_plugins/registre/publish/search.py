"""Search over the acts: Pagefind indexes the act pages once MkDocs has written them.

The act template declares what Pagefind records, from :func:`search_fields`:
the indexed text (``data-pagefind-body``, act pages only), the filters
(année, type, matière, statut), the sort key (date) and the metadata shown in
the results (type, numéro, date, objet).  :func:`index_site` is the post-build
step: it runs the Pagefind CLI over the built site.  The CLI indexes built
pages at about 1.5 ms a page, where the Python API's ``add_custom_record``
costs about 100 ms a record: the CLI is the one that scales.

Pagefind folds diacritics at indexing and at query time (its default since
1.5), so « arrete » finds « arrêté » and « deliberation » finds
« délibération »; French stemming comes from ``<html lang="fr">``.
:func:`search_pages` adds the search page, ``recherche/``.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping

from registre.domain.addresses import BUNDLE_DIR, SEARCH_URI, act_url
from registre.domain.nomenclature import lookup
from registre.domain.register import Register
from registre.files.forked import Forked, ForkFailed, fork_available
from registre.files.hard_links import link_files, link_or_copy
from registre.publish.context import BuildContext
from registre.seal.hashing import TREE_MANIFEST, seal_tree, tree_intact
from registre.site.pages import GeneratedPage, PageKind
from registre.site.presentation import ActView

log = logging.getLogger("mkdocs.plugins.registre")

# Filter names as shown to citizens (the search page capitalises the first letter).
FILTER_NAMES = ("année", "type", "matière", "statut")
TIMEOUT_S = 1800
# Without a query the search page lists every act ("faceted" mode), which makes the browser download the
# whole word index: about 0.5 MB per 1,000 acts (measured: 5 MB at 10,000).  Above this many acts, the
# page asks for a word first, and browsing goes through the year, type and matière pages.
FACETED_MAX_ACTS = 1000
# A query loads a few chunks of every index it searches.  Up to this many acts, the search page
# searches all years at once; above, the most recent year, and the citizen picks another year or
# « toutes les années » (measured by bench/run.py: one year of 10,000 acts costs under 1 MB a query).
SCOPE_ALL_MAX_ACTS = 20000


class SearchIndexError(RuntimeError):
    """The search index could not be built; the message says why and how to fix it."""


@dataclass(frozen=True)
class SearchFields:
    """What Pagefind stores about one act page."""

    annee: str
    type: str  # « Délibération », « Arrêté », « Décision du maire »
    matiere: str | None  # level-1 label of the ACTES nomenclature (« Finances locales »)
    matiere_detail: str | None  # full label (« Finances locales / Décisions budgétaires »)
    statut: str  # « En vigueur », « Abrogé »…
    numero: str  # as displayed (« 11/2025 »)
    date: str  # « 30/05/2025 »
    date_iso: str  # sort key, « 2025-05-30 »
    objet: str  # with the masked personal data already hidden


def search_fields(view: ActView) -> SearchFields:
    act = view.act
    matiere = lookup(act.matiere)
    return SearchFields(
        annee=str(act.year),
        type=view.type_label,
        matiere=(matiere.parent or matiere.libelle) if matiere else None,
        matiere_detail=matiere.display if matiere else None,
        statut=view.status[:1].upper() + view.status[1:],
        numero=view.number,
        date=view.date,
        date_iso=act.date.isoformat(),
        objet=view.objet,
    )


def pagefind_executable() -> Path:
    """The Pagefind binary shipped by the ``pagefind[bin]`` package."""
    try:
        from pagefind_bin import get_executable
        return get_executable()
    except (ImportError, FileNotFoundError) as exc:
        raise SearchIndexError(
            f"recherche : le programme Pagefind est introuvable ({exc}). "
            "Correction : installez-le avec « pip install 'pagefind[bin]' » (il est dans les dépendances "
            "de registre : « pip install -e . »).") from None


def pagefind_version() -> str:
    try:
        from importlib.metadata import version
        return version("pagefind")
    except Exception:  # noqa: BLE001 - a version string only keys the cache
        return "?"


@dataclass(frozen=True)
class SearchPart:
    """The acts of one Pagefind index: acts of one year, in date order, at most
    ``RegistreConfig.search_part_size`` per part (see :func:`search_parts`)."""

    year: int
    number: int  # 1, 2… within the year
    identifiers: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.year}-{self.number}"

    @property
    def path(self) -> str:
        """Bundle folder, relative to the site root (ends with "/")."""
        return f"{BUNDLE_DIR}/{self.name}/"


def search_order(act) -> tuple:
    """Order of the acts in the search index's parts (year, then date)."""
    return (act.year, act.date, act.type.value, act.numero, act.identifier)


def search_parts(register: Register) -> list[SearchPart]:
    """The parts of the search index, year by year, in date order.

    A year of at most ``size`` acts is one part.  A larger year is cut at month
    boundaries: consecutive months share a part while it stays within ``size``
    (a month larger than ``size`` is cut into parts of ``size`` acts).  Parts
    depend on the year's acts only, so a build of one year writes the same parts
    as a full build; and an act added (or edited) changes the part of its month
    only, even when it is dated a few days back: the Pagefind indexing an added
    act costs is that of one month, not of everything after it.
    """
    size = register.config.search_part_size
    by_year: dict[int, list] = {}
    for act in register.online:
        by_year.setdefault(act.year, []).append(act)
    parts = []
    for year in sorted(by_year):
        acts = sorted(by_year[year], key=search_order)
        groups: list[list] = []
        if len(acts) <= size:
            groups.append(acts)
        else:
            by_month: dict[int, list] = {}
            for act in acts:
                by_month.setdefault(act.date.month, []).append(act)
            for month in sorted(by_month):
                chunks = [by_month[month][i:i + size] for i in range(0, len(by_month[month]), size)]
                for chunk in chunks:
                    if groups and len(groups[-1]) + len(chunk) <= size:
                        groups[-1].extend(chunk)
                    else:
                        groups.append(list(chunk))
        for number, group in enumerate(groups, start=1):
            parts.append(SearchPart(year, number, tuple(a.identifier for a in group)))
    return parts


# What a part's bundle keeps: the index; the user interfaces live once in pagefind/.
UI_FILES = ("pagefind-component-ui.css", "pagefind-component-ui.js", "pagefind-highlight.js",
            "pagefind-modular-ui.css", "pagefind-modular-ui.js", "pagefind-ui.css", "pagefind-ui.js")


def pagefind_command(site_dir: Path, output: Path) -> list[str]:
    return [str(pagefind_executable()), "--site", str(site_dir), "--output-path", str(output), "--quiet"]


def _run_pagefind(site_dir: Path, output: Path) -> None:
    command = pagefind_command(site_dir, output)
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexError(f"recherche : Pagefind n'a pas pu indexer {site_dir} ({exc}). "
                               "Correction : vérifiez l'installation de « pagefind[bin] » et relancez "
                               "la construction.") from None
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).splitlines()
        detail = " ".join(dict.fromkeys(line.strip() for line in lines if line.strip()))  # once each
        raise SearchIndexError(f"recherche : Pagefind a échoué sur {site_dir} (code {result.returncode}) : "
                               f"{detail} Correction : lisez le message de Pagefind ci-dessus ; une page "
                               "HTML illisible ou un disque plein en sont les causes habituelles.")
    for line in (result.stderr or "").splitlines():
        if line.strip():
            log.warning("recherche (Pagefind) : %s", line.strip())


def _part_key(site_dir: Path, part: SearchPart, page_keys: Mapping[str, str] | None = None) -> str:
    """Hash of what Pagefind reads for ``part``: its act pages, byte for byte — or their keys
    in the page cache when all are known (same key, same bytes: no page read)."""
    if page_keys and all(identifier in page_keys for identifier in part.identifiers):
        digest = hashlib.sha256(f"pagefind {pagefind_version()} pages en cache\n".encode())
        for identifier in part.identifiers:
            digest.update(identifier.encode() + b"\0" + page_keys[identifier].encode() + b"\0")
        return digest.hexdigest()
    digest = hashlib.sha256(f"pagefind {pagefind_version()}\n".encode())
    for identifier in part.identifiers:
        page = site_dir / act_url(identifier) / "index.html"
        digest.update(identifier.encode() + b"\0" + hashlib.sha256(page.read_bytes()).digest())
    return digest.hexdigest()


def _index_part(site_dir: Path, part: SearchPart, target: Path, ui_dir: Path) -> None:
    """Pagefind over the act pages of ``part`` only (hard links in a staging folder, same
    relative paths, so result URLs are the site's), written to ``target``."""
    with tempfile.TemporaryDirectory(prefix="registre-pagefind-", dir=target.parent) as tmp:
        staging = Path(tmp) / "site"
        pages = [act_url(identifier) + "index.html" for identifier in part.identifiers]
        link_files((os.path.join(site_dir, page), os.path.join(staging, page)) for page in pages)
        output = Path(tmp) / "bundle"
        _run_pagefind(staging, output)
        if not (ui_dir / UI_FILES[0]).is_file():
            ui_dir.mkdir(parents=True, exist_ok=True)
            for name in UI_FILES:
                if (output / name).is_file():
                    shutil.copyfile(output / name, ui_dir / name)
            seal_tree(ui_dir)
        for name in UI_FILES:
            (output / name).unlink(missing_ok=True)
        seal_tree(output, target.name)
        if target.exists():
            shutil.rmtree(target)
        os.replace(output, target)


def _replace_tree(source: Path, target: Path) -> None:
    tmp = target.with_name(f".{target.name}.tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    shutil.copytree(source, tmp, copy_function=link_or_copy, ignore=shutil.ignore_patterns(TREE_MANIFEST))
    if target.exists():
        shutil.rmtree(target)
    os.replace(tmp, target)


class SearchIndexer:
    """The search index of one build, part by part (see :class:`SearchPart`).

    Each part is indexed as soon as its act pages are written (:meth:`written`),
    by Pagefind in a background thread while MkDocs renders the next pages: the
    rendering is one Python thread, so Pagefind gets a core that would otherwise
    wait.  One part at a time, so Pagefind's memory stays that of one part.  A
    part is cached by the hash of its pages; the parts found in the cache are checked and
    published by a forked process while the pages are written (:meth:`publish_cached_soon`);
    :meth:`finish` (the post-build step) indexes what is left, then publishes the other parts
    under ``pagefind/``."""

    def __init__(self, build: BuildContext):
        self.build = build
        self.site_dir = Path(build.site_dir)
        self.parts = [part for part in search_parts(build.register) if build.builds_year(part.year)]
        self.cache = build.cache_dir / "pagefind" / pagefind_version()
        self.ui_dir = self.cache / "ui"
        self._waiting = {part.name: set(part.identifiers) for part in self.parts}
        self._part_of = {identifier: part for part in self.parts for identifier in part.identifiers}
        self._jobs: dict[str, concurrent.futures.Future] = {}
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._lock = threading.Lock()  # pages are reported by MkDocs' thread and the kept pages' one
        self.started = time.perf_counter()
        # Parts whose cached index another process checks and publishes (see publish_cached_soon).
        self._delegated: dict[str, Path] = {}  # part name → its cached bundle
        self._helper: Forked | None = None

    def _cached(self, part: SearchPart) -> Path | None:
        """The cached bundle of ``part`` when its key needs no page read (every page's key known)."""
        keys = self.build.act_page_keys
        if not keys or not all(identifier in keys for identifier in part.identifiers):
            return None
        return self.cache / f"{part.name}-{_part_key(self.site_dir, part, keys)[:20]}"

    def publish_cached_soon(self) -> None:
        """Before the pages are written: the parts already in the cache are checked against the hashes
        recorded with them and published under ``pagefind/`` by a forked process, on another core,
        while the build renders pages.  Only the others wait for their pages and Pagefind.  Without
        a fork (another thread runs, another system), :meth:`finish` does it."""
        found = {part.name: cached for part in self.parts if (cached := self._cached(part)) is not None
                 and cached.is_dir()}
        if len(found) < 2 or self._jobs or not fork_available():
            return
        parts = [part for part in self.parts if part.name in found]

        def publish() -> list[str]:
            if not tree_intact(self.ui_dir):
                return []
            done = []
            for part in parts:
                if tree_intact(found[part.name]):
                    _replace_tree(found[part.name], self.site_dir / part.path)
                    done.append(part.name)
            return done
        try:
            self._helper = Forked(publish)
        except OSError:
            return
        self._delegated = found

    def sharing_a_part(self, identifiers) -> set[str]:
        """The acts whose part of the index also holds one of ``identifiers``: the parts
        Pagefind will run on when those act pages are new, so their other pages are
        worth publishing first."""
        parts = {self._part_of[i].name: self._part_of[i] for i in identifiers if i in self._part_of}
        return {identifier for part in parts.values() for identifier in part.identifiers}

    def written(self, identifier: str) -> None:
        """The page of act ``identifier`` is on disk (any thread)."""
        part = self._part_of.get(identifier)
        if part is None:
            return
        with self._lock:
            waiting = self._waiting[part.name]
            waiting.discard(identifier)
            if not waiting:
                self._submit(part)

    def _submit(self, part: SearchPart) -> None:
        if part.name in self._jobs or part.name in self._delegated:
            return
        if self._pool is None:
            self.cache.mkdir(parents=True, exist_ok=True)
            self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="pagefind")
        self._jobs[part.name] = self._pool.submit(self._prepare, part)

    def _prepare(self, part: SearchPart) -> tuple[Path, bool]:
        """(cached bundle of ``part``, whether Pagefind ran for it)."""
        cached = self._cached(part) or self.cache / f"{part.name}-{_part_key(self.site_dir, part)[:20]}"
        # Reused only if its files, and the interface's, still have the hashes recorded when Pagefind wrote them.
        if tree_intact(cached) and tree_intact(self.ui_dir):
            return cached, False
        if not tree_intact(self.ui_dir):
            shutil.rmtree(self.ui_dir, ignore_errors=True)
        _index_part(self.site_dir, part, cached, self.ui_dir)
        return cached, True

    def _helper_result(self) -> set[str]:
        """The parts the forked process published; the others it was given go back to this one."""
        helper, self._helper = self._helper, None
        published: set[str] = set()
        if helper is not None:
            try:
                names = helper.result()
            except ForkFailed:
                names = []
            if isinstance(names, list):
                published = {name for name in names if name in self._delegated}
        self._delegated = {name: cached for name, cached in self._delegated.items() if name in published}
        return published

    def close(self) -> None:
        if self._helper is not None:
            self._helper_result()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def finish(self) -> None:
        if not self.parts:
            return
        published = self._helper_result()
        for part in self.parts:  # pages written before tracking began, or a build without the plugin's hooks
            self._submit(part)
        try:
            prepared = [(self._delegated[part.name], False) if part.name in published
                        else self._jobs[part.name].result() for part in self.parts]
        finally:
            self.close()
        for part, (cached, _) in zip(self.parts, prepared):
            if part.name not in published:
                _replace_tree(cached, self.site_dir / part.path)
        if not tree_intact(self.ui_dir):  # changed since it was checked: made again by Pagefind
            shutil.rmtree(self.ui_dir, ignore_errors=True)
            cached, _ = prepared[0]
            _index_part(self.site_dir, self.parts[0], cached, self.ui_dir)
        for name in UI_FILES:
            if (self.ui_dir / name).is_file():
                shutil.copyfile(self.ui_dir / name, self.site_dir / BUNDLE_DIR / name)
        kept = {cached.name for cached, _ in prepared}
        years = {part.year for part in self.parts}
        for old in self.cache.iterdir():  # earlier versions of this build's parts
            year = old.name.split("-", 1)[0]
            if old.name not in kept and year.isdigit() and int(year) in years:
                shutil.rmtree(old, ignore_errors=True)
        indexed = sum(1 for _, ran in prepared if ran)
        helped = f" (dont {len(published)} publiées par un autre processus)" if published else ""
        log.info("registre : index de recherche : %d parties, %d indexées, %d reprises du cache%s, "
                 "%.1f s depuis le début des pages.", len(self.parts), indexed, len(self.parts) - indexed, helped,
                 time.perf_counter() - self.started)


# The indexer of the current build, shared by the plugin's page hooks and the post-build step.
_current: SearchIndexer | None = None


def indexer_for(build: BuildContext) -> SearchIndexer:
    """The :class:`SearchIndexer` of this build (a new one for another register or site)."""
    global _current
    if _current is None or _current.build.register is not build.register \
            or _current.site_dir != Path(build.site_dir):
        if _current is not None:
            _current.close()
        _current = SearchIndexer(build)
    return _current


def index_site(build: BuildContext) -> None:
    """Post-build step: the search index, one Pagefind index per part."""
    global _current
    indexer = indexer_for(build)
    try:
        build.published()  # kept act pages still being linked
        indexer.finish()
    finally:
        _current = None


def search_pages(register: Register) -> Iterator[GeneratedPage]:
    """The search page: one box over every act, with filters."""
    yield GeneratedPage(
        src_uri=SEARCH_URI + "index.md",
        title="Rechercher un acte",
        kind=PageKind.SEARCH,
        data={"search_filters": FILTER_NAMES, "search_faceted": len(register.online) <= FACETED_MAX_ACTS,
              "search_parts": [{"chemin": part.path, "annee": part.year, "actes": len(part.identifiers)}
                               for part in search_parts(register)],
              "search_all_years": len(register.online) <= SCOPE_ALL_MAX_ACTS},
        description=f"Rechercher parmi les actes publiés par {register.config.commune} : texte, année, "
                    "type d'acte, matière et statut.",
    )
