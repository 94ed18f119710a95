"""MkDocs adapter: the register becomes pages of a mkdocs-material site.

Thin by design: reading and checking the acts is :func:`load_register`;
this module only turns its result into MkDocs files, template context and
log messages.  Templates and CSS live in ``templates/`` (theme overrides).
"""

from __future__ import annotations

import logging
import os
from datetime import date
from pathlib import Path

import jinja2
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from . import site
from .block_cache import BlockCache, key_for
from .config import ConfigError, RegistreConfig, from_mapping, normalise_site_url
from .dates import format_date, format_date_long
from .diagnostics import sort_key, summary
from .jsonld import jsonld, script_json
from .presentation import act_url
from .outputs import BuildContext, link_or_copy, run_steps
from .page_cache import PageCache, act_page_key, build_digest
from .pdf import pdfs_for
from .register import Register, load_register
from .search import SearchIndexer, indexer_for, search_fields

log = logging.getLogger("mkdocs.plugins.registre")

ACT_TEMPLATE = "registre/act.html"
PAGE_CACHE_SWITCH = "REGISTRE_PAGE_CACHE"  # "0": every act page rendered (tests compare both)


def page_cache_enabled() -> bool:
    return os.environ.get(PAGE_CACHE_SWITCH, "1").strip() not in {"0", "non", "false"}

TEMPLATES = Path(__file__).parent / "templates"


class TribunalOptions(base.Config):
    nom = c.Type(str, default="tribunal administratif")
    adresse = c.Type(str, default="")


class SignataireOptions(base.Config):
    prenom = c.Type(str, default="")
    nom = c.Type(str, default="")
    qualite = c.Type(str, default="Maire")


class RegistreOptions(base.Config):
    commune = c.Type(str, default="Commune")
    siret = c.Type(str, default="")
    departement = c.Type(str, default="")
    tribunal = c.SubConfig(TribunalOptions)
    acts_dir = c.Type(str, default="acts")
    patterns = c.Type(dict, default={})
    premiers_numeros = c.Type(dict, default={})
    signataire = c.SubConfig(SignataireOptions)
    demo = c.Type(bool, default=False)
    demo_message = c.Type(str, default="")
    date_reference = c.Optional(c.Type((str, date)))
    par_page = c.Type(int, default=100)
    # `mkdocs serve` on a large register: only the acts of the last N years get pages (0 = all).
    serve_annees = c.Type(int, default=0)
    # Build only the act pages (and their PDFs and search index) of these years; the register-wide
    # pages are built in full.  One job per year, outputs merged: see README « Passage à l'échelle ».
    annees = c.Type(list, default=[])
    # Generate a PDF of each act (WeasyPrint); false publishes the signed originals only.
    pdf = c.Type(bool, default=True)
    # Acts per Pagefind index (memory while indexing: about 270 KB per act).
    recherche_actes_par_index = c.Type(int, default=2000)


class RegistrePlugin(BasePlugin[RegistreOptions]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.register: Register | None = None
        self.settings: RegistreConfig | None = None
        self.pages: dict[str, site.GeneratedPage] = {}
        self.view: site.SiteView | None = None
        self.command = "build"
        self.years: frozenset[int] | None = None
        self.indexer: SearchIndexer | None = None
        self.last_act: tuple[str, Page] | None = None
        self.page_cache: PageCache | None = None
        self.page_keys: dict[str, str] = {}  # src_uri → key, act pages MkDocs renders
        self.kept_pages: dict[str, tuple[Path, str]] = {}  # identifier → (kept page, key)
        self.published_kept = False
        self.pdfs = None

    # -- configuration -------------------------------------------------
    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        options = dict(self.config)
        options["tribunal"] = dict(self.config.tribunal)
        options["signataire"] = dict(self.config.signataire) if self.config.signataire.nom else None
        if isinstance(options.get("date_reference"), date):
            options["date_reference"] = options["date_reference"].isoformat()
        try:
            self.settings = from_mapping(options, config.site_url)
        except ConfigError as exc:
            raise PluginError(str(exc)) from None
        acts_root = Path(config.config_file_path or ".").parent / self.settings.acts_dir
        self.register = load_register(acts_root, self.settings)
        for diag in sorted(self.register.diagnostics, key=sort_key):
            (log.error if diag.is_error else log.warning)(diag.format())
        if not self.register.ok:
            raise PluginError(f"Le registre n'est pas publiable : {summary(self.register.diagnostics)}. "
                              "Corrigez les erreurs ci-dessus (registre check les liste aussi).")
        self.years = frozenset(self._years()) or None
        theme_dirs = config.theme.dirs
        theme_dirs.insert(1 if config.theme.custom_dir else 0, str(TEMPLATES))
        config.extra_css.append("assets/registre/registre.css")
        config.extra_css.append("assets/registre/accessibilite.css")
        config.extra_javascript.append("assets/registre/accessibilite.js")
        return config

    def _years(self) -> list[int]:
        years = []
        for value in self.config.annees:
            try:
                years.append(int(value))
            except (TypeError, ValueError):
                raise PluginError(f"mkdocs.yml : registre → annees : « {value} » n'est pas une année. "
                                  "Correction : une liste d'années, par exemple annees: [2024, 2025].") from None
        if years:
            log.info("registre : seules les pages des actes de %s sont construites (option annees).",
                     ", ".join(map(str, sorted(years))))
        return years

    # -- pages ---------------------------------------------------------
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.register is not None
        self.pages = {}
        self.page_keys = {}
        self.kept_pages = {}
        self.published_kept = False
        self.last_act = None
        self.view = site.SiteView(self.register)
        since = None
        if self.command == "serve" and self.config.serve_annees > 0:
            since = self.register.today.year - self.config.serve_annees + 1
            log.info("registre : « mkdocs serve » ne génère que les actes depuis %s (serve_annees).", since)
        generated_pages = list(site.site_pages(self.register, per_page=self.config.par_page, since_year=since,
                                               act_years=self.years))
        # Act pages show the size and SHA-256 of the very PDFs the post-build step writes.
        build = self.build_context(config)
        self.pdfs = pdfs_for(build.register, build.cache_dir, build.site_url)
        if build.register.config.pdf:
            self.pdfs.prepare(g.data["act"].act for g in generated_pages if g.template == ACT_TEMPLATE)
        self.page_cache = PageCache(build.cache_dir) if page_cache_enabled() else None
        digest = (build_digest(Path(config.config_file_path), Path(config.docs_dir), build.site_url)
                  if self.page_cache else "")
        for generated in generated_pages:
            if self.page_cache is not None and generated.template == ACT_TEMPLATE:
                view = generated.data["act"]
                key = act_page_key(digest, view, self.pdfs.downloads(view), build.site_url, self.pdfs.file_hash)
                kept = self.page_cache.get(key)
                if kept is not None:  # published as kept, MkDocs does not see it
                    self.kept_pages[view.identifier] = (kept, key)
                    continue
                self.page_keys[generated.src_uri] = key
            files.append(File.generated(config, generated.src_uri, content=generated.markdown(),
                                        inclusion=InclusionLevel.NOT_IN_NAV))
            self.pages[generated.src_uri] = generated
        for src_uri, abs_path in site.static_files(self.register):
            files.append(File.generated(config, src_uri, abs_src_path=str(abs_path)))
        if self.kept_pages:
            log.info("registre : pages d'actes : %d reprises du cache, %d à construire.", len(self.kept_pages),
                     len(self.page_keys))
        return files

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        env.filters["date_fr"] = format_date
        env.filters["date_fr_long"] = format_date_long
        env.filters["tojson_ld"] = script_json
        env.filters["act_jsonld"] = jsonld
        env.filters["search_fields"] = search_fields
        env.filters["act_downloads"] = self.pdfs.downloads
        env.globals["registre_blocks"] = BlockCache()
        # Compiled templates kept between builds (Jinja compiles about fifty of them otherwise).
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(self._bytecode_dir(config)))
        # Pagefind indexes each part of the search index as soon as its act pages are written.
        self.indexer = indexer_for(self.build_context(config))
        return env

    def _bytecode_dir(self, config: MkDocsConfig) -> Path:
        folder = self.build_context(config).cache_dir / "jinja"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def build_context(self, config: MkDocsConfig) -> BuildContext:
        assert self.register is not None
        root = Path(config.config_file_path or ".").parent
        site_url = normalise_site_url(config.site_url)
        return BuildContext(register=self.register, site_dir=Path(config.site_dir), site_url=site_url,
                            cache_dir=root / ".cache" / "registre", years=self.years)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._publish_kept(config)
        self._written()
        run_steps(self.build_context(config))
        if self.page_cache is not None and self.years is None and self.command == "build":
            self.page_cache.prune({key for _, key in self.kept_pages.values()} | set(self.page_keys.values()))

    def on_build_error(self, *, error: Exception) -> None:
        if self.indexer is not None:
            self.indexer.close()

    def _publish_kept(self, config: MkDocsConfig) -> None:
        """Kept act pages into the site, once MkDocs has cleaned it."""
        if self.published_kept:
            return
        self.published_kept = True
        site_dir = Path(config.site_dir)
        for identifier, (kept, _) in self.kept_pages.items():
            target = site_dir / act_url(identifier) / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(kept, target)
            if self.indexer is not None:
                self.indexer.written(identifier)

    def _written(self) -> None:
        """The previous act page is on disk (MkDocs writes a page after its hooks): keep it
        for the next build, and tell the search indexer."""
        if self.last_act is None:
            return
        identifier, page = self.last_act
        self.last_act = None
        src_uri, dest = page.file.src_uri, Path(page.file.abs_dest_path)
        # Written: MkDocs needs no more of its text (100,000 acts would otherwise stay in memory).
        page.markdown, page.content = "", ""
        page.file.content_string = ""
        key = self.page_keys.get(src_uri)
        if key is not None and self.page_cache is not None and dest.is_file():
            self.page_cache.keep(key, dest)
        if self.indexer is not None:
            self.indexer.written(identifier)

    @event_priority(-100)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        # MkDocs writes pages by truncating the file in place: a page kept as a hard link from an
        # earlier build (``mkdocs build --dirty``) must be unlinked first, or the kept copy would change.
        if page.file.src_uri in self.page_keys:
            Path(page.file.abs_dest_path).unlink(missing_ok=True)
        return output

    @event_priority(50)
    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav):
        assert self.register is not None
        context["registre"] = self.view
        generated = self.pages.get(page.file.src_uri)
        self._publish_kept(config)
        self._written()
        if generated is not None:
            context.update(generated.context())
            if generated.template == ACT_TEMPLATE:
                self.last_act = (generated.data["act"].act.identifier, page)
        context["registre_chrome_key"] = key_for(generated.template if generated else None,
                                                 str(context.get("base_url", "")))
        return context
