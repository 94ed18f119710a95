"""Voies et délais de recours: until when an act can be challenged, and the mention it carries.

CJA R421-1: two months (délai franc) from publication, or notification for individual acts
(:func:`last_day_of_recours`); CJA R421-5 and CRPA L411-2: the act states the voies et délais
(:func:`mention`).  The check that an act carries the mention is
:func:`registre.checks.rules.rule_recours`.
"""

from __future__ import annotations

from datetime import date, timedelta

from registre.domain.config import RegistreConfig
from registre.domain.dates import add_months, next_working_day
from registre.domain.lifecycle import made_known
from registre.domain.model import Act


def recours_deadline(start: date, departement: str = "", months: int = 2) -> date:
    """Last day to file a recours contentieux (CJA R421-1, délai franc).

    Neither the day of publication/notification nor the day of expiry counts:
    the last day is ``start + 2 mois + 1 jour``, carried to the next working
    day when it falls on a Saturday, Sunday or public holiday."""
    return next_working_day(add_months(start, months) + timedelta(days=1), departement)


def last_day_of_recours(act: Act, departement: str) -> date | None:
    start = made_known(act)
    return recours_deadline(start, departement) if start else None


def standard_mention(act: Act, config: RegistreConfig) -> str:
    """The mention shown when the act gives no ``recours`` text of its own."""
    start = ("de sa notification" if act.is_individual
             else "de son affichage en mairie" if act.affichage is not None else "de sa publication")
    tribunal = config.tribunal
    where = f"{tribunal.nom}" + (f" ({tribunal.adresse})" if tribunal.adresse else "")
    return (
        f"Le présent acte peut faire l'objet d'un recours gracieux auprès de son auteur et/ou d'un recours "
        f"contentieux devant le {where} dans un délai de deux mois à compter {start}. "
        "Le recours gracieux interrompt le délai de recours contentieux, qui recommence à courir à compter "
        "de la réponse ou du rejet implicite (deux mois de silence). Le tribunal peut être saisi par "
        "l'application Télérecours citoyens accessible sur www.telerecours.fr."
    )


def mention(act: Act, config: RegistreConfig) -> str:
    return act.recours or standard_mention(act, config)
