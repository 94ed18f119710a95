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

import logging
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .nomenclature import lookup
from .outputs import BuildContext
from .presentation import ActView
from .register import Register
from .site import GeneratedPage

log = logging.getLogger("mkdocs.plugins.registre")

SEARCH_URI = "recherche/"
BUNDLE_DIR = "pagefind"  # where the index and the UI are written, under the site
# Filter names as shown to citizens (the search page capitalises the first letter).
FILTER_NAMES = ("année", "type", "matière", "statut")
TIMEOUT_S = 1800
# Without a query the search page lists every act ("faceted" mode), which makes the browser download the
# whole word index: about 0.5 MB per 1,000 acts (measured: 5 MB at 10,000).  Above this many acts, the
# page asks for a word first, and browsing goes through the year, type and matière pages.
FACETED_MAX_ACTS = 1000


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


def pagefind_command(site_dir: Path) -> list[str]:
    return [str(pagefind_executable()), "--site", str(site_dir), "--output-subdir", BUNDLE_DIR, "--quiet"]


def index_site(build: BuildContext) -> None:
    """Post-build step: index the act pages of the built site with the Pagefind CLI."""
    site_dir = Path(build.site_dir)
    command = pagefind_command(site_dir)
    started = time.perf_counter()
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
    log.info("registre : index de recherche construit en %.1f s.", time.perf_counter() - started)


def search_pages(register: Register) -> Iterator[GeneratedPage]:
    """The search page: one box over every act, with filters."""
    yield GeneratedPage(
        src_uri=SEARCH_URI + "index.md",
        title="Rechercher un acte",
        template="registre/search.html",
        data={"search_filters": FILTER_NAMES, "search_faceted": len(register.online) <= FACETED_MAX_ACTS},
        description=f"Rechercher parmi les actes publiés par {register.config.commune} : texte, année, "
                    "type d'acte, matière et statut.",
    )
