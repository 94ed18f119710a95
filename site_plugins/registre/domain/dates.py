"""Calendar arithmetic of the law: délai franc, working days, French dates.

Public holidays come from the maintained ``holidays`` library, by
département, so Alsace-Moselle (57, 67, 68) and the overseas départements get
theirs.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

import holidays

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

# holidays' French subdivisions: Alsace-Moselle is "57" for 57, 67 and 68.
_SUBDIVISIONS = {"57": "57", "67": "57", "68": "57", "971": "971", "972": "972", "973": "973",
                 "974": "974", "976": "976"}


def add_months(start: date, months: int) -> date:
    """Same day ``months`` later; a day missing in the arrival month is brought
    back to that month's last day (31 déc. + 2 mois → 28 ou 29 févr.)."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


@lru_cache(maxsize=64)
def _holidays(departement: str, year: int) -> frozenset[date]:
    subdiv = _SUBDIVISIONS.get(departement.lstrip("0") if departement not in _SUBDIVISIONS else departement)
    return frozenset(holidays.France(years=year, subdiv=subdiv).keys())


def is_holiday(day: date, departement: str = "") -> bool:
    return day in _holidays(departement, day.year)


def is_working_day(day: date, departement: str = "") -> bool:
    return day.weekday() < 5 and not is_holiday(day, departement)


def next_working_day(day: date, departement: str = "") -> date:
    while not is_working_day(day, departement):
        day += timedelta(days=1)
    return day


def format_date(day: date | None) -> str:
    """30 mai 2025 ; 1er janvier 2026."""
    if day is None:
        return ""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def format_date_long(day: date | None) -> str:
    """jeudi 31 juillet 2025."""
    if day is None:
        return ""
    return f"{WEEKDAYS[day.weekday()]} {format_date(day)}"
