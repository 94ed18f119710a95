"""Delegations last for the mandate (L2122-22 CGCT: « pour la durée de son mandat »).

With ``mandats`` in mkdocs.yml (installation dates of the council), a décision must cite a
délibération of delegation voted by the council in office on the décision's date: on or after its
installation and not after the décision (the order itself is :func:`registre.checks.rules.rule_delegation`).
Without ``mandats`` nothing is checked; a décision dated before the first installation listed is
not checked either (its mandate is unknown).
"""

from __future__ import annotations

from typing import Iterable

from registre.domain.dates import format_date
from registre.domain.diagnostics import Diagnostic, error
from registre.domain.mandats import mandate_delegation, mandate_in_force
from registre.domain.model import ActType
from registre.domain.register import Register


def rule_delegation_mandate(register: Register) -> Iterable[Diagnostic]:
    mandats = register.config.mandats
    if not mandats:
        return
    for act in register.acts:
        if act.type is not ActType.DECISION or act.delegation is None:
            continue
        mandat = mandate_in_force(mandats, act.date)
        voted = act.delegation.deliberation
        if mandat is None or voted > act.date or mandat.covers(voted):
            continue  # unknown mandate; or a délégation after the décision, reported by rule_delegation
        known = mandate_delegation(register.acts, mandat, act.date)
        fix = (f"citez la délibération de délégation votée par le conseil installé le {format_date(mandat.start)} "
               "(souvent lors de sa séance d'installation) : « deliberation: AAAA-MM-JJ » sous « delegation »"
               + (f" ; ce registre en connaît une du {format_date(known.deliberation)} "
                  f"({'citée par la ' if known.from_decision else ''}{known.source}), "
                  f"soit « deliberation: {known.deliberation.isoformat()} »" if known else "")
               + ". Si le conseil n'a pas encore délégué, la décision relève du conseil municipal lui-même.")
        yield error(register.shown(act), act.line_of("delegation.deliberation"),
                    f"la délibération de délégation citée ({format_date(voted)}) date d'un mandat précédent : le "
                    f"{format_date(act.date)}, le conseil en fonction est celui installé le "
                    f"{format_date(mandat.start)}, et une délégation de l'article L2122-22 du CGCT ne vaut que "
                    "pour la durée du mandat.", fix, "delegation.mandat")
