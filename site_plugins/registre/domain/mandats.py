"""The council's mandates: delegations of L2122-22 last for the mandate (« pour la durée de son mandat »).

``mandats`` in mkdocs.yml lists the installation dates of the municipal council, oldest first
(:attr:`registre.domain.config.RegistreConfig.mandats`).  The mandate in force on a day began at
the latest installation on or before it and ends the day before the next one.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable

from registre.domain.lifecycle import is_rejected
from registre.domain.model import Act, ActType


@dataclass(frozen=True)
class Mandat:
    start: date  # installation of the council
    end: date | None = None  # last day (the day before the next installation); None: current mandate

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def mandate_in_force(mandats: tuple[date, ...], day: date) -> Mandat | None:
    """The mandate in force on ``day``; None when ``day`` is before the first installation listed."""
    index = bisect_right(mandats, day)
    if index == 0:
        return None
    start = mandats[index - 1]
    end = mandats[index] - timedelta(days=1) if index < len(mandats) else None
    return Mandat(start, end)


# Words of the objet of a délibération giving delegations to the maire (L2122-22): « Délégations
# d'attributions du conseil municipal au maire », « Délégation au maire (article L2122-22) »…
_DELEGATION_WORD = "delegation"
_TO_THE_MAIRE = ("au maire", "l2122-22", "l. 2122-22", "d'attributions", "d’attributions")


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_delegation_deliberation(act: Act) -> bool:
    """A délibération by which the council delegates to the maire (read from its objet); the
    délibération of the donné acte (« compte rendu des décisions prises par délégation ») is not."""
    if act.type is not ActType.DELIBERATION or act.donne_acte or is_rejected(act):
        return False
    objet = _plain(act.objet)
    return (_DELEGATION_WORD in objet and any(w in objet for w in _TO_THE_MAIRE)
            and "compte rendu" not in objet and "compte-rendu" not in objet)


def rejected_days(acts: Iterable[Act]) -> set[date]:
    """Days whose délibérations the register holds were all rejected: a délégation cited at such a
    date was never given (a rejected délibération delegates nothing)."""
    outcomes: dict[date, set[bool]] = {}
    for act in acts:
        if act.type is ActType.DELIBERATION:
            outcomes.setdefault(act.date, set()).add(is_rejected(act))
    return {day for day, rejected in outcomes.items() if rejected == {True}}


@dataclass(frozen=True)
class KnownDelegation:
    deliberation: date
    source: str  # where it was found, in French: « délibération n°3/2026 », « décision du maire n°2/2026 »
    from_decision: bool = False  # the date is the one a décision cites (its source is that décision)


def mandate_delegation(acts: Iterable[Act], mandat: Mandat, on: date) -> KnownDelegation | None:
    """The latest délibération of delegation of ``mandat`` voted on or before ``on``, found in the
    register: a délibération of delegation itself, or the délibération cited by a décision."""
    found: list[tuple[date, int, date, int, str]] = []
    acts = list(acts)
    rejected = rejected_days(acts)
    for act in acts:
        if act.type is ActType.DECISION and act.delegation is not None:
            day, rank = act.delegation.deliberation, 0
            if day in rejected:
                continue  # an earlier décision's mistake is not proposed again
        elif is_delegation_deliberation(act):
            day, rank = act.date, 1  # the délibération itself is the better source
        else:
            continue
        if mandat.covers(day) and day <= on:
            found.append((day, rank, act.date, act.numero, f"{act.type.label.lower()} n°{act.numero}/{act.year}"))
    if not found:
        return None
    day, rank, *_, label = max(found)
    return KnownDelegation(day, label, from_decision=rank == 0)
