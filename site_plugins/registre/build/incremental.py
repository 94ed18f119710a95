"""One build of the register's site, whatever engine renders the pages.

The engine (MkDocs today, through :mod:`registre.plugin`) asks, in order:

1. :meth:`SiteBuild.stage` — one build at a time (a lock), written to a staging folder that
   replaces the site only once complete (:mod:`registre.build.old_site`);
2. :meth:`SiteBuild.load` — the register read and checked (:func:`registre.build.load.load_register`);
   a register with errors is refused;
3. :meth:`SiteBuild.plan` — the generated pages: each act page gets a key covering all it shows
   (:mod:`registre.build.page_cache`); a page whose key is kept is published as kept, the others are
   returned for the engine to render, while the acts' PDFs render in worker processes;
4. :meth:`SiteBuild.start_publishing` — once the engine has emptied the site: kept pages and PDFs
   linked by a background thread, the search index started;
5. :meth:`SiteBuild.page_written` after each rendered page, then :meth:`SiteBuild.finish` (output
   steps, cache pruning, swap of the new site) or :meth:`SiteBuild.abandon` on failure.

Caches never change results: a warm build publishes the bytes of a cold one.  Plain Python: no
MkDocs import; messages go to the logger the engine gives.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from registre.build.fingerprint import build_digest
from registre.build.load import load_register
from registre.build.old_site import BuildLock, BuildLocked, acquire_lock, discard, prepare_staging, swap_in
from registre.build.page_cache import PageCache, act_page_key, generated_page_key
from registre.build.publisher import Publisher
from registre.build.render_share import ShareError, blocks, worker_count
from registre.domain.config import ConfigError, RegistreConfig, from_mapping, normalise_site_url
from registre.domain.diagnostics import sort_key, summary
from registre.domain.paths import cache_root
from registre.domain.plurals import counted
from registre.domain.register import Register
from registre.publish.context import BuildContext
from registre.publish.pdf import ActPdfs, pdfs_for
from registre.publish.search import SearchIndexer, indexer_for, search_order
from registre.publish.steps import PAGE_PROVIDERS, run_steps
from registre.site.pages import GeneratedPage, PageKind, site_pages, static_files

PAGE_CACHE_SWITCH = "REGISTRE_PAGE_CACHE"  # "0": every act page rendered (tests compare both)
ACT_CACHE_SWITCH = "REGISTRE_ACT_CACHE"  # "0": every act file read again


def switched_on(name: str) -> bool:
    return os.environ.get(name, "1").strip() not in {"0", "non", "false"}


def page_cache_enabled() -> bool:
    return switched_on(PAGE_CACHE_SWITCH)


class BuildRefused(Exception):
    """The build cannot go on (message in French, with the fix); the previous site stays."""


class SiteBuild:
    """The state of one build, from staging to the swap of the new site."""

    def __init__(self, root: Path, *, command: str = "build", dirty: bool = False,
                 log: logging.Logger | None = None, engine: str = "") -> None:
        self.root = Path(root)  # the project: mkdocs.yml, acts/, docs/, .cache/
        self.command, self.dirty = command, dirty
        self.engine = engine  # « mkdocs 1.6.1 » or « properdocs 1.6.7 »: part of the page keys
        self.log = log or logging.getLogger(__name__)
        self.settings: RegistreConfig | None = None
        self.register: Register | None = None
        self.years: frozenset[int] | None = None
        self.pages: dict[str, GeneratedPage] = {}  # src_uri → page the engine renders
        self.page_keys: dict[str, str] = {}  # src_uri → key, pages the engine renders and this build keeps
        # src_uri → (kept page, key, act identifier or None): published as kept, the engine does not see them
        self.kept_pages: dict[str, tuple[Path, str, str | None]] = {}
        self.act_keys: dict[str, str] = {}  # BuildContext.act_page_keys
        self.act_files: dict[str, str | None] | None = None  # BuildContext.act_files
        self.published_files: dict[str, str] = {}  # site path → SHA-256, linked in the background
        self.published_kept = False
        self.page_cache: PageCache | None = None
        self.publisher: Publisher | None = None
        self.indexer: SearchIndexer | None = None
        self.pdfs: ActPdfs | None = None
        self.site_url = ""
        self.lock: BuildLock | None = None
        self.elsewhere: list[str] = []  # act pages other processes have written (render_share)
        self.warned_pages: set[str] = set()  # pages whose rendering logged a warning: never kept
        self.warned_after = False  # a warning after the pages were written: this build keeps none
        self._elsewhere_lock = threading.Lock()
        self.site_dir: Path | None = None  # where the build goes once complete
        self.staging: Path | None = None  # where it is written meanwhile

    @property
    def cache_dir(self) -> Path:
        return cache_root(self.root)

    # -- 1. staging ------------------------------------------------------------
    def stage(self, site_dir: Path) -> Path:
        """Where the engine must write the site: a staging folder beside ``site_dir`` for
        ``build`` (``site_dir`` itself for ``serve`` and ``build --dirty``)."""
        self.site_dir = Path(site_dir)
        if self.command != "build":
            return self.site_dir
        try:
            self.lock = acquire_lock(self.cache_dir)
        except BuildLocked as exc:
            who = f" (processus {exc})" if str(exc) else ""
            raise BuildRefused(f"une autre construction de ce registre est en cours{who} : attendez qu'elle se "
                               "termine, puis relancez mkdocs build.") from None
        except OSError as exc:
            raise BuildRefused(f"impossible de créer le dossier de cache {self.cache_dir} ({exc.strerror}). "
                               "Correction : vérifiez l'espace disque et les droits du dossier du registre.") from None
        if self.dirty:
            return self.site_dir
        if self.site_dir.exists() and not self.site_dir.is_dir():
            raise BuildRefused(f"site_dir : {self.site_dir} existe et n'est pas un dossier. Correction : déplacez ce "
                               "fichier, ou indiquez un autre dossier (site_dir dans mkdocs.yml, ou -d).")
        try:
            self.staging = prepare_staging(self.site_dir)
        except OSError as exc:
            raise BuildRefused(f"impossible de préparer la construction à côté de {self.site_dir} ({exc.strerror}). "
                               "Correction : vérifiez l'espace disque et les droits de ce dossier.") from None
        return self.staging

    # -- 2. the register -------------------------------------------------------
    def load(self, options: dict, site_url: str | None, config_file: Path | None) -> Register:
        """Read the options and the register; refuse a register that has errors."""
        try:
            self.settings = from_mapping(options, site_url, config_file)
        except ConfigError as exc:
            raise BuildRefused(str(exc)) from None
        self.site_url = normalise_site_url(site_url)
        # The kept pages are checked against their SHA-256 while the register is read.
        self.page_cache = PageCache(self.cache_dir) if page_cache_enabled() else None
        if self.page_cache is not None:
            self.page_cache.check_all_soon()
        try:
            act_cache = self.cache_dir if switched_on(ACT_CACHE_SWITCH) else None
            register = self.register = load_register(self.root / self.settings.acts_dir, self.settings,
                                                     cache_dir=act_cache)
        finally:
            if self.page_cache is not None:
                self.page_cache.wait()  # no thread left: the build forks processes later
        if register.files_cached:
            read = register.files_read
            self.log.info("registre : fichiers des actes : %d repris du cache, %d %s.", register.files_cached,
                          read, "lu" if read <= 1 else "lus")
        for diag in sorted(register.diagnostics, key=sort_key):
            # A reminder (time has passed) is logged at INFO: « mkdocs build --strict » must not stop the
            # publication of every act for it; registre check and the CI job summary show it to staff.
            (self.log.error if diag.is_error else self.log.info if diag.is_reminder else self.log.warning)(
                diag.format())
        if not register.ok:
            raise BuildRefused(f"Le registre n'est pas publiable : {summary(register.diagnostics)}. "
                               "Corrigez les erreurs ci-dessus (registre check les liste aussi).")
        self.years = frozenset(self.settings.years) or None
        if self.years:
            self.log.info("registre : seules les pages des actes de %s sont construites (option annees).",
                          ", ".join(map(str, sorted(self.years))))
        return register

    @property
    def acts_dir(self) -> Path:
        assert self.settings is not None
        return self.root / self.settings.acts_dir

    # -- 3. the pages ----------------------------------------------------------
    def plan(self, config_file: Path, docs_dir: Path, site_dir: Path) -> list[GeneratedPage]:
        """The generated pages the engine must render (the others are kept from earlier builds)."""
        register = self.register
        assert register is not None
        self.pages, self.page_keys, self.kept_pages = {}, {}, {}
        self.elsewhere, self.warned_pages, self.warned_after = [], set(), False
        self.published_kept, self.published_files, self.act_files = False, {}, None
        since = None
        if self.command == "serve" and register.config.serve_years > 0:
            since = register.today.year - register.config.serve_years + 1
            self.log.info("registre : « mkdocs serve » ne génère que les actes depuis %s (serve_annees).", since)
        generated_pages = list(site_pages(register, per_page=register.config.per_page, since_year=since,
                                          act_years=self.years, providers=PAGE_PROVIDERS))
        # Act pages show the size and SHA-256 of the very PDFs the post-build step writes.
        pdfs = self.pdfs = pdfs_for(register, self.cache_dir, self.site_url)
        act_pages = [g for g in generated_pages if g.kind is PageKind.ACT]
        if register.config.pdf:  # renders go on in worker processes while the page keys are computed
            pdfs.prepare((g.data["act"].act for g in act_pages), wait=False)
        # Act page keys even without the page cache: they also key the parts of the search index.
        digest = build_digest(config_file, docs_dir, self.site_url, self.engine)
        act_keys = self.act_keys = {}  # identifier → key of its page
        for generated in sorted(act_pages, key=lambda g: pdfs.rendering(g.data["act"].act)):  # rendering: last
            view = generated.data["act"]
            act_keys[view.identifier] = act_page_key(digest, view, pdfs.downloads(view), self.site_url,
                                                     pdfs.file_hash)
        if self.page_cache is not None:  # kept act pages checked against their SHA-256, several at a time
            self.page_cache.check(act_keys.values())
        to_render = []
        for generated in generated_pages:
            key = identifier = None
            if generated.kind is PageKind.ACT:
                identifier = generated.data["act"].identifier
                key = act_keys[identifier]
            elif self.page_cache is not None and self.years is None:
                key = generated_page_key(digest, generated, act_keys)
            if key is not None and self.page_cache is not None:
                kept = self.page_cache.get(key)
                if kept is not None:
                    self.kept_pages[generated.src_uri] = (kept, key, identifier)
                    continue
                self.page_keys[generated.src_uri] = key
            to_render.append(generated)
            self.pages[generated.src_uri] = generated
        if self.kept_pages:
            acts = sum(1 for _, _, identifier in self.kept_pages.values() if identifier)
            built = sum(1 for uri in self.page_keys if self.pages[uri].kind is PageKind.ACT)
            self.log.info("registre : pages d'actes : %d reprises du cache, %d à construire.", acts, built)
            self.log.info("registre : listes et annexes : %d reprises du cache, %d à construire.",
                          len(self.kept_pages) - acts, len(self.page_keys) - built)
        return to_render

    def share_out(self, pages: list[GeneratedPage]) -> tuple[list[GeneratedPage], list[list[GeneratedPage]]]:
        """(pages the engine renders here, the act pages of each extra process: :mod:`render_share`)."""
        acts = [g for g in pages if g.kind is PageKind.ACT]
        try:
            workers = worker_count(len(acts)) if self.command == "build" else 0
        except ShareError as exc:
            raise BuildRefused(str(exc)) from None
        if workers <= 0 or not acts:
            return pages, []
        acts.sort(key=lambda g: search_order(g.data["act"].act))  # the order the search index's parts fill
        *shares, mine = blocks(acts, workers + 1)
        others = {g.src_uri for share in shares for g in share}
        self.log.info("registre : pages d'actes : %s ici, %d par %s.", counted(len(mine), "rendue"), len(others),
                      "un autre processus" if workers == 1 else f"{workers} autres processus")
        # Here too in that order, before the other pages: the parts fill while MkDocs writes.
        return mine + [g for g in pages if g.kind is not PageKind.ACT], shares

    def written_elsewhere(self, src_uri: str, digest: str | None) -> None:
        """Another process has written the act page ``src_uri`` and kept it in the page cache under
        ``digest`` (:meth:`kept_digest`; None: not kept) (any thread)."""
        key = self.page_keys.get(src_uri)
        if key is not None and digest is not None and self.page_cache is not None:
            self.page_cache.adopt(key, digest)
        with self._elsewhere_lock:
            self.elsewhere.append(src_uri)
            indexer = self.indexer
        if indexer is not None:
            self._tell_indexer(indexer, src_uri)

    def kept_src_uris(self) -> list[str]:
        """The generated pages this build publishes as kept from an earlier one."""
        return list(self.kept_pages)

    def static_files(self) -> list[tuple[str, Path]]:
        """(site path, file) of the files published as they are (annex PDFs, signed originals)."""
        assert self.register is not None
        return list(static_files(self.register))

    # -- 4. publishing ---------------------------------------------------------
    def start_publishing(self, site_dir: Path, engine_files: list[str]) -> None:
        """The engine has emptied ``site_dir`` and will copy ``engine_files`` (site paths): kept pages
        and PDFs go in by a background thread while it renders the others."""
        # A build into an emptied site knows every file it puts in the act folders (BuildContext.act_files).
        self.act_files = None
        if self.command == "build" and not self.dirty:
            self.act_files = {path: None for path in engine_files
                              if path.startswith("actes/") and not path.endswith(".html")}
        # Pagefind indexes each part of the search index as soon as its act pages are written.
        indexer = indexer_for(self.context(site_dir))
        indexer.publish_cached_soon()  # before any thread starts: it forks
        with self._elsewhere_lock:
            self.indexer, written = indexer, list(self.elsewhere)
        for src_uri in written:  # by other processes before the indexer existed
            self._tell_indexer(indexer, src_uri)
        self._publish_kept(site_dir)

    def context(self, site_dir: Path) -> BuildContext:
        assert self.register is not None
        kept = frozenset(uri[:-len("index.md")] for uri in self.kept_pages)
        return BuildContext(register=self.register, site_dir=Path(site_dir), site_url=self.site_url,
                            cache_dir=self.cache_dir, years=self.years, kept_urls=kept,
                            published_files=self.published_files, published=self._kept_published,
                            act_files=self.act_files, act_page_keys=self.act_keys,
                            reuse=page_cache_enabled())

    def _publish_kept(self, site_dir: Path) -> None:
        """Kept pages into the site (the engine has cleaned it), by a background thread."""
        if self.published_kept:
            return
        self.published_kept = True
        pages = [(kept, src_uri[:-len("index.md")] + "index.html", identifier)
                 for src_uri, (kept, _, identifier) in self.kept_pages.items()]
        # First the kept pages of the parts of the search index that Pagefind will run on (those
        # holding an act page rendered now): it can start while the engine renders the rest.
        first: set[str] = set()
        if self.indexer is not None:
            rendered = [g.data["act"].identifier for g in self.pages.values() if g.kind is PageKind.ACT]
            first = self.indexer.sharing_a_part(rendered)
        # The generated PDFs already in the store, linked beside their act's page.
        assert self.register is not None
        generated = self.pdfs.generated_files() if self.pdfs is not None and self.register.config.pdf else []
        pdfs = [(pdf.source, pdf.site_path, None) for pdf in generated]
        self.published_files = {pdf.site_path: pdf.sha256 for pdf in generated}
        if self.act_files is not None:
            self.act_files.update(self.published_files)
        groups = [[page for page in pages if page[2] in first], [page for page in pages if page[2] not in first] + pdfs]
        self.publisher = Publisher(Path(site_dir), groups,
                                   self.indexer.written if self.indexer is not None else None).start()

    def _kept_published(self) -> None:
        if self.publisher is not None:
            self.publisher, publisher = None, self.publisher
            publisher.wait()

    def page_to_render(self, src_uri: str) -> GeneratedPage | None:
        return self.pages.get(src_uri)

    def is_rendered_again(self, src_uri: str) -> bool:
        """Whether the engine renders this page and this build keeps it (its file may be a kept link)."""
        return src_uri in self.page_keys

    def page_written(self, src_uri: str, dest: Path) -> None:
        """The engine has written the generated page ``src_uri`` at ``dest``: keep it for the next
        build, and tell the search indexer if it is an act's."""
        key = self.page_keys.get(src_uri)
        if key is not None and self.page_cache is not None and src_uri not in self.warned_pages and dest.is_file():
            self.page_cache.keep(key, dest)
        if self.indexer is not None:
            self._tell_indexer(self.indexer, src_uri)

    def _tell_indexer(self, indexer: SearchIndexer, src_uri: str) -> None:
        """The page ``src_uri`` is on disk: if it is an act's, its part of the search index may start."""
        generated = self.pages.get(src_uri)
        if generated is not None and generated.kind is PageKind.ACT:
            indexer.written(generated.data["act"].identifier)

    def warned(self, src_uri: str | None) -> None:
        """The engine logged a warning while rendering ``src_uri`` (None: no page was being rendered).

        Such a page is not kept: the next build renders it again and logs the warning again, so that
        ``--strict`` refuses it again, as a build without cache would.  A warning no page can be named
        for (after the pages were written, as MkDocs' check of anchors) drops every page this build
        rendered from the page cache."""
        if src_uri is None:
            self.warned_after = True
        else:
            self.warned_pages.add(src_uri)

    def kept_digest(self, src_uri: str) -> str | None:
        """The digest under which the page cache keeps the page just written for ``src_uri``."""
        key = self.page_keys.get(src_uri)
        return self.page_cache.digest(key) if key is not None and self.page_cache is not None else None

    # -- 5. the end ------------------------------------------------------------
    def finish(self, site_dir: Path, *, swap: bool) -> None:
        """Output steps, cache pruning, then (``swap``) the new site in place of the old one."""
        self._publish_kept(site_dir)
        try:
            run_steps(self.context(site_dir))  # steps reading the site wait for the publisher
        finally:
            self._kept_published()
        if self.page_cache is not None and self.warned_after:  # see warned()
            self.page_cache.forget(self.page_keys.values())
        if self.page_cache is not None and self.years is None and self.command == "build":
            used = {key for _, key, _ in self.kept_pages.values()}
            if not self.warned_after:
                used |= {key for uri, key in self.page_keys.items() if uri not in self.warned_pages}
            self.page_cache.prune(used)
        if self.staging is not None and swap:
            staging, self.staging = self.staging, None
            assert self.site_dir is not None
            try:
                swap_in(staging, self.site_dir)
            except OSError as exc:
                raise BuildRefused(f"impossible de mettre le nouveau site à la place de {self.site_dir} "
                                   f"({exc.strerror}) ; le site précédent est conservé. Correction : vérifiez les "
                                   "droits de ce dossier et l'espace disque.") from None
        self.release()

    def release(self) -> None:
        if self.lock is not None:
            self.lock, lock = None, self.lock
            lock.release()

    def abandon(self) -> bool:
        """The build failed: stop the workers, drop the staging folder; whether a previous site is kept."""
        if self.indexer is not None:
            self.indexer.close()
        if self.pdfs is not None:
            self.pdfs.close()
        try:
            self._kept_published()
        except Exception:  # noqa: BLE001 - the build already failed; that error is the one to report
            pass
        if self.staging is not None:
            self.staging, staging = None, self.staging
            discard(staging)
        self.release()
        return self.site_dir is not None and self.site_dir.is_dir()
