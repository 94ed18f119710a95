"""Atom and RSS feeds of the latest acts put online, overall and per type.

``flux/actes.atom`` and ``flux/actes.rss`` list every kind of act;
``flux/<type>.atom`` / ``.rss`` one kind (deliberation, arrete, decision).
Entries are the acts most recently put online (publication date), newest
first; scheduled acts are not online, so not in any feed.  Built with the
``feedgen`` library, which escapes every text field.  The feed dates come
from the acts, never from the clock: the same register gives the same files.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from feedgen.feed import FeedGenerator

from registre.domain.addresses import FEED_DIR, absolute
from registre.domain.model import Act, ActType
from registre.domain.nomenclature import lookup
from registre.domain.register import Register
from registre.site.presentation import ActView

FEED_SIZE = 50
ALL = "actes"
TIMEZONE = ZoneInfo("Europe/Paris")
FORMATS = ("atom", "rss")


def feed_path(name: str, fmt: str) -> str:
    """Site-relative path of a feed: ``flux/actes.atom``, ``flux/arrete.rss``…"""
    return f"{FEED_DIR}/{name}.{fmt}"


def feed_names() -> list[tuple[str, str]]:
    """[(file name, French title)] of every feed, the overall one first."""
    return [(ALL, "Tous les actes")] + [(t.value, t.plural) for t in ActType]


def _moment(day: date) -> datetime:
    """A date as the feed's date-time: noon in Paris, so that the day stays the
    same when readers convert it to UTC or to an overseas time zone."""
    return datetime.combine(day, time(12, 0), tzinfo=TIMEZONE)


def latest(register: Register, act_type: ActType | None = None, size: int = FEED_SIZE) -> list[Act]:
    """Acts online, most recently put online first."""
    acts = [a for a in register.online if act_type is None or a.type is act_type]
    acts.sort(key=lambda a: (a.publication, a.date, a.type.value, a.numero), reverse=True)
    return acts[:size]


def summary(view: ActView) -> str:
    """Plain-text summary of an entry: what the act page says at a glance."""
    parts = [f"{view.title} du {view.date} : {view.objet}.", f"Statut : {view.status}."]
    if view.executory:
        parts.append(f"Exécutoire depuis le {view.executory_text}.")
    if view.recours_until:
        parts.append(f"Recours possible jusqu'au {view.recours_until_text}.")
    parts.append(f"Signataire : {view.signataire.display}.")
    return " ".join(parts)


def build_feed(register: Register, site_url: str, fmt: str, act_type: ActType | None = None) -> bytes:
    """One feed (``fmt`` "atom" or "rss") as UTF-8 XML."""
    config = register.config
    name = act_type.value if act_type else ALL
    what = act_type.plural if act_type else "Actes"
    acts = latest(register, act_type)
    fg = FeedGenerator()
    fg.id(absolute(site_url, feed_path(name, "atom")))
    fg.title(f"{what} publiés — {config.commune}")
    fg.subtitle(f"{what} mis en ligne au registre des actes de la commune de {config.commune} "
                "(publication électronique, article L2131-1 du CGCT).")
    fg.author({"name": f"Commune de {config.commune}"})
    fg.link(href=absolute(site_url, "registre/"), rel="alternate")
    fg.link(href=absolute(site_url, feed_path(name, fmt)), rel="self")
    fg.language("fr")
    fg.generator("registre")
    newest = _moment(acts[0].publication) if acts else _moment(register.today)
    fg.updated(newest)
    fg.lastBuildDate(newest)
    for act in acts:
        view = ActView(act, register)
        url = absolute(site_url, view.url)
        entry = fg.add_entry(order="append")
        entry.id(url)
        entry.guid(url, permalink=True)
        entry.title(f"{view.title} : {view.objet}")
        entry.link(href=url, rel="alternate")
        published = _moment(act.publication)
        entry.published(published)
        entry.updated(published)
        entry.author({"name": view.signataire.display})
        entry.summary(summary(view))  # feedgen also makes it the RSS <description>
        entry.category(term=act.type.value, label=act.type.label)
        matiere = lookup(act.matiere)
        if matiere:
            entry.category(term=act.matiere, label=matiere.display)
    return fg.atom_str(pretty=True) if fmt == "atom" else fg.rss_str(pretty=True)


def feed_files(register: Register, site_url: str) -> dict[str, bytes]:
    """Every feed: {site-relative path: content}."""
    files = {}
    for act_type in (None, *ActType):
        for fmt in FORMATS:
            files[feed_path(act_type.value if act_type else ALL, fmt)] = build_feed(register, site_url, fmt,
                                                                                   act_type)
    return files
