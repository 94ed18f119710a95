"""When an act becomes executory and until when it can be challenged.

CGCT L2131-1: an act is executory once made known (published, or notified
for individual acts) and, for acts of L2131-2, transmitted to the préfet;
the executory date is the later of the two.  CJA R421-1: the recours runs two
months (délai franc) from publication, or notification for individual acts.
"""

from __future__ import annotations

from datetime import date

from .dates import recours_deadline
from .model import Act, TransmissionStatus


def made_known(act: Act) -> date | None:
    """Publication, or notification for an individual act."""
    return act.notification if act.is_individual else act.publication


def executory_date(act: Act) -> date | None:
    """Date the act became executory, or None while it is not."""
    known = made_known(act)
    if known is None:
        return None
    status = act.transmission.status
    if status is TransmissionStatus.EN_ATTENTE:
        return None
    if status is TransmissionStatus.TRANSMIS:
        assert act.transmission.date is not None
        return max(known, act.transmission.date)
    return known


def last_day_of_recours(act: Act, departement: str) -> date | None:
    start = made_known(act)
    return recours_deadline(start, departement) if start else None


def is_online(act: Act, today: date) -> bool:
    """Put online on the public site: its publication date has come."""
    return act.publication is not None and act.publication <= today


def is_scheduled(act: Act, today: date) -> bool:
    return act.publication is not None and act.publication > today
