"""The séance pages with their files: the PDF/A of the liste des délibérations and of the procès-verbal.

L2121-25 CGCT: the liste des délibérations examinées is posted at the mairie and put online within a
week of the séance; L2121-15: the procès-verbal is published online within a week of the séance that
arrêté it.  The build renders both as PDF/A-3b with the engine of the acts' PDFs
(:mod:`registre.publish.pdf`: WeasyPrint, the packaged fonts, the sanitised Markdown, no network),
from the templates ``templates/pdf/seance-liste.html`` and ``templates/pdf/seance-pv.html`` styled by
the acts' stylesheet.  The bytes are deterministic: the document dates are the liste's and the PV's
own publication dates, the document identifier is derived from the HTML.

They are cached in the acts' PDF store (``<cache>/pdf/<k[:2]>/<k>.pdf``), keyed like the acts' PDFs
by the SHA-256 of the engine's versions, the stylesheet and the HTML, each with the SHA-256 recorded
beside it when it was rendered: a stored file whose bytes no longer give that hash is rendered again,
never published.

What is published (:func:`write_seance_files`, a step of :data:`registre.publish.steps.STEPS`), under
the séance's folder ``seances/<AAAA-MM-JJ>/``: the liste once it is online, the PV once it is
published and has a text, and the signed PV (``proces_verbal.original``) as it is.  The séance page
lists them with their size and SHA-256 (:func:`seance_pages`, a page provider), and their hashes go
into the « Vérifier un document » index (:func:`seance_hashes`, read by
:mod:`registre.publish.verify_page`), under the séance's year.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Iterable, Iterator

from registre.domain.addresses import seance_liste_pdf_path, seance_pv_original_path, seance_pv_pdf_path
from registre.domain.paths import display_path
from registre.domain.register import Register
from registre.files.atomic_write import write_atomic
from registre.publish.context import BuildContext
from registre.publish.pdf import (
    POOL_THRESHOLD,
    PdfError,
    RenderJob,
    _copy_if_changed,
    _jinja,
    _noon_in_paris,
    _pool_context,
    _read_recorded_hash,
    _recorded_hash_path,
    _recorded_hash_text,
    _render_to_file,
    _stylesheet_text,
    _workers,
    engine_versions,
    human_size,
    project_cache_dir,
    render_markdown,
)
from registre.seal.hashing import file_sha256
from registre.seal.ledger import FileRecord, Ledger
from registre.seal.seance_ledger import ROLES
from registre.site.pages import GeneratedPage
from registre.site.seance_view import Download, SeanceView, seance_views
from registre.site.seance_view import seance_pages as site_seance_pages

LISTE_TEMPLATE = "pdf/seance-liste.html"
PV_TEMPLATE = "pdf/seance-pv.html"

LABELS = {
    "liste": "Liste des délibérations au format PDF/A, à afficher en mairie",
    "proces-verbal": "Procès-verbal au format PDF/A",
    "original": "Procès-verbal signé (original)",
}
# In the « Vérifier un document » index: (nature, what the file is, what it publishes).
NATURES = {
    "liste": ("liste", "liste des délibérations au format PDF/A",
              "liste des délibérations examinées (article L2121-25 du CGCT)"),
    "proces-verbal": ("proces-verbal", "procès-verbal au format PDF/A", "procès-verbal (article L2121-15 du CGCT)"),
    "original": ("proces-verbal-original", "procès-verbal signé (original numérisé)",
                 "procès-verbal (article L2121-15 du CGCT)"),
}


@dataclass(frozen=True)
class SeanceFile:
    """A file published in a séance's folder."""

    kind: str  # "liste", "proces-verbal" (rendered by the build) or "original" (the signed PV, as it is)
    day: date
    site_path: str
    sha256: str
    size: int
    source: Path  # where its bytes are (the PDF store, or acts/)

    @property
    def generated(self) -> bool:
        return self.kind != "original"

    def download(self) -> Download:
        return Download(kind=self.kind, label=LABELS[self.kind], site_path=self.site_path, sha256=self.sha256,
                        size_text=human_size(self.size))


class SeancePdfs:
    """The files of the séances of one register; the rendered ones in the acts' PDF store."""

    def __init__(self, register: Register, cache_dir: Path, site_url: str = ""):
        self.register = register
        self.cache_dir = Path(cache_dir) / "pdf"
        self.site_url = site_url
        self._files: dict[tuple[date, str], SeanceFile] = {}
        self.rendered = 0
        self.reused = 0

    @cached_property
    def views(self) -> list[SeanceView]:
        """The séances with a page, each offering its files."""
        return seance_views(self.register, self.downloads)

    # -- what is published --
    def generated_kinds(self, view: SeanceView) -> list[str]:
        """The PDFs/A the build makes for ``view`` today (none with ``pdf: false``)."""
        if view.seance is None or not self.register.config.pdf:
            return []
        kinds = []
        if view.liste_online:
            kinds.append("liste")
        if view.pv_online and view.seance.body.strip():
            kinds.append("proces-verbal")
        return kinds

    def original(self, view: SeanceView) -> SeanceFile | None:
        """The signed PV, once the PV is published."""
        pv = view.seance.proces_verbal if view.seance else None
        if pv is None or not pv.original or not view.pv_online:
            return None
        key = (view.day, "original")
        if key not in self._files:
            source = self.register.acts_root / pv.original
            self._files[key] = SeanceFile("original", view.day, seance_pv_original_path(view.day),
                                          file_sha256(source), source.stat().st_size, source)
        return self._files[key]

    def files(self, view: SeanceView) -> list[SeanceFile]:
        """Every file of ``view``'s folder: the liste, the PV, the signed PV."""
        kinds = self.generated_kinds(view)
        missing = [kind for kind in kinds if (view.day, kind) not in self._files]
        if missing:
            self.prepare([view])
        found = [self._files[(view.day, kind)] for kind in kinds]
        original = self.original(view)
        return found + ([original] if original is not None else [])

    def downloads(self, view: SeanceView) -> list[Download]:
        return [f.download() for f in self.files(view)]

    # -- rendering --
    def page_url(self, view: SeanceView) -> str:
        return f"{self.site_url}{view.url}" if self.site_url else view.url

    def html(self, view: SeanceView, kind: str) -> str:
        seance = view.seance
        publication = seance.liste_publication if kind == "liste" else seance.proces_verbal.publication
        context = {
            "s": view, "config": self.register.config, "page_url": self.page_url(view),
            "created": _noon_in_paris(publication), "modified": _noon_in_paris(publication),
            "body_html": render_markdown(seance.body) if kind == "proces-verbal" else "",
            "original": None,
        }
        if kind == "proces-verbal":
            original = self.original(view)
            if original is not None:
                context["original"] = {"filename": original.site_path.rsplit("/", 1)[-1], "sha256": original.sha256,
                                       "size": human_size(original.size)}
        template = LISTE_TEMPLATE if kind == "liste" else PV_TEMPLATE
        return _jinja().get_template(template).render(context)

    def job(self, view: SeanceView, kind: str) -> RenderJob:
        html = self.html(view, kind)
        key = hashlib.sha256("\0".join((engine_versions(), _stylesheet_text(), html)).encode("utf-8")).hexdigest()
        return RenderJob(html=html, base_url=self.page_url(view) if self.site_url else "",
                         identifier=hashlib.sha256(html.encode("utf-8")).hexdigest()[:32],
                         target=str(self.cache_dir / key[:2] / f"{key}.pdf"))

    def prepare(self, views: Iterable[SeanceView]) -> None:
        """Find in the store, or render (in parallel when there are several), the PDFs of ``views``."""
        pending: list[tuple[SeanceView, str, RenderJob]] = []
        for view in views:
            for kind in self.generated_kinds(view):
                if (view.day, kind) in self._files:
                    continue
                job = self.job(view, kind)
                target = Path(job.target)
                recorded = _read_recorded_hash(target)
                # A stored PDF is used only if its bytes still give the hash recorded when it was rendered.
                if target.is_file() and recorded is not None and file_sha256(target) == recorded:
                    self._store(view, kind, target, recorded)
                    self.reused += 1
                else:
                    target.unlink(missing_ok=True)
                    _recorded_hash_path(target).unlink(missing_ok=True)
                    pending.append((view, kind, job))
        if not pending:
            return
        workers = _workers(len(pending))
        context = _pool_context() if workers > 1 and len(pending) >= POOL_THRESHOLD else None
        if context is None:
            for view, kind, job in pending:
                self._render(view, kind, job, _render_to_file)
        else:
            with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                futures = [(view, kind, job, pool.submit(_render_to_file, job)) for view, kind, job in pending]
                for view, kind, job, future in futures:
                    self._render(view, kind, job, lambda _job, future=future: future.result())

    def _render(self, view: SeanceView, kind: str, job: RenderJob, render) -> None:
        what = "de la liste des délibérations" if kind == "liste" else "du procès-verbal"
        where = display_path(self.register.acts_root / view.seance.source)
        try:
            render(job)
        except OSError as exc:
            raise PdfError(f"{where} : génération du PDF {what} impossible ({exc}). Correction : vérifiez "
                           f"l'espace disque et les droits du dossier {self.cache_dir}.") from exc
        except Exception as exc:  # WeasyPrint on unusual content: name the file, never a bare traceback
            raise PdfError(f"{where} : génération du PDF {what} impossible ({type(exc).__name__} : {exc}). "
                           "Correction : simplifiez la mise en forme du texte du procès-verbal (tableaux très "
                           "larges, éléments imbriqués) ou signalez le problème avec ce fichier.") from exc
        target = Path(job.target)
        sha256 = file_sha256(target)
        write_atomic(_recorded_hash_path(target), _recorded_hash_text(target, sha256))
        self._store(view, kind, target, sha256)
        self.rendered += 1

    def _store(self, view: SeanceView, kind: str, path: Path, sha256: str) -> None:
        site_path = seance_liste_pdf_path(view.day) if kind == "liste" else seance_pv_pdf_path(view.day)
        self._files[(view.day, kind)] = SeanceFile(kind, view.day, site_path, sha256, path.stat().st_size, path)


# One SeancePdfs per build, shared by the séance pages, the publishing step and the verify index.
_current: tuple[Register, Path, str, SeancePdfs] | None = None


def seance_pdfs_for(register: Register) -> SeancePdfs:
    """The :class:`SeancePdfs` of this build: the cache and site URL of ``mkdocs build``
    (``.cache/registre`` beside mkdocs.yml, ``site_url``), as for the acts' PDFs in ``registre seal``."""
    global _current
    cache_dir, site_url = project_cache_dir(register), register.config.site_url
    if _current is not None:
        known_register, known_dir, known_url, pdfs = _current
        if known_register is register and known_dir == cache_dir and known_url == site_url:
            return pdfs
    pdfs = SeancePdfs(register, cache_dir, site_url)
    _current = (register, cache_dir, site_url, pdfs)
    return pdfs


# -- page provider, step, verify index ----------------------------------------

def seance_pages(register: Register) -> Iterator[GeneratedPage]:
    """Page provider: the séances index and each séance's page, its files rendered first."""
    pdfs = seance_pdfs_for(register)
    pdfs.prepare(pdfs.views)
    yield from site_seance_pages(register, pdfs.views)


def seance_files(register: Register) -> list[SeanceFile]:
    pdfs = seance_pdfs_for(register)
    pdfs.prepare(pdfs.views)
    return [f for view in pdfs.views for f in pdfs.files(view)]


def write_seance_files(build: BuildContext) -> None:
    """Step: the liste, the PV and the signed PV into each séance's folder (the pages list them)."""
    for f in seance_files(build.register):
        _copy_if_changed(f.source, build.site_dir / f.site_path, f.sha256, link=f.generated)


def seance_file_years(register: Register) -> set[int]:
    """Years of the séances that may publish a file (liste online, or PV published)."""
    return {view.day.year for view in seance_pdfs_for(register).views if view.liste_online or view.pv_online}


def seance_file_records(register: Register) -> dict[str, list[FileRecord]]:
    """séance identifier → the records of the files it publishes today, for the sealed register
    (roles ``liste``, ``pv``, ``pv_original``: :data:`registre.seal.seance_ledger.ROLES`)."""
    records: dict[str, list[FileRecord]] = {}
    pdfs = seance_pdfs_for(register)
    pdfs.prepare(pdfs.views)
    for view in pdfs.views:
        if view.seance is None:
            continue
        for f in pdfs.files(view):
            chemin = view.seance.proces_verbal.original if f.kind == "original" else None
            records.setdefault(view.identifier, []).append(
                FileRecord(ROLES[f.kind], f.sha256, chemin=chemin, publie=f.site_path))
    return records


ROLE_KINDS = {role: kind for kind, role in ROLES.items()}


def seance_hashes(register: Register, ledger: Ledger | None = None,
                  sealed_on: dict[tuple[str, str], str] | None = None) -> dict[int, dict[str, list[dict]]]:
    """year → SHA-256 → what it is, for every file of the séances, as the verify index lists them:
    the files published today, and the earlier versions the sealed register (``ledger``) holds, each
    with the day it was sealed (``sealed_on``: (séance, SHA-256) → day)."""
    by_year: dict[int, dict[str, list[dict]]] = {}
    sealed_on = sealed_on or {}
    views = {view.day: view for view in seance_pdfs_for(register).views}

    def add(view: SeanceView, kind: str, site_path: str, sha256: str, current: bool) -> None:
        nature, label, objet = NATURES[kind]
        item = {"acte": view.identifier, "titre": "Séance du conseil municipal", "date": view.date_text,
                "objet": objet, "url": view.url, "nature": nature, "libelle": label, "fichier": site_path,
                "actuel": current, "scelle_le": sealed_on.get((view.identifier, sha256)),
                "lien": "Voir la page de la séance"}
        items = by_year.setdefault(view.day.year, {}).setdefault(sha256, [])
        if item not in items:
            items.append(item)

    current: dict[str, set[str]] = {}
    for f in seance_files(register):
        view = views[f.day]
        add(view, f.kind, f.site_path, f.sha256, True)
        current.setdefault(view.identifier, set()).add(f.sha256)
    by_identifier = {view.identifier: view for view in views.values()}
    for identifier, sealed in (ledger.seances.items() if ledger is not None else ()):
        view = by_identifier.get(identifier)
        if view is None:
            continue
        for record in sealed.files:  # earlier versions still verify, as such
            if record.publie and record.role in ROLE_KINDS and record.sha256 not in current.get(identifier, ()):
                add(view, ROLE_KINDS[record.role], record.publie, record.sha256, False)
    return by_year


__all__ = ["SeanceFile", "SeancePdfs", "seance_pdfs_for", "seance_pages", "seance_files", "write_seance_files",
           "seance_file_years", "seance_hashes", "seance_file_records"]
