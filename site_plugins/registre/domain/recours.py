"""The mention of voies et délais de recours (CJA R421-1, R421-5; CRPA L411-2)."""

from __future__ import annotations

from registre.domain.config import RegistreConfig
from registre.domain.model import Act


def standard_mention(act: Act, config: RegistreConfig) -> str:
    """The mention shown when the act gives no ``recours`` text of its own."""
    start = "de sa notification" if act.is_individual else "de sa publication"
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
