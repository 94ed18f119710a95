"""MkDocs adapter: the register becomes pages of a mkdocs-material site.

Thin by design: each event handler hands over to :class:`registre.build.incremental.SiteBuild`
(staging, reading and checking, which pages to render or keep, output steps) and only turns its
results into MkDocs files, template context and log messages.  Templates and CSS live in
``templates/`` (theme overrides).
"""

from __future__ import annotations

import logging
from pathlib import Path

import mkdocs  # under ProperDocs, its own module: « properdocs »
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from registre.build.block_cache import BlockCache, key_for
from registre.build.incremental import BuildRefused, SiteBuild
from registre.build.template_cache import CheckedBytecodeCache
from registre.checks.html_policy import sanitize
from registre.domain.config import OPTIONS, RegistreConfig
from registre.domain.dates import format_date, format_date_long
from registre.domain.plurals import counted
from registre.files.forked import fork_available
from registre.plugin import page_files
from registre.plugin.failure import explain_failure, strict_failure
from registre.plugin.page_warnings import PageWarnings
from registre.plugin.render_workers import RenderWorkers
from registre.publish.csp import policy as csp_policy
from registre.publish.search import search_fields
from registre.resources import TEMPLATES
from registre.site.jsonld import jsonld, script_json
from registre.site.pages import SiteView

log = logging.getLogger("mkdocs.plugins.registre")

# The options schema comes from the one definition of the options (registre.domain.config): MkDocs
# only collects them; their checks, defaults and French errors are config.from_mapping's.
RegistreOptions = type("RegistreOptions", (base.Config,), {name: c.Optional(c.Type(object)) for name in OPTIONS})


def _root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path or ".").parent


class RegistrePlugin(BasePlugin[RegistreOptions]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.build: SiteBuild | None = None
        self.command, self.dirty = "build", False
        self.view: SiteView | None = None
        self.last_page: Page | None = None  # generated page rendered last, written by MkDocs after its hooks
        self.shares: list[list] = []  # act pages other processes render (registre.build.render_share)
        self.workers: RenderWorkers | None = None
        self.in_worker = False  # this is one of those processes
        self.page_warnings: PageWarnings | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command, self.dirty = command, dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.build = SiteBuild(_root(config), command=self.command, dirty=self.dirty, log=log,
                               engine=f"{mkdocs.__name__} {mkdocs.__version__}")
        try:
            config.site_dir = str(self.build.stage(Path(config.site_dir)))
            self.build.load(dict(self.config), config.site_url,
                            Path(config.config_file_path) if config.config_file_path else None)
        except BuildRefused as exc:
            raise PluginError(str(exc)) from None
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(TEMPLATES))
        config.extra_css.extend(["assets/registre/registre.css", "assets/registre/accessibilite.css"])
        config.extra_javascript.append("assets/registre/accessibilite.js")
        return config

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        """``mkdocs serve`` rebuilds when an act, an annex or the sealed register changes."""
        # From this config's options (MkDocs may hand a plugin instance of an earlier config to a new one).
        acts = _root(config) / str(self.config.get("acts_dir") or RegistreConfig.acts_dir)
        if acts.is_dir():
            server.watch(str(acts))
        return server

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.build is not None and self.build.register is not None
        self.last_page, self.workers = None, None
        self.view = SiteView(self.build.register)
        pages = self.build.plan(Path(config.config_file_path), Path(config.docs_dir), Path(config.site_dir))
        try:
            pages, self.shares = self.build.share_out(pages)
        except BuildRefused as exc:
            raise PluginError(str(exc)) from None
        for generated in pages:
            files.append(page_files.here(config, generated))
        # Known for the links between pages, rendered elsewhere: by another process, or kept.
        for src_uri in [g.src_uri for share in self.shares for g in share] + self.build.kept_src_uris():
            files.append(page_files.elsewhere(config, src_uri))
        for src_uri, abs_path in self.build.static_files():
            files.append(File.generated(config, src_uri, abs_src_path=str(abs_path)))
        return files

    @event_priority(-100)  # last: the navigation is final
    def on_nav(self, nav, *, config: MkDocsConfig, files: Files):
        assert self.build is not None and not self.in_worker
        self._stop_page_warnings()
        self.page_warnings = PageWarnings(config, self.build).install()
        if self.shares:
            shares, self.shares = self.shares, []
            workers = RenderWorkers(self.build.written_elsewhere)
            try:
                if not fork_available():  # a thread started since on_files: forking is no longer safe
                    raise OSError
                workers.start(config, files, nav, shares, self)
                self.workers = workers
            except OSError:
                log.info("registre : pages d'actes : finalement toutes rendues ici (pas de processus possible).")
                for share in shares:
                    for generated in share:
                        page_files.render_here(files.get_file_from_path(generated.src_uri), generated)
        # MkDocs has emptied site/ and the files are final: kept pages go in, and the search index
        # starts on the parts other processes write, while MkDocs reads and renders the others.
        self.build.start_publishing(Path(config.site_dir), [file.dest_uri for file in files
                                                            if file.inclusion.is_included()])
        return nav

    def enter_worker(self) -> None:
        """In a process forked by RenderWorkers: render pages, publish nothing else."""
        self.in_worker, self.workers, self.shares, self.last_page = True, None, [], None

    def page_done(self, src_uri: str) -> str | None:
        """(In a render process) the page just rendered is written: the digest it is kept under."""
        self._written()
        assert self.build is not None
        return self.build.kept_digest(src_uri)

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        assert self.build is not None and self.build.pdfs is not None
        env.filters.update(date_fr=format_date, counted=counted, csp_policy=csp_policy, date_fr_long=format_date_long,
                           tojson_ld=script_json, act_jsonld=jsonld, search_fields=search_fields,
                           act_downloads=self.build.pdfs.downloads)
        env.globals["registre_blocks"] = BlockCache()
        # Compiled templates kept between builds (Jinja compiles about fifty of them otherwise).
        folder = self.build.cache_dir / "jinja"
        folder.mkdir(parents=True, exist_ok=True)
        env.bytecode_cache = CheckedBytecodeCache(str(folder))
        return env

    @event_priority(-100)  # last: whatever another plugin or extension produced is sanitised too
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        generated = self.build.page_to_render(page.file.src_uri) if self.build else None
        if generated is None:
            return html
        # Converted: MkDocs needs no more of the Markdown, which it would otherwise hold for every page
        # until it writes the first (≈ 300 MB at 100,000 acts).
        page.markdown = ""
        page.file.content_string = ""
        return sanitize(html) if generated.staff_text else html

    @event_priority(50)
    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav):
        assert self.build is not None
        context["registre"] = self.view
        self._written()
        generated = self.build.page_to_render(page.file.src_uri)
        if generated is not None:
            context.update(generated.context())
            self.last_page = page
        context["registre_chrome_key"] = key_for(generated.template if generated else None,
                                                 str(context.get("base_url", "")))
        return context

    @event_priority(-100)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        # MkDocs writes pages by truncating the file in place: a page kept as a hard link from an
        # earlier build (``mkdocs build --dirty``) must be unlinked first, or the kept copy would change.
        if self.build is not None and self.build.is_rendered_again(page.file.src_uri):
            Path(page.file.abs_dest_path).unlink(missing_ok=True)
        return output

    def _written(self) -> None:
        """The previous generated page is on disk (MkDocs writes a page after its hooks)."""
        if self.last_page is None or self.build is None:
            return
        page, self.last_page = self.last_page, None
        # Written: MkDocs needs no more of its HTML (its Markdown went once converted, on_page_content).
        page.content = ""
        self.build.page_written(page.file.src_uri, Path(page.file.abs_dest_path))

    @event_priority(-100)  # last: after the other plugins have written their files into the staging folder
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        assert self.build is not None
        self._written()
        self._stop_page_warnings()
        if self.workers is not None:
            self.workers, workers = None, self.workers
            errors = workers.wait()  # their warnings are logged by now: --strict counts them
            if errors:
                raise PluginError(" ".join(dict.fromkeys(errors)))
        swap = not strict_failure(config)
        try:
            self.build.finish(Path(config.site_dir), swap=swap)
        except BuildRefused as exc:
            raise PluginError(str(exc)) from None
        if swap and self.build.site_dir is not None:
            config.site_dir = str(self.build.site_dir)

    def _stop_page_warnings(self) -> None:
        if self.page_warnings is not None:
            self.page_warnings, handler = None, self.page_warnings
            handler.remove()

    def on_build_error(self, *, error: Exception) -> None:
        self._stop_page_warnings()
        if self.workers is not None:
            self.workers, workers = None, self.workers
            workers.stop()
        kept = self.build.abandon() if self.build is not None else False
        explain_failure(error, kept=kept)


__all__ = ["RegistrePlugin"]
