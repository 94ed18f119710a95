"""Machine-readable copies of the register, written after the site is built.

:func:`write_exports` is the post-build step (see :mod:`registre.publish.steps`):
Atom and RSS feeds (:mod:`registre.publish.feeds`), the calendar of séances
(:mod:`registre.publish.ics`), the JSON export of every act online
(:mod:`registre.publish.actes_json`) and the SCDL « Délibérations » CSV
(:mod:`registre.publish.scdl`).  :func:`donnees_pages` adds the « Données ouvertes »
page that lists them.  Only acts online are exported, never scheduled ones.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Iterator

from registre.domain.addresses import CSV_PATH, DONNEES_URI, ICS_PATH, JSON_PATH
from registre.domain.register import Register
from registre.files.atomic_write import write_if_changed
from registre.publish.actes_json import RecordLines, actes_json
from registre.publish.context import BuildContext
from registre.publish.feeds import FORMATS, feed_files, feed_names, feed_path
from registre.publish.ics import seances_calendar
from registre.publish.scdl import SCDL_VERSION, scdl_csv
from registre.site.pages import GeneratedPage, PageKind

log = logging.getLogger("mkdocs.plugins.registre")

RECORDS_FILE = "actes-json-lignes.json"  # under the build's cache folder (see RecordLines)
FORMAT_LABELS = {"atom": "Atom", "rss": "RSS"}


@dataclass(frozen=True)
class ExportLink:
    path: str  # relative to the site root
    label: str
    media_type: str
    description: str = ""


def export_files(register: Register, site_url: str, lines: RecordLines | None = None) -> dict[str, bytes]:
    """Every export: {site-relative path: content}.  ``lines``: the records of actes.json
    kept from the previous build."""
    files = feed_files(register, site_url)
    files[ICS_PATH] = seances_calendar(register, site_url)
    files[JSON_PATH] = actes_json(register, site_url, lines)
    files[CSV_PATH] = scdl_csv(register, site_url)
    return files


def write_exports(build: BuildContext) -> None:
    if not build.site_url:
        log.warning("mkdocs.yml : « site_url » n'est pas indiqué ; les flux et les données ouvertes contiendront "
                    "des adresses relatives, inutilisables hors du site. Correction : ajoutez "
                    "« site_url: https://… » (l'adresse publique du registre) dans mkdocs.yml.")
    kept = build.reuse and build.act_page_keys
    lines = RecordLines(build.cache_dir / "exports" / RECORDS_FILE if kept else None, build.act_page_keys)
    for rel, content in export_files(build.register, build.site_url, lines).items():
        target = build.site_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        write_if_changed(target, content)





def feed_links() -> list[tuple[str, list[ExportLink]]]:
    """[(feed title, [Atom link, RSS link])], the overall feed first."""
    media = {"atom": "application/atom+xml", "rss": "application/rss+xml"}
    return [(title, [ExportLink(feed_path(name, fmt), FORMAT_LABELS[fmt], media[fmt]) for fmt in FORMATS])
            for name, title in feed_names()]


def data_links() -> list[ExportLink]:
    return [
        ExportLink(JSON_PATH, "Tous les actes (JSON)", "application/json",
                   "Chaque acte en ligne : identifiant, type, numéro, date, objet, signataire, matière, portée, "
                   "dates de publication, de notification et de transmission au représentant de l'État, date à "
                   "laquelle il est devenu exécutoire, fin du délai de recours, statut (en vigueur, modifié, "
                   "abrogé…), adresse de la page et des annexes."),
        ExportLink(CSV_PATH, "Délibérations au format SCDL (CSV)", "text/csv",
                   f"Schéma « Délibérations » {SCDL_VERSION} du socle commun des données locales "
                   "(OpenDataFrance, schema.data.gouv.fr), encodage UTF-8, séparateur virgule."),
        ExportLink(ICS_PATH, "Calendrier des séances du conseil municipal (iCalendar)", "text/calendar",
                   "Une journée par séance, avec la liste des délibérations examinées ; à ajouter à un agenda."),
    ]


def donnees_pages(register: Register) -> Iterator[GeneratedPage]:
    """Page provider (see :func:`registre.publish.steps.PAGE_PROVIDERS`)."""
    yield GeneratedPage(
        src_uri=DONNEES_URI + "index.md",
        title="Données ouvertes et flux",
        kind=PageKind.DONNEES,
        data={"feeds": feed_links(), "exports": data_links(), "scdl_version": SCDL_VERSION},
        description=f"Flux Atom et RSS des actes, calendrier des séances et données ouvertes du registre des "
                    f"actes de {register.config.commune} (JSON, CSV au format SCDL).",
    )
