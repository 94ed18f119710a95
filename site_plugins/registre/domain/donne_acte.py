"""Donné acte: the mayor reports the décisions taken by delegation
(CGCT L2122-22) at each council meeting (L2122-23).

The séances are the dates of the register's délibérations; a délibération's
``donne_acte`` lists the décisions the council took note of at that séance.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date

from registre.domain.model import Act, ActType


@dataclass
class DonneActeReport:
    seances: list[date]
    # séance → (délibération carrying the list, décisions reported there)
    reported: dict[date, list[Act]] = field(default_factory=dict)
    reported_by: dict[str, Act] = field(default_factory=dict)  # decision id → délibération
    # décisions not reported yet: to report at the next council
    pending: list[Act] = field(default_factory=list)
    # among them, those a past séance should have covered: (décision, séance due)
    missed: list[tuple[Act, date]] = field(default_factory=list)

    def due_seance(self, decision: Act) -> date | None:
        """First séance after the décision (the one that should report it)."""
        index = bisect_right(self.seances, decision.date)
        return self.seances[index] if index < len(self.seances) else None


def donne_acte_report(acts: list[Act]) -> DonneActeReport:
    by_id = {a.identifier: a for a in acts}
    seances = sorted({a.date for a in acts if a.type is ActType.DELIBERATION})
    report = DonneActeReport(seances=seances)
    for deliberation in sorted((a for a in acts if a.type is ActType.DELIBERATION and a.donne_acte),
                               key=lambda a: (a.date, a.numero)):
        for ident in deliberation.donne_acte:
            decision = by_id.get(ident)
            if decision is None or decision.type is not ActType.DECISION or ident in report.reported_by:
                continue
            report.reported_by[ident] = deliberation
            report.reported.setdefault(deliberation.date, []).append(decision)
    for decisions in report.reported.values():
        decisions.sort(key=lambda a: (a.date, a.numero))
    for decision in sorted((a for a in acts if a.type is ActType.DECISION), key=lambda a: (a.date, a.numero)):
        if decision.identifier in report.reported_by:
            continue
        report.pending.append(decision)
        due = report.due_seance(decision)
        if due is not None:
            report.missed.append((decision, due))
    return report
