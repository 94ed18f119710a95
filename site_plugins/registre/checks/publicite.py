"""The mode of publicity of communes under 3,500 inhabitants (L2131-1 IV CGCT).

``publicite`` in mkdocs.yml says how the commune makes its acts known: ``electronique`` (the rule,
and the default), ``affichage`` (posting at the mairie) or ``papier`` (paper publication), chosen
by a délibération (its date: ``publicite.deliberation``).  Under affichage or papier, every act
made known by publication (not an individual act, which is notified) and dated on or after that
délibération carries the date of its legal publicity: ``affichage: {date: …}`` or
``publication: {date: …, mode: papier}``.  The executory date and the recours run from it
(:func:`registre.domain.lifecycle.made_known`); the text online is published for information.
Whether the commune may choose (fewer than 3,500 inhabitants) is checked with the config
(:func:`registre.domain.config.from_mapping`).
"""

from __future__ import annotations

from datetime import date
from typing import Iterable

from registre.domain.config import Publicite
from registre.domain.dates import format_date
from registre.domain.diagnostics import Diagnostic, error, warning
from registre.domain.model import Act
from registre.domain.register import Register
from registre.source.schema import shown_yaml

# The reform of publicity (ordonnance 2021-1310) applies from 1 July 2022: from then on, without a
# délibération choosing otherwise, acts are published electronically.
REFORM = date(2022, 7, 1)

AFFICHAGE_EXAMPLE = "affichage:\n  date: AAAA-MM-JJ"
PAPIER_EXAMPLE = "publication:\n  date: AAAA-MM-JJ\n  mode: papier"


def _written_mode(act: Act) -> Publicite | None:
    if act.affichage is not None:
        return Publicite.AFFICHAGE
    if act.publication_papier:
        return Publicite.PAPIER
    return None


def _mode_label(mode: Publicite) -> str:
    return {Publicite.ELECTRONIQUE: "publication électronique", Publicite.AFFICHAGE: "affichage en mairie",
            Publicite.PAPIER: "publication sur papier"}[mode]


def _with_article(mode: Publicite, article: str) -> str:
    """« un affichage en mairie », « l'affichage en mairie », « de l'affichage », « une publication sur papier »,
    « la publication sur papier »… (``article``: un, le or de le)."""
    label = _mode_label(mode)
    feminine = mode is not Publicite.AFFICHAGE
    if article == "un":
        return ("une " if feminine else "un ") + label
    if article == "le":
        return ("la " if feminine else "l'") + label
    return ("de la " if feminine else "de l'") + label


def rule_publicite(register: Register) -> Iterable[Diagnostic]:
    choice = register.config.publicite
    for act in register.acts:
        path = register.shown(act)
        written = _written_mode(act)
        if act.affichage is not None:
            yield from _affichage_dates(register, act, path)
        if act.is_individual:
            if written is not None:
                key = "affichage" if written is Publicite.AFFICHAGE else "publication.mode"
                yield warning(path, act.line_of(key),
                              f"acte individuel avec {_with_article(written, 'un')} : un acte individuel devient exécutoire "
                              "par sa notification à l'intéressé (L2131-1 II CGCT), pas par sa publicité ; "
                              "le registre n'en tient pas compte.",
                              f"retirez « {key.split('.')[0] if written is Publicite.AFFICHAGE else 'mode: papier'} ».",
                              "publicite.individuel")
            continue
        chosen_applies = choice.mode is not Publicite.ELECTRONIQUE and (
            choice.deliberation is None or act.date >= choice.deliberation)
        if chosen_applies:
            if written is None:
                example = AFFICHAGE_EXAMPLE if choice.mode is Publicite.AFFICHAGE else PAPIER_EXAMPLE
                yield error(path, act.line_of("publication"),
                            f"la date {_with_article(choice.mode, 'de le')} manque : la commune a choisi ce mode de publicité "
                            f"(délibération du {format_date(choice.deliberation)}, mkdocs.yml « publicite », "
                            "L2131-1 IV CGCT) ; c'est lui qui rend l'acte exécutoire et fait courir le délai de "
                            "recours, le texte en ligne n'étant publié que pour information.",
                            "ajoutez la date à laquelle l'acte a été "
                            + ("affiché en mairie :" if choice.mode is Publicite.AFFICHAGE
                               else "publié sur papier (la même date vaut mise en ligne) :")
                            + shown_yaml(example),
                            f"publicite.{choice.mode.value}_missing")
            elif written is not choice.mode:
                key = "affichage" if written is Publicite.AFFICHAGE else "publication.mode"
                yield error(path, act.line_of(key),
                            f"l'acte indique {_with_article(written, 'un')}, mais la commune a choisi "
                            f"{_with_article(choice.mode, 'le')} (mkdocs.yml « publicite », délibération du "
                            f"{format_date(choice.deliberation)}).",
                            "indiquez le mode choisi par le conseil :"
                            + shown_yaml(AFFICHAGE_EXAMPLE if choice.mode is Publicite.AFFICHAGE else PAPIER_EXAMPLE)
                            + "\n  ou corrigez « publicite » dans mkdocs.yml.", "publicite.mode")
        elif written is not None and choice.mode is Publicite.ELECTRONIQUE and act.date >= REFORM:
            key = "affichage" if written is Publicite.AFFICHAGE else "publication.mode"
            yield error(path, act.line_of(key),
                        f"l'acte indique {_with_article(written, 'un')}, mais la commune publie ses actes sous forme "
                        "électronique (L2131-1 III CGCT ; aucun autre mode n'est choisi dans mkdocs.yml) : "
                        "c'est la mise en ligne qui compte.",
                        f"retirez « {'affichage' if written is Publicite.AFFICHAGE else 'mode: papier'} », ou, si "
                        "le conseil (commune de moins de 3 500 habitants) a choisi ce mode, déclarez-le dans le "
                        "bloc « registre » de mkdocs.yml : « publicite: {mode: "
                        f"{written.value}, deliberation: AAAA-MM-JJ}} » et « habitants: … ».", "publicite.mode")


def _affichage_dates(register: Register, act: Act, path: str) -> Iterable[Diagnostic]:
    assert act.affichage is not None
    if act.affichage < act.date:
        yield error(path, act.line_of("affichage.date"),
                    f"affichage le {format_date(act.affichage)}, avant la date de l'acte ({format_date(act.date)}).",
                    "un acte ne peut être affiché avant d'être signé : vérifiez les deux dates.", "dates.order")
    elif act.affichage > register.today:
        yield error(path, act.line_of("affichage.date"),
                    f"l'affichage est daté du {format_date(act.affichage)}, postérieur à aujourd'hui "
                    f"({format_date(register.today)}) : le registre ne peut pas dire qu'il a eu lieu.",
                    "indiquez la date réelle une fois l'acte affiché en mairie.", "dates.not_yet")
