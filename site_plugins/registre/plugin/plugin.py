"""MkDocs adapter: the register becomes pages of a mkdocs-material site.

Thin by design: reading and checking the acts is :func:`load_register`;
this module only turns its result into MkDocs files, template context and
log messages.  Templates and CSS live in ``templates/`` (theme overrides).
"""

from __future__ import annotations

import atexit
import logging
import os
import sys
from pathlib import Path

from mkdocs import utils as mkdocs_utils
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from registre.build.block_cache import BlockCache, key_for
from registre.build.fingerprint import build_digest
from registre.build.load import load_register
from registre.build.old_site import BuildLock, BuildLocked, acquire_lock, discard, prepare_staging, swap_in
from registre.build.page_cache import PageCache, act_page_key, generated_page_key
from registre.build.publisher import Publisher
from registre.build.template_cache import CheckedBytecodeCache
from registre.checks.html_policy import sanitize
from registre.domain.config import OPTIONS, ConfigError, RegistreConfig, from_mapping, normalise_site_url
from registre.domain.dates import format_date, format_date_long
from registre.domain.diagnostics import sort_key, summary
from registre.domain.paths import cache_root
from registre.domain.register import Register
from registre.publish.context import BuildContext
from registre.publish.csp import policy as csp_policy
from registre.publish.pdf import pdfs_for
from registre.publish.search import SearchIndexer, indexer_for, search_fields
from registre.publish.steps import PAGE_PROVIDERS, run_steps
from registre.resources import TEMPLATES
from registre.site import pages as site
from registre.site.jsonld import jsonld, script_json

log = logging.getLogger("mkdocs.plugins.registre")

ACT_TEMPLATE = "registre/act.html"
PAGE_CACHE_SWITCH = "REGISTRE_PAGE_CACHE"  # "0": every act page rendered (tests compare both)
ACT_CACHE_SWITCH = "REGISTRE_ACT_CACHE"  # "0": every act file read again


def _switched_on(name: str) -> bool:
    return os.environ.get(name, "1").strip() not in {"0", "non", "false"}


def page_cache_enabled() -> bool:
    return _switched_on(PAGE_CACHE_SWITCH)

def _strict_failure(config: MkDocsConfig) -> bool:
    """Whether MkDocs will abort this build after on_post_build (``--strict`` and warnings logged)."""
    if not config.strict:
        return False
    return any(isinstance(h, mkdocs_utils.CountHandler) and h.get_counts()
               for h in logging.getLogger("mkdocs").handlers)


_explained = False


def explain_failure(error: BaseException, *, kept: bool) -> None:
    """A French line after MkDocs's English abort message (« Aborted with … »), printed when the
    command exits; a system error (full disk, read-only folder) in French, without a traceback."""
    global _explained
    site = ("le site précédent est conservé tel quel" if kept else "aucun site n'a été écrit")
    if isinstance(error, OSError):
        what = error.strerror or str(error)
        where = f" ({error.filename})" if error.filename else ""
        line = (f"registre : construction interrompue : erreur du système{where} : {what} ; {site}. Correction : "
                "libérez de l'espace disque, vérifiez les droits d'écriture du dossier du site et du dossier "
                ".cache/, puis relancez mkdocs build.")
        previous = sys.excepthook

        def hook(kind, value, traceback):
            if value is not error:
                previous(kind, value, traceback)
                return
            print(line, file=sys.stderr)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(1)  # now: the interpreter's shutdown would print MkDocs's own objects failing to close
        sys.excepthook = hook
        return
    text = str(error)
    if "strict mode" in text:
        count = text.split("Aborted with ", 1)[-1].split(" in strict mode", 1)[0]
        count = count.replace("warnings", "avertissement(s)").replace("warning", "avertissement").replace(
            "errors", "erreur(s)").replace("error", "erreur")
        line = (f"registre : construction refusée en mode strict (--strict) : {count} ; {site}. Correction : "
                "corrigez les avertissements ci-dessus (registre check les liste aussi), ou construisez sans "
                "--strict.")
    else:
        line = (f"registre : construction interrompue par l'erreur ci-dessus ; {site}, rien n'a été publié. "
                "Correction : corrigez cette erreur (registre check liste celles du registre), puis relancez.")
    if not _explained:
        _explained = True
        atexit.register(lambda: print(line, file=sys.stderr, flush=True))




# The options schema comes from the one definition of the options (registre.domain.config): MkDocs
# only collects them; their checks, defaults and French errors are config.from_mapping's.
RegistreOptions = type("RegistreOptions", (base.Config,), {name: c.Optional(c.Type(object)) for name in OPTIONS})


class RegistrePlugin(BasePlugin[RegistreOptions]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.register: Register | None = None
        self.settings: RegistreConfig | None = None
        self.pages: dict[str, site.GeneratedPage] = {}
        self.view: site.SiteView | None = None
        self.years: frozenset[int] | None = None
        self.indexer: SearchIndexer | None = None
        self.last_page: tuple[str | None, Page] | None = None  # (act identifier or None, page)
        self.page_cache: PageCache | None = None
        self.page_keys: dict[str, str] = {}  # src_uri → key, pages MkDocs renders and keeps
        # src_uri → (kept page, key, act identifier or None): published as kept, MkDocs does not see them
        self.kept_pages: dict[str, tuple[Path, str, str | None]] = {}
        self.published_kept = False
        self.publisher: Publisher | None = None
        self.published_files: dict[str, str] = {}  # site path → SHA-256, linked in the background
        self.act_files: dict[str, str | None] | None = None  # BuildContext.act_files
        self.act_keys: dict[str, str] = {}  # BuildContext.act_page_keys
        self.pdfs = None
        self.command, self.dirty = "build", False
        self.lock: BuildLock | None = None
        self.site_dir: Path | None = None  # where the build goes once complete (it is written to a staging folder)
        self.staging: Path | None = None

    # -- configuration -------------------------------------------------
    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command
        self.dirty = dirty

    def _stage(self, config: MkDocsConfig) -> None:
        """``mkdocs build``: one build of the register at a time, written to a staging folder
        that replaces the site only once complete (see :mod:`registre.old_site`)."""
        self.site_dir = Path(config.site_dir)
        if self.command != "build":
            return
        root = Path(config.config_file_path or ".").parent
        try:
            self.lock = acquire_lock(cache_root(root))
        except BuildLocked as exc:
            who = f" (processus {exc})" if str(exc) else ""
            raise PluginError(f"une autre construction de ce registre est en cours{who} : attendez qu'elle se "
                              "termine, puis relancez mkdocs build.") from None
        except OSError as exc:
            raise PluginError(f"impossible de créer le dossier de cache {cache_root(root)} ({exc.strerror}). "
                              "Correction : vérifiez l'espace disque et les droits du dossier du registre.") from None
        if self.dirty:
            return
        site_dir = Path(config.site_dir)
        if site_dir.exists() and not site_dir.is_dir():
            raise PluginError(f"site_dir : {site_dir} existe et n'est pas un dossier. Correction : déplacez ce "
                              "fichier, ou indiquez un autre dossier (site_dir dans mkdocs.yml, ou -d).")
        try:
            staging = prepare_staging(site_dir)
        except OSError as exc:
            raise PluginError(f"impossible de préparer la construction à côté de {site_dir} ({exc.strerror}). "
                              "Correction : vérifiez l'espace disque et les droits de ce dossier.") from None
        self.staging = staging
        config.site_dir = str(staging)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._stage(config)
        try:
            self.settings = from_mapping(dict(self.config), config.site_url,
                                         Path(config.config_file_path) if config.config_file_path else None)
        except ConfigError as exc:
            raise PluginError(str(exc)) from None
        root = Path(config.config_file_path or ".").parent
        self.register = load_register(root / self.settings.acts_dir, self.settings,
                                      cache_dir=cache_root(root) if _switched_on(ACT_CACHE_SWITCH) else None)
        if self.register.files_cached:
            read = self.register.files_read
            log.info("registre : fichiers des actes : %d repris du cache, %d %s.", self.register.files_cached,
                     read, "lu" if read <= 1 else "lus")
        for diag in sorted(self.register.diagnostics, key=sort_key):
            # A reminder (time has passed) is logged at INFO: « mkdocs build --strict » must not stop the
            # publication of every act for it; registre check and the CI job summary show it to staff.
            (log.error if diag.is_error else log.info if diag.is_reminder else log.warning)(diag.format())
        if not self.register.ok:
            raise PluginError(f"Le registre n'est pas publiable : {summary(self.register.diagnostics)}. "
                              "Corrigez les erreurs ci-dessus (registre check les liste aussi).")
        self.years = frozenset(self.settings.years) or None
        if self.years:
            log.info("registre : seules les pages des actes de %s sont construites (option annees).",
                     ", ".join(map(str, sorted(self.years))))
        theme_dirs = config.theme.dirs
        theme_dirs.insert(1 if config.theme.custom_dir else 0, str(TEMPLATES))
        config.extra_css.append("assets/registre/registre.css")
        config.extra_css.append("assets/registre/accessibilite.css")
        config.extra_javascript.append("assets/registre/accessibilite.js")
        return config

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        """``mkdocs serve`` rebuilds when an act, an annex or the sealed register changes."""
        root = Path(config.config_file_path or ".").parent
        acts = root / self.settings.acts_dir
        if acts.is_dir():
            server.watch(str(acts))
        return server

    # -- pages ---------------------------------------------------------
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.register is not None
        self.pages = {}
        self.page_keys = {}
        self.kept_pages = {}
        self.published_kept = False
        self.published_files = {}
        self.act_files = None
        self.last_page = None
        self.view = site.SiteView(self.register)
        since = None
        if self.command == "serve" and self.settings.serve_years > 0:
            since = self.register.today.year - self.settings.serve_years + 1
            log.info("registre : « mkdocs serve » ne génère que les actes depuis %s (serve_annees).", since)
        generated_pages = list(site.site_pages(self.register, per_page=self.settings.per_page, since_year=since,
                                               act_years=self.years, providers=PAGE_PROVIDERS))
        # Act pages show the size and SHA-256 of the very PDFs the post-build step writes.
        build = self.build_context(config)
        self.pdfs = pdfs_for(build.register, build.cache_dir, build.site_url)
        act_pages = [g for g in generated_pages if g.template == ACT_TEMPLATE]
        if build.register.config.pdf:  # renders go on in worker processes while the page keys are computed
            self.pdfs.prepare((g.data["act"].act for g in act_pages), wait=False)
        self.page_cache = PageCache(build.cache_dir) if page_cache_enabled() else None
        # Act page keys even without the page cache: they also key the parts of the search index.
        digest = build_digest(Path(config.config_file_path), Path(config.docs_dir), build.site_url)
        act_keys = self.act_keys = {}  # identifier → key of its page
        for generated in sorted(act_pages, key=lambda g: self.pdfs.rendering(g.data["act"].act)):  # rendering: last
            view = generated.data["act"]
            act_keys[view.identifier] = act_page_key(digest, view, self.pdfs.downloads(view), build.site_url,
                                                     self.pdfs.file_hash)
        if self.page_cache is not None:  # kept act pages checked against their SHA-256, several at a time
            self.page_cache.check(act_keys.values())
        for generated in generated_pages:
            key = identifier = None
            if generated.template == ACT_TEMPLATE:
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
            files.append(File.generated(config, generated.src_uri, content=generated.markdown(),
                                        inclusion=InclusionLevel.NOT_IN_NAV))
            self.pages[generated.src_uri] = generated
        for src_uri, abs_path in site.static_files(self.register):
            files.append(File.generated(config, src_uri, abs_src_path=str(abs_path)))
        if self.kept_pages:
            acts = sum(1 for _, _, identifier in self.kept_pages.values() if identifier)
            built = sum(1 for uri in self.page_keys if self.pages[uri].template == ACT_TEMPLATE)
            log.info("registre : pages d'actes : %d reprises du cache, %d à construire.", acts, built)
            log.info("registre : listes et annexes : %d reprises du cache, %d à construire.",
                     len(self.kept_pages) - acts, len(self.page_keys) - built)
        return files

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        env.filters["date_fr"] = format_date
        env.filters["csp_policy"] = csp_policy
        env.filters["date_fr_long"] = format_date_long
        env.filters["tojson_ld"] = script_json
        env.filters["act_jsonld"] = jsonld
        env.filters["search_fields"] = search_fields
        env.filters["act_downloads"] = self.pdfs.downloads
        env.globals["registre_blocks"] = BlockCache()
        # A build into an emptied site knows every file it puts in the act folders (BuildContext.act_files).
        self.act_files = None
        if self.command == "build" and not self.dirty:
            self.act_files = {file.dest_uri: None for file in files  # as MkDocs copies them (excluded: not)
                              if file.dest_uri.startswith("actes/") and not file.dest_uri.endswith(".html")
                              and file.inclusion.is_included()}
        # Compiled templates kept between builds (Jinja compiles about fifty of them otherwise).
        env.bytecode_cache = CheckedBytecodeCache(str(self._bytecode_dir(config)))
        # Pagefind indexes each part of the search index as soon as its act pages are written.
        self.indexer = indexer_for(self.build_context(config))
        self._publish_kept(config)  # MkDocs has emptied site/: kept pages go in while it renders the others
        return env

    def _bytecode_dir(self, config: MkDocsConfig) -> Path:
        folder = self.build_context(config).cache_dir / "jinja"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def build_context(self, config: MkDocsConfig) -> BuildContext:
        assert self.register is not None
        root = Path(config.config_file_path or ".").parent
        site_url = normalise_site_url(config.site_url)
        kept = frozenset(uri[:-len("index.md")] for uri in self.kept_pages)
        return BuildContext(register=self.register, site_dir=Path(config.site_dir), site_url=site_url,
                            cache_dir=cache_root(root), years=self.years, kept_urls=kept,
                            published_files=self.published_files, published=self._kept_published,
                            act_files=self.act_files, act_page_keys=self.act_keys,
                            reuse=page_cache_enabled())

    @event_priority(-100)  # last: after the other plugins have written their files into the staging folder
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._publish_kept(config)
        self._written()
        try:
            run_steps(self.build_context(config))  # steps reading the site wait for the publisher
        finally:
            self._kept_published()
        if self.page_cache is not None and self.years is None and self.command == "build":
            self.page_cache.prune({key for _, key, _ in self.kept_pages.values()} | set(self.page_keys.values()))
        if self.staging is not None and not _strict_failure(config):
            staging, self.staging = self.staging, None
            config.site_dir = str(self.site_dir)
            try:
                swap_in(staging, self.site_dir)
            except OSError as exc:
                raise PluginError(f"impossible de mettre le nouveau site à la place de {self.site_dir} "
                                  f"({exc.strerror}) ; le site précédent est conservé. Correction : vérifiez les "
                                  "droits de ce dossier et l'espace disque.") from None
        self._release()

    def _release(self) -> None:
        if self.lock is not None:
            self.lock, lock = None, self.lock
            lock.release()

    def on_build_error(self, *, error: Exception) -> None:
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
        self._release()
        explain_failure(error, kept=self.site_dir is not None and self.site_dir.is_dir())

    def _publish_kept(self, config: MkDocsConfig) -> None:
        """Kept pages into the site (MkDocs has cleaned it), by a background thread."""
        if self.published_kept:
            return
        self.published_kept = True
        pages = [(kept, src_uri[:-len("index.md")] + "index.html", identifier)
                 for src_uri, (kept, _, identifier) in self.kept_pages.items()]
        # First the kept pages of the parts of the search index that Pagefind will run on (those
        # holding an act page rendered now): it can start while MkDocs renders the rest.
        first: set[str] = set()
        if self.indexer is not None:
            rendered = [g.data["act"].identifier for g in self.pages.values() if g.template == ACT_TEMPLATE]
            first = self.indexer.sharing_a_part(rendered)
        # The generated PDFs already in the store, linked beside their act's page.
        generated = self.pdfs.generated_files() if self.pdfs is not None and self.register.config.pdf else []
        pdfs = [(pdf.source, pdf.site_path, None) for pdf in generated]
        self.published_files = {pdf.site_path: pdf.sha256 for pdf in generated}
        if self.act_files is not None:
            self.act_files.update(self.published_files)
        groups = [[page for page in pages if page[2] in first], [page for page in pages if page[2] not in first] + pdfs]
        self.publisher = Publisher(Path(config.site_dir), groups,
                                   self.indexer.written if self.indexer is not None else None).start()

    def _kept_published(self) -> None:
        if self.publisher is not None:
            self.publisher, publisher = None, self.publisher
            publisher.wait()

    def _written(self) -> None:
        """The previous generated page is on disk (MkDocs writes a page after its hooks):
        keep it for the next build, and tell the search indexer if it is an act's."""
        if self.last_page is None:
            return
        identifier, page = self.last_page
        self.last_page = None
        src_uri, dest = page.file.src_uri, Path(page.file.abs_dest_path)
        # Written: MkDocs needs no more of its text (100,000 acts would otherwise stay in memory).
        page.markdown, page.content = "", ""
        page.file.content_string = ""
        key = self.page_keys.get(src_uri)
        if key is not None and self.page_cache is not None and dest.is_file():
            self.page_cache.keep(key, dest)
        if identifier is not None and self.indexer is not None:
            self.indexer.written(identifier)

    @event_priority(-100)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        # MkDocs writes pages by truncating the file in place: a page kept as a hard link from an
        # earlier build (``mkdocs build --dirty``) must be unlinked first, or the kept copy would change.
        if page.file.src_uri in self.page_keys:
            Path(page.file.abs_dest_path).unlink(missing_ok=True)
        return output

    @event_priority(-100)  # last: whatever another plugin or extension produced is sanitised too
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        generated = self.pages.get(page.file.src_uri)
        return sanitize(html) if generated is not None and generated.staff_text else html

    @event_priority(50)
    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav):
        assert self.register is not None
        context["registre"] = self.view
        generated = self.pages.get(page.file.src_uri)
        self._written()
        if generated is not None:
            context.update(generated.context())
            self.last_page = (generated.data["act"].act.identifier if generated.template == ACT_TEMPLATE else None,
                              page)
        context["registre_chrome_key"] = key_for(generated.template if generated else None,
                                                 str(context.get("base_url", "")))
        return context
