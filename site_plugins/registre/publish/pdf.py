"""Each act online as an archivable PDF (PDF/A-3b) carrying its legal mentions.

R2131-1 CGCT: an act published electronically is put online in full, in a
non-modifiable format that ensures its conservation and integrity, with its
author's prénom, nom and qualité and the date de mise en ligne legible on it.

:class:`ActPdfs` renders, with WeasyPrint, the Jinja template
``templates/pdf/act.html`` (styled by ``templates/pdf/act.css``) into a
tagged PDF/A-3b whose fonts are embedded.  The bytes are deterministic:

* the fonts are files of this package (Source Sans Pro, OFL, ``data/fonts/``),
  not the machine's, and are loaded through a private URL scheme, so no
  path of the machine reaches the document;
* the creation and modification dates are the act's own dates (mise en ligne,
  notification, transmission), the document identifier is the act's content
  hash, and WeasyPrint writes no random value for PDF/A-3b;
* nothing is fetched from the network: the URL fetcher only serves the fonts.

Rendering is the slow part, so PDFs are cached under the build's cache folder
(``<cache_dir>/pdf/``), keyed by the SHA-256 of everything that makes the
bytes: the HTML produced for the act, the CSS, the fonts, the versions of
WeasyPrint, pydyf, fontTools, Pango and HarfBuzz and :data:`FORMAT_VERSION`.
An unchanged act is never rendered twice; missing PDFs are rendered in
parallel (:meth:`ActPdfs.prepare`).

The act page shows the PDF's size and SHA-256 (:meth:`ActPdfs.downloads`),
computed from the very bytes the post-build step (:func:`write_pdfs`) copies
into ``site/actes/<identifiant>/<identifiant>.pdf``, so the page and the file
always agree.  When an act ships its signed original (``original: …pdf``),
that file is offered too, unchanged, with its own SHA-256.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import logging
import multiprocessing
import os
import shutil
import threading
import time as clock
from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from functools import cached_property, lru_cache
from importlib import metadata
from pathlib import Path
from typing import Iterable
from zoneinfo import ZoneInfo

import jinja2
import markdown
from markupsafe import Markup

from registre.checks.html_policy import sanitize
from registre.domain.addresses import act_url, original_site_path, pdf_site_path
from registre.domain.lifecycle import is_online
from registre.domain.masking import masked
from registre.domain.model import Act
from registre.domain.paths import cache_root, display_path
from registre.domain.register import Register
from registre.files.atomic_write import write_atomic
from registre.files.hard_links import link_or_copy
from registre.publish.context import BuildContext
from registre.resources import FONTS, TEMPLATES
from registre.seal.hashing import (
    bytes_sha256,
    content_hash,
    file_sha256,
    is_sha256,
    remember_sha256,
    sha256_many,
    text_sha256,
)
from registre.seal.ledger import FileRecord
from registre.site.pages import demote_headings
from registre.site.presentation import ActView
from registre.site.templating import document_environment

log = logging.getLogger("mkdocs.plugins.registre")

TEMPLATE = "pdf/act.html"
STYLESHEET = TEMPLATES / "pdf" / "act.css"
PDF_VARIANT = "pdf/a-3b"
# Bump when the bytes change for a reason the cache key cannot see.
FORMAT_VERSION = "1"
FONT_SCHEME = "registre-police:"
FONT_FILES = {
    "SourceSansPro-Regular.ttf", "SourceSansPro-It.ttf", "SourceSansPro-Semibold.ttf",
    "SourceSansPro-Bold.ttf", "SourceSansPro-BoldIt.ttf",
}
MARKDOWN_EXTENSIONS = ("tables", "attr_list", "admonition", "sane_lists")
TIMEZONE = ZoneInfo("Europe/Paris")
# Below this many PDFs to render, a process pool costs more than it saves.
POOL_THRESHOLD = 4
WORKERS_ENV = "REGISTRE_PDF_WORKERS"
ENGINE_PACKAGES = ("weasyprint", "pydyf", "fonttools", "tinycss2", "cssselect2", "tinyhtml5", "pyphen",
                   "nh3")  # the fonts are packaged files: their digest is in engine_versions()
HASHES_FILE = "annexes-sha256.json"
INDEX_FILE = "index.json"  # of the PDF store (see ActPdfs._store_index)


# -- downloadable files -------------------------------------------------------

@dataclass(frozen=True)
class PdfFile:
    """A downloadable PDF of an act, as offered on its page."""

    kind: str  # "genere" (rendered by the build) or "original" (signed file shipped with the act)
    site_path: str  # relative to the site root
    sha256: str
    size: int
    source: Path  # where its bytes are (cache or acts/)

    @property
    def filename(self) -> str:
        return self.site_path.rsplit("/", 1)[-1]

    @property
    def size_text(self) -> str:
        return human_size(self.size)


def human_size(size: int) -> str:
    """Size in French units: « 812 octets », « 45 Ko », « 1,2 Mo »."""
    if size < 1000:
        return f"{size} octets"
    if size < 1000 * 1000:
        return f"{round(size / 1000)} Ko"
    return f"{size / 1e6:.1f} Mo".replace(".", ",")


# -- rendering environment ----------------------------------------------------

def _font_directory() -> Path:
    """Source Sans Pro (SIL OFL 1.1), shipped with the package: see data/fonts/README.md."""
    return FONTS


@lru_cache(maxsize=1)
def _font_digest() -> str:
    directory = _font_directory()
    digest = hashlib.sha256()
    for name in sorted(FONT_FILES):
        digest.update(name.encode() + b"\0" + bytes.fromhex(file_sha256(directory / name)))
    return digest.hexdigest()


@lru_cache(maxsize=1)
def engine_versions() -> str:
    """Versions of everything that shapes the PDF bytes besides the HTML (read
    without importing WeasyPrint, so a warm build never loads it)."""
    packages = " ".join(f"{name}={metadata.version(name)}" for name in ENGINE_PACKAGES)
    pango = _library_version(("libpango-1.0.so.0", "libpango-1.0.0.dylib", "libpango-1.0-0.dll"),
                             "pango_version_string")
    harfbuzz = _library_version(("libharfbuzz.so.0", "libharfbuzz.0.dylib", "libharfbuzz-0.dll"),
                                "hb_version_string")
    return f"format={FORMAT_VERSION} {packages} pango={pango} harfbuzz={harfbuzz} fonts={_font_digest()}"


def _library_version(names: tuple[str, ...], function_name: str) -> str:
    """Version string of a system library WeasyPrint uses (Pango lays out the
    text, HarfBuzz shapes and subsets the fonts)."""
    import ctypes

    for name in names:
        try:
            function = getattr(ctypes.CDLL(name), function_name)
        except (OSError, AttributeError):
            continue
        function.restype = ctypes.c_char_p
        return function().decode()
    return "inconnue"


@lru_cache(maxsize=1)
def _templates_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted((TEMPLATES / "pdf").glob("*")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _stylesheet_text() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _jinja() -> jinja2.Environment:
    return document_environment()


def render_markdown(text: str) -> Markup:
    """Markdown of an act or annex → HTML, its headings under the PDF's own; sanitised by the
    site's policy (:mod:`registre.checks.html_policy`: no script, no link but http(s), mailto, tel or
    relative), so it is safe to mark for the template."""

    return Markup(sanitize(markdown.markdown(demote_headings(text), extensions=list(MARKDOWN_EXTENSIONS),
                                             output_format="html")))


def _noon_in_paris(day: date) -> str:
    return datetime.combine(day, time(12, 0), tzinfo=TIMEZONE).isoformat(timespec="seconds")


def document_dates(act: Act) -> tuple[str, str]:
    """(created, modified) of the PDF: the act's mise en ligne (or its date), and
    the latest date it mentions — so the same act always gets the same dates."""
    created = act.publication or act.date
    mentioned = [d for d in (act.date, act.publication, act.notification, act.transmission.date) if d]
    return _noon_in_paris(created), _noon_in_paris(max(mentioned))


# -- one render, in this process or in a worker --------------------------------

@dataclass(frozen=True)
class RenderJob:
    html: str
    base_url: str
    identifier: str  # PDF /ID: derived from the act's content hash
    target: str  # cache file to write


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class FontsOnlyFetcher(URLFetcher):
        """Serves the packaged fonts and nothing else: no file of the machine,
        no network, so the PDF depends on the act alone."""

        def fetch(self, url, headers=None):
            if url.startswith(FONT_SCHEME):
                name = url[len(FONT_SCHEME):]
                if name in FONT_FILES:
                    data = (_font_directory() / name).read_bytes()
                    return URLFetcherResponse(url, body=data, headers={"Content-Type": "font/ttf"})
            raise ValueError(f"ressource externe non chargée dans le PDF : {url[:80]}")

    return FontsOnlyFetcher


@lru_cache(maxsize=1)
def _engine():
    """(URL fetcher, fonts, stylesheet), loaded once per process: parsing the CSS
    and loading the fonts would otherwise cost about a quarter of each render.
    The stylesheet has no relative URL, so it needs no base URL."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fetcher = _fetcher_class()()
    fonts = FontConfiguration()
    stylesheet = weasyprint.CSS(string=_stylesheet_text(), url_fetcher=fetcher, font_config=fonts)
    return fetcher, fonts, stylesheet


def render_pdf(job: RenderJob) -> bytes:
    """HTML → PDF/A-3b bytes."""
    import weasyprint

    fetcher, fonts, stylesheet = _engine()
    document = weasyprint.HTML(string=job.html, base_url=job.base_url, url_fetcher=fetcher)
    weasy_log = logging.getLogger("weasyprint")
    level = weasy_log.level
    weasy_log.setLevel(logging.CRITICAL)  # blocked external resources (images) are expected, not news
    try:
        return document.write_pdf(
            stylesheets=[stylesheet], font_config=fonts, pdf_variant=PDF_VARIANT, pdf_tags=True,
            pdf_identifier=job.identifier.encode("ascii"), custom_metadata=False, full_fonts=False)
    finally:
        weasy_log.setLevel(level)


def render_with_fonts(html: str, stylesheet: str, identifier: str) -> bytes:
    """HTML with its own stylesheet (which may use the packaged fonts through ``registre-police:``)
    → PDF/A-3b bytes, by the same engine as the acts' PDFs (the printed registers use it)."""
    import weasyprint

    fetcher, fonts, _ = _engine()
    css = weasyprint.CSS(string=stylesheet, url_fetcher=fetcher, font_config=fonts)
    document = weasyprint.HTML(string=html, base_url="", url_fetcher=fetcher)
    return document.write_pdf(
        stylesheets=[css], font_config=fonts, pdf_variant=PDF_VARIANT, pdf_tags=True,
        pdf_identifier=identifier.encode("ascii"), custom_metadata=False, full_fonts=False)


def _render_to_file(job: RenderJob) -> int:
    data = render_pdf(job)
    target = Path(job.target)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, data)
    return len(data)


def _workers(count: int) -> int:
    configured = os.environ.get(WORKERS_ENV, "").strip()
    if configured.isdigit():
        wanted = int(configured)
    else:
        wanted = os.cpu_count() or 1
    return max(1, min(wanted, count))


def _pool_context():
    """A "fork" context when forking is safe (POSIX, no other thread running, as
    in ``mkdocs build``); else None, and PDFs are rendered in this process.
    Forking needs no re-import of ``__main__`` (spawn and forkserver do)."""
    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return None
    return multiprocessing.get_context("fork")


# -- the PDFs of one build ----------------------------------------------------

def _recorded_hash_path(pdf: Path) -> Path:
    return pdf.with_suffix(".sha256")


def _recorded_hash_text(pdf: Path, sha256: str) -> bytes:
    """What is written beside a stored PDF: its SHA-256, then the SHA-256 of its store key
    (its name) and of that SHA-256, so that a PDF copied with its record under another key's
    name (another act's HTML) is not taken for that key's PDF."""
    bound = bytes_sha256(pdf.stem.encode("ascii") + b"\0" + sha256.encode("ascii"))
    return f"{sha256} {bound}".encode("ascii")


def _read_recorded_hash(pdf: Path) -> str | None:
    """The SHA-256 recorded beside a stored PDF when it was rendered (None: none, not a hash,
    or recorded under another name)."""
    try:
        value = _recorded_hash_path(pdf).read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        return None
    sha256, _, _ = value.partition(" ")
    return sha256 if is_sha256(sha256) and value.encode("ascii") == _recorded_hash_text(pdf, sha256) else None


def _read_json_object(path: Path) -> dict:
    """A table :func:`_write_json` wrote, if it still has the SHA-256 recorded on its first line;
    else empty (edited, damaged or older: what it said is worked out again, never trusted)."""
    try:
        recorded, _, text = path.read_bytes().partition(b"\n")
        if recorded.decode("ascii") != bytes_sha256(text):
            return {}
        data = json.loads(text)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_json(path: Path, data: dict) -> None:
    """``data`` as JSON after a first line holding its SHA-256 (see :func:`_read_json_object`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, sort_keys=True, separators=(",", ":")).encode("utf-8")
    write_atomic(path, bytes_sha256(text).encode("ascii") + b"\n" + text)


class PdfError(RuntimeError):
    """A PDF could not be generated; the message (French) names the act and the fix."""


@dataclass
class _Batch:
    """PDFs rendered together by one pool of worker processes."""

    pool: concurrent.futures.ProcessPoolExecutor
    started: float
    left: int


@dataclass
class PdfStats:
    rendered: int = 0
    reused: int = 0
    seconds: float = 0.0
    workers: int = 0


class ActPdfs:
    """The PDFs of the acts of one register, cached under ``cache_dir``."""

    def __init__(self, register: Register, cache_dir: Path, site_url: str = ""):
        self.register = register
        self.cache_dir = Path(cache_dir) / "pdf"
        self.site_url = site_url
        self.stats = PdfStats()
        self._files: dict[str, PdfFile] = {}
        self._originals: dict[str, PdfFile | None] = {}
        self._hashes_changed = False
        self._index_changed = False
        # identifier → (act, fingerprint, job, future, batch): PDFs rendered by workers, not collected yet
        self._rendering: dict[str, tuple] = {}

    # -- what goes into a PDF --
    def page_url(self, act: Act) -> str:
        return f"{self.site_url}{act_url(act.identifier)}" if self.site_url else act_url(act.identifier)

    def context(self, act: Act) -> dict:
        view = ActView(act, self.register)
        created, modified = document_dates(act)
        annexes = []
        for annex in act.annexes:
            source = self.register.acts_root / annex.path
            if annex.is_markdown:
                text = masked(source.read_text(encoding="utf-8-sig"), act)
                annexes.append({"annex": annex, "html": render_markdown(text), "sha256": None, "size": None})
            else:
                annexes.append({"annex": annex, "html": None, "sha256": file_sha256(source),
                                "size": human_size(source.stat().st_size)})
        original = None
        if act.original:
            source = self.register.acts_root / act.original
            original = {"filename": source.name, "sha256": self.file_hash(source),
                        "size": human_size(source.stat().st_size)}
        return {
            "a": view, "act": act, "original": original, "config": self.register.config, "body_html": render_markdown(view.body),
            "annexes": annexes, "content_hash": content_hash(act), "page_url": self.page_url(act),
            "created": created, "modified": modified,
        }

    def html(self, act: Act) -> str:
        return _jinja().get_template(TEMPLATE).render(self.context(act))

    def job(self, act: Act) -> tuple[str, RenderJob]:
        """(cache key, render job) for ``act``: renders the HTML, not the PDF."""
        html = self.html(act)
        key = text_sha256("\0".join((engine_versions(), _stylesheet_text(), html)))
        target = self.cache_dir / key[:2] / f"{key}.pdf"
        return key, RenderJob(html=html, base_url=self.page_url(act) if self.site_url else "",
                              identifier=content_hash(act)[:32], target=str(target))

    def fingerprint(self, act: Act) -> str:
        """SHA-256 of everything the PDF's HTML is made from (the act's fields and
        text, its annexes, the acts it changes, the commune's settings, the
        templates and the engine): a warm build finds the PDF from it without
        rendering Markdown or HTML.  The PDF's own key stays the HTML's hash."""
        changes = []
        for kind in ("modifie", "abroge", "retire", "rectifie"):
            for ident in getattr(act, kind):
                target = self.register.by_id.get(ident)
                changes.append([kind, ident, target.raw if target else None])
        inputs = {
            "raw": act.raw,
            "annexes": [[a.path, a.titre, self.file_hash(self.register.acts_root / a.path)] for a in act.annexes],
            "changes": changes,
            "original": self.file_hash(self.register.acts_root / act.original) if act.original else None,
        }
        digest = hashlib.sha256(self._build_inputs)
        digest.update(json.dumps(inputs, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8"))
        digest.update(b"\0" + act.body.encode("utf-8"))  # the text apart: no JSON escaping of 10,000 bodies
        return digest.hexdigest()

    @cached_property
    def _build_inputs(self) -> bytes:
        """What every act's PDF depends on: engine, templates, site URL, the commune's settings."""
        config = {k: v for k, v in asdict(self.register.config).items() if k != "today"}
        inputs = {"engine": engine_versions(), "templates": _templates_digest(), "site_url": self.site_url,
                  "config": config}
        return hashlib.sha256(json.dumps(inputs, ensure_ascii=False, sort_keys=True, default=str).encode()).digest()

    def file_hash(self, path: Path) -> str:
        """SHA-256 of an annex, remembered by size and modification time."""
        stat = path.stat()
        known = self._hashes.get(str(path))
        if known and known[0] == stat.st_size and known[1] == stat.st_mtime_ns:
            remember_sha256(path, known[2], stat)
            return known[2]
        digest = file_sha256(path)
        self._hashes[str(path)] = [stat.st_size, stat.st_mtime_ns, digest]
        self._hashes_changed = True
        return digest

    @cached_property
    def _hashes(self) -> dict[str, list]:
        return _read_json_object(self.cache_dir / HASHES_FILE)

    @cached_property
    def _store_index(self) -> dict[str, list]:
        """fingerprint → [key, size, modification time (ns), SHA-256] of its PDF in the store:
        one file read per build instead of one per act."""
        return _read_json_object(self.cache_dir / INDEX_FILE)

    def _store_path(self, key: str) -> Path:
        return self.cache_dir / key[:2] / f"{key}.pdf"

    def _indexed(self, fingerprint: str) -> tuple[Path, str] | None:
        """(store file, SHA-256 recorded when it was rendered) of the PDF indexed under ``fingerprint``."""
        entry = self._store_index.get(fingerprint)
        if not (isinstance(entry, list) and len(entry) == 4):
            return None
        key, size, mtime, sha256 = entry
        if not (is_sha256(key) and is_sha256(sha256) and type(size) is int and type(mtime) is int):
            return None  # not what _stored writes: found again through its HTML
        return self._store_path(key), sha256

    @cached_property
    def _rendered_hashes(self) -> dict[str, str]:
        """Store key → SHA-256 recorded when that PDF was rendered (from the index)."""
        return {entry[0]: entry[3] for entry in self._store_index.values()
                if isinstance(entry, list) and len(entry) == 4 and is_sha256(entry[0]) and is_sha256(entry[3])}

    def _lookup(self, act: Act, fingerprint: str, hashes: dict) -> PdfFile | None:
        """The act's PDF in the store, if its bytes still have the SHA-256 recorded when it was
        rendered (``hashes``: store file → its SHA-256 now); a damaged or edited PDF is rendered again."""
        indexed = self._indexed(fingerprint)
        if indexed is None:
            return None
        path, sha256 = indexed
        if hashes.get(path) != sha256:
            return None  # store emptied, or the file changed (a published hard link edited): rendered again
        return PdfFile(kind="genere", site_path=pdf_site_path(act), sha256=sha256, size=path.stat().st_size,
                       source=path)

    def _stored(self, fingerprint: str, act: Act, path: Path, sha256: str | None = None) -> PdfFile:
        """Index the store's ``path`` (just rendered, or found by its HTML) under ``fingerprint``."""
        stat = path.stat()
        if sha256 is None:  # just rendered: its hash recorded beside it too, should the index be lost
            sha256 = file_sha256(path)
            write_atomic(_recorded_hash_path(path), _recorded_hash_text(path, sha256))
        self._store_index[fingerprint] = [path.stem, stat.st_size, stat.st_mtime_ns, sha256]
        self._rendered_hashes[path.stem] = sha256
        self._index_changed = True
        return PdfFile(kind="genere", site_path=pdf_site_path(act), sha256=sha256, size=stat.st_size, source=path)

    def save(self) -> None:
        """Keep the remembered annex hashes and the store's index for the next build."""
        if self._hashes_changed:
            _write_json(self.cache_dir / HASHES_FILE, self._hashes)
            self._hashes_changed = False
        if self._index_changed:
            _write_json(self.cache_dir / INDEX_FILE, self._store_index)
            self._index_changed = False

    # -- rendering --
    def prepare(self, acts: Iterable[Act], *, wait: bool = True) -> None:
        """Render, in parallel, the PDFs of ``acts`` that are not cached yet.  ``wait=False``:
        when worker processes can be forked, the renders go on while the build does other
        work (a warm build computes 10,000 page keys meanwhile); :meth:`generated` and
        :meth:`wait` collect them."""
        pending: list[tuple[Act, str, RenderJob]] = []
        todo = [(act, self.fingerprint(act)) for act in acts
                if act.identifier not in self._files and act.identifier not in self._rendering]
        # Every stored PDF is checked against the hash recorded when it was rendered before it is used.
        hashes = sha256_many(indexed[0] for indexed in map(self._indexed, (fp for _, fp in todo)) if indexed)
        for act, fingerprint in todo:
            cached = self._lookup(act, fingerprint, hashes)
            if cached is not None:
                self._files[act.identifier] = cached
                self.stats.reused += 1
                continue
            key, job = self.job(act)
            target = Path(job.target)
            # Same HTML as an earlier render (e.g. an unrelated setting changed), and the same bytes.
            recorded = self._rendered_hashes.get(key) or _read_recorded_hash(target)
            if target.is_file() and recorded is not None and file_sha256(target) == recorded:
                self._files[act.identifier] = self._stored(fingerprint, act, target, recorded)
                self.stats.reused += 1
            else:
                target.unlink(missing_ok=True)  # damaged, or never recorded: rendered again, as a new file
                _recorded_hash_path(target).unlink(missing_ok=True)
                pending.append((act, fingerprint, job))
        if pending:
            workers = _workers(len(pending))
            forked = (workers > 1 and len(pending) >= POOL_THRESHOLD) or not wait
            context = _pool_context() if forked else None
            self.stats.workers = max(self.stats.workers, 1 if context is None else workers)
            if context is None:
                started = clock.perf_counter()
                for act, fingerprint, job in pending:
                    self._render(act, job, _render_to_file)
                    self._files[act.identifier] = self._stored(fingerprint, act, Path(job.target))
                self.stats.seconds += clock.perf_counter() - started
                self.stats.rendered += len(pending)
            else:
                batch = _Batch(concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context),
                               clock.perf_counter(), len(pending))
                for act, fingerprint, job in pending:
                    self._rendering[act.identifier] = (act, fingerprint, job, batch.pool.submit(_render_to_file, job),
                                                       batch)
        if wait:
            self.wait()
        else:
            self.save()

    def rendering(self, act: Act) -> bool:
        """Whether the PDF of ``act`` is being rendered by a worker (see :meth:`prepare`)."""
        return act.identifier in self._rendering

    def _collect(self, identifier: str) -> None:
        act, fingerprint, job, future, batch = self._rendering.pop(identifier)
        try:
            self._render(act, job, lambda _job: future.result())
        except BaseException:
            self.close()
            raise
        self._files[identifier] = self._stored(fingerprint, act, Path(job.target))
        self.stats.rendered += 1
        batch.left -= 1
        if batch.left == 0:
            self.stats.seconds += clock.perf_counter() - batch.started
            batch.pool.shutdown()

    def wait(self) -> None:
        """Collect every PDF still being rendered, and keep the store's index."""
        for identifier in list(self._rendering):
            self._collect(identifier)
        self.save()

    def close(self) -> None:
        """Stop the renders still going (the build failed)."""
        rendering, self._rendering = self._rendering, {}
        for batch in {id(entry[4]): entry[4] for entry in rendering.values()}.values():
            batch.pool.shutdown(wait=False, cancel_futures=True)

    def _render(self, act: Act, job: RenderJob, render) -> None:
        try:
            render(job)
        except OSError as exc:
            if "pango" in str(exc).lower() or "harfbuzz" in str(exc).lower() or "gobject" in str(exc).lower():
                raise PdfError(f"{self._where(act)} : génération du PDF impossible, une bibliothèque système "
                               f"manque ({exc}). Correction : installez les paquets libpango-1.0-0, "
                               "libpangoft2-1.0-0, libharfbuzz-subset0 et fonts-dejavu-core (Debian).") from exc
            raise PdfError(f"{self._where(act)} : génération du PDF impossible ({exc}). Correction : vérifiez "
                           f"l'espace disque et les droits du dossier {self.cache_dir}.") from exc
        except Exception as exc:  # WeasyPrint on unusual content: name the act, never a bare traceback
            raise PdfError(f"{self._where(act)} : génération du PDF impossible ({type(exc).__name__} : {exc}). "
                           "Correction : simplifiez la mise en forme du texte (tableaux très larges, "
                           "éléments imbriqués) ou signalez le problème avec ce fichier.") from exc

    def _where(self, act: Act) -> str:
        return display_path(self.register.acts_root / act.source)

    def generated_files(self) -> list[PdfFile]:
        """The generated PDFs prepared so far (each in the store)."""
        self.wait()
        return [pdf for pdf in self._files.values() if pdf.kind == "genere"]

    def generated(self, act: Act) -> PdfFile:
        """The generated PDF of ``act``, rendered now if not cached."""
        if act.identifier in self._rendering:
            self._collect(act.identifier)
        elif act.identifier not in self._files:
            self.prepare([act])
        return self._files[act.identifier]

    def original(self, act: Act) -> PdfFile | None:
        """The signed original shipped with ``act`` (``original: …pdf``), if any."""
        if not act.original:
            return None
        if act.identifier not in self._originals:
            source = self.register.acts_root / act.original
            self._originals[act.identifier] = PdfFile(
                kind="original", site_path=original_site_path(act), sha256=file_sha256(source),
                size=source.stat().st_size, source=source)
        return self._originals[act.identifier]

    def downloads(self, act: Act | ActView) -> list[PdfFile]:
        """What the act page offers: the signed original first, when there is one,
        then the PDF generated by the build (full text and legal mentions)."""
        act = act.act if isinstance(act, ActView) else act
        files = [self.original(act)] if act.original else []
        if not self.register.config.pdf:  # `pdf: false`: the signed originals only
            return files
        return files + [self.generated(act)]

    def summary(self) -> str:
        stats = self.stats
        done = f"registre : PDF des actes : {stats.rendered} générés, {stats.reused} repris du cache"
        if stats.rendered:
            done += (f" ({stats.seconds * 1000 / stats.rendered:.0f} ms par PDF généré, "
                     f"{stats.workers} processus)")
        return done + "."


# One ActPdfs per build, shared by the act pages and the post-build step.
_current: tuple[Register, Path, str, ActPdfs] | None = None


def pdfs_for(register: Register, cache_dir: Path, site_url: str = "") -> ActPdfs:
    """The :class:`ActPdfs` of this build (the same object for pages and step)."""
    global _current
    if _current is not None:
        known_register, known_dir, known_url, pdfs = _current
        if known_register is register and known_dir == Path(cache_dir) and known_url == site_url:
            return pdfs
    pdfs = ActPdfs(register, cache_dir, site_url)
    _current = (register, Path(cache_dir), site_url, pdfs)
    return pdfs


# -- post-build step ----------------------------------------------------------

def write_pdfs(build: BuildContext) -> None:
    """Post-build step: ``actes/<id>/<id>.pdf`` (and the signed original) for each act online."""
    register = build.register
    pdfs = pdfs_for(register, build.cache_dir, build.site_url)
    online = [act for act in register.acts if is_online(act, register.today) and build.builds_year(act.year)]
    if register.config.pdf:
        pdfs.prepare(online)
    for act in online:
        for pdf in pdfs.downloads(act):
            if pdf.site_path in build.published_files:
                continue  # linked by the plugin while the pages were rendered
            _copy_if_changed(pdf.source, build.site_dir / pdf.site_path, pdf.sha256, link=pdf.kind == "genere")
            if build.act_files is not None:
                build.act_files[pdf.site_path] = pdf.sha256
    log.info(pdfs.summary())


def _copy_if_changed(source: Path, target: Path, sha256: str, *, link: bool = False) -> None:
    """``link``: a file of the cache, published as a hard link (see :func:`link_or_copy`); a
    signed original from acts/ is always copied, so nothing done to the site can reach it."""
    try:
        if target.stat().st_size == source.stat().st_size and file_sha256(target) == sha256:
            return
    except OSError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    if link:
        link_or_copy(source, target)
    else:
        tmp = target.with_name(target.name + ".tmp")
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)


# -- ledger --------------------------------------------------------------------

def project_cache_dir(register: Register) -> Path:
    """``.cache/registre`` beside mkdocs.yml, the folder ``acts_dir`` is relative to
    (``acts/`` by default, but ``archives/actes`` works too), as ``mkdocs build`` uses."""
    acts_dir = Path(register.config.acts_dir)
    root = register.acts_root
    depth = len(acts_dir.parts)
    if not acts_dir.is_absolute() and ".." not in acts_dir.parts and 0 < depth < len(root.parts) \
            and root.parts[-depth:] == acts_dir.parts:
        root = root.parents[depth - 1]
    else:
        root = root.parent
    return cache_root(root)


def sealed_pdf_records(register: Register, act: Act) -> list:
    """Ledger provider: the generated PDF of ``act`` is sealed like its annexes.

    Same cache and site URL as ``mkdocs build`` (``.cache/registre`` beside
    mkdocs.yml, ``site_url``), so ``registre seal`` before a build renders the
    PDF once and the build reuses it byte for byte."""

    if not register.config.pdf:
        return []
    pdfs = pdfs_for(register, project_cache_dir(register), register.config.site_url)
    if act.identifier not in pdfs._files:  # render every act's PDF in one parallel batch
        pdfs.prepare([a for a in register.online if a.identifier not in pdfs._files] + [act])
        pdfs.save()
    generated = pdfs.generated(act)
    return [FileRecord("pdf", generated.sha256, publie=generated.site_path)]
