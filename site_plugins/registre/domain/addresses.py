"""Every address of the public site: one definition of each.

The sealed register records where each file is published (``publie``), and
links, feeds and exports point to these addresses: changing one here changes
sealed data, so it is done here and nowhere else, and only on purpose.

Pages link to each other with relative URLs; a file that leaves the site (a
feed in a reader, a CSV in a data portal) needs absolute ones, built from
MkDocs' ``site_url`` (:func:`absolute`).  Without ``site_url`` the addresses
stay site-relative.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote, urlsplit

from registre.domain.model import Act, Annex

# Folders and files of the site (relative to its root; a folder ends with "/").
SEARCH_URI = "recherche/"
BUNDLE_DIR = "pagefind"  # where the search index and its UI are written
DONNEES_URI = "donnees/"
JSON_PATH = "donnees/actes.json"
CSV_PATH = "donnees/deliberations.csv"
FEED_DIR = "flux"
ICS_PATH = "flux/seances.ics"
MATIERES_URI = "registre/matieres/"
SEANCES_URI = "seances/"  # the séances index; each séance at seance_uri(day)
PAGE_URI = "verifier/"  # the « Vérifier un document » page
INDEX_PATH = "verifier/integrite.json"
SHARDS_DIR = "verifier/empreintes"


def act_url(identifier: str) -> str:
    """Site-relative URL of an act page; stable, derived from the identifier."""
    return f"actes/{identifier}/"


def seance_uri(day: date) -> str:
    """Address of the page of a council séance (its délibérations and donné acte)."""
    return f"{SEANCES_URI}{day.isoformat()}/"


def seance_liste_pdf_path(day: date) -> str:
    """The PDF/A of a séance's liste des délibérations (L2121-25), in the séance's folder."""
    return f"{seance_uri(day)}liste-des-deliberations-{day.isoformat()}.pdf"


def seance_pv_pdf_path(day: date) -> str:
    """The PDF/A of a séance's procès-verbal (L2121-15), in the séance's folder."""
    return f"{seance_uri(day)}proces-verbal-{day.isoformat()}.pdf"


def seance_pv_original_path(day: date) -> str:
    """The signed procès-verbal, published as it is."""
    return f"{seance_uri(day)}proces-verbal-{day.isoformat()}-original.pdf"


def annex_uri(act: Act, annex: Annex) -> str:
    """Where an annex is published, under its act's folder."""
    name = annex.filename
    if annex.is_markdown:
        return f"actes/{act.identifier}/annexes/{name[:-3]}/"
    return f"actes/{act.identifier}/annexes/{name}"


def annex_url(act: Act, annex: Annex) -> str:
    """The annex's address as written in a link: :func:`annex_uri` percent-encoded, so that
    a « # », « ? », « % », a space or an accent in the file name stays part of the name."""
    return quote(annex_uri(act, annex), safe="/")


def pdf_site_path(act: Act) -> str:
    """The PDF/A the build generates of the act."""
    return f"{act_url(act.identifier)}{act.identifier}.pdf"


def original_site_path(act: Act) -> str:
    """The signed original, published as it is."""
    return f"{act_url(act.identifier)}{act.identifier}-original.pdf"


def absolute(site_url: str, path: str) -> str:
    """``path`` (relative to the site root) joined to ``site_url``, percent-encoded."""
    path = quote(path.lstrip("/"), safe="/:@-._~!$&'()*+,;=%")
    if not site_url:
        return path
    return site_url.rstrip("/") + "/" + path


def host(site_url: str) -> str:
    """Host name of the site, or "" (used in calendar UIDs)."""
    return urlsplit(site_url).hostname or "" if site_url else ""
