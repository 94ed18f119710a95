"""iCalendar feed of the séances of the conseil municipal: ``flux/seances.ics``.

A séance is a date on which délibérations now online were adopted; each one
becomes an all-day event (the hour of the séance is not a field of the acts)
linking to its page, with the list of délibérations examinées (L2121-25) in
the description.  Built with the ``icalendar`` library, which escapes and
folds the text; DTSTAMP comes from the acts, so the same register gives the
same file.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta, timezone

from icalendar import Calendar, Event

from registre.domain.addresses import absolute, host
from registre.domain.dates import format_date
from registre.domain.model import Act, ActType
from registre.domain.register import Register
from registre.site.pages import seance_uri
from registre.site.presentation import ActView


def seances(register: Register) -> dict[date, list[Act]]:
    """Séance date → délibérations online adopted that day, by number."""
    result: dict[date, list[Act]] = defaultdict(list)
    for act in register.online:
        if act.type is ActType.DELIBERATION:
            result[act.date].append(act)
    return {day: sorted(acts, key=lambda a: a.numero) for day, acts in sorted(result.items())}


def seances_calendar(register: Register, site_url: str) -> bytes:
    config = register.config
    cal = Calendar()
    cal.add("prodid", f"-//Commune de {config.commune}//Registre des actes//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Séances du conseil municipal — {config.commune}")
    cal.add("x-wr-timezone", "Europe/Paris")
    domain = host(site_url) or (config.siret or "registre")
    for day, acts in seances(register).items():
        views = [ActView(a, register) for a in acts]
        url = absolute(site_url, seance_uri(day))
        lines = [f"Délibérations examinées lors de la séance du {format_date(day)} :"]
        lines += [f"- n°{v.number} : {v.objet}" + (" (rejetée)" if v.rejected else "") for v in views]
        lines.append(f"Liste des délibérations et textes : {url}")
        event = Event()
        event.add("uid", f"seance-{day.isoformat()}@{domain}")
        stamp = max(a.publication for a in acts if a.publication)
        event.add("dtstamp", datetime.combine(stamp, time(0, 0), tzinfo=timezone.utc))
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", f"Séance du conseil municipal de {config.commune}")
        event.add("description", "\n".join(lines))
        event.add("url", url)
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
