"""What a citizen reads about an act, computed once for pages and exports.

Plain Python: templates, feeds, exports and PDFs all read an
:class:`ActView`; nothing here knows about MkDocs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from registre.domain.addresses import absolute, act_url, annex_url, seance_uri
from registre.domain.config import RegistreConfig
from registre.domain.dates import format_date, format_date_long
from registre.domain.lifecycle import (
    changes_in_force,
    executory_date,
    is_online,
    legal_publicity,
    made_known,
    resultat,
)
from registre.domain.masking import masked
from registre.domain.model import Act, ActType, TransmissionStatus
from registre.domain.recours import last_day_of_recours, mention
from registre.domain.register import CORRECTION_LABELS, Register

KIND_VERBS = {"modifie": "Modifie", "abroge": "Abroge", "retire": "Retire", "rectifie": "Rectifie"}
# A délibération the council rejected changes nothing: its page says what it proposed.
REJECTED_VERBS = {"modifie": "Proposait de modifier", "abroge": "Proposait d'abroger",
                  "retire": "Proposait de retirer", "rectifie": "Proposait de rectifier"}


# On an act page, at most this many décisions of a donné acte are listed (all are on the séance page).
DONNE_ACTE_SHOWN = 20


def display_number(act: Act, config: RegistreConfig) -> str:
    return config.pattern_for(act.type).format(numero=act.numero, annee=act.year, type=act.type.value)


@dataclass
class ActView:
    act: Act
    register: Register

    @property
    def config(self) -> RegistreConfig:
        return self.register.config

    @property
    def identifier(self) -> str:
        return self.act.identifier

    @property
    def url(self) -> str:
        return act_url(self.act.identifier)

    @property
    def number(self) -> str:
        return display_number(self.act, self.config)

    @property
    def type_label(self) -> str:
        return self.act.type.label

    @property
    def title(self) -> str:
        return f"{self.act.type.label} n°{self.number}"

    @property
    def objet(self) -> str:
        return masked(self.act.objet, self.act)

    @property
    def body(self) -> str:
        return masked(self.act.body, self.act)

    @property
    def date(self) -> str:
        return format_date(self.act.date)

    @property
    def publication(self) -> str:
        return format_date(self.act.publication)

    @property
    def notification(self) -> str:
        return format_date(self.act.notification)

    @property
    def resultat(self) -> str:
        """« adoptée » or « rejetée » for a délibération, else empty."""
        outcome = resultat(self.act)
        return outcome.label if outcome else ""

    @property
    def rejected(self) -> bool:
        return self.resultat == "rejetée"

    @property
    def online(self) -> bool:
        """On the public site today: only then may another page link to it."""
        return is_online(self.act, self.register.today)

    @property
    def planned_text(self) -> str:
        """What a published page says of an act not online yet (« mise en ligne prévue le … »)."""
        if self.online:
            return ""
        if self.act.publication is None:
            return "non mise en ligne"
        return f"mise en ligne prévue le {format_date(self.act.publication)}"

    @property
    def made_known(self) -> date | None:
        return made_known(self.act)

    @property
    def legal_publicity(self) -> str:
        """« affichage » or « papier » when the act was made known otherwise than online
        (L2131-1 IV CGCT: the online text is then published for information); else empty."""
        found = legal_publicity(self.act)
        return found[0] if found else ""

    @property
    def legal_publicity_date(self) -> date | None:
        found = legal_publicity(self.act)
        return found[1] if found else None

    @property
    def legal_publicity_text(self) -> str:
        """« affichage en mairie le 3 juin 2025 », « publication sur papier le 3 juin 2025 »."""
        found = legal_publicity(self.act)
        if not found:
            return ""
        kind, day = found
        what = "affichage en mairie" if kind == "affichage" else "publication sur papier"
        return f"{what} le {format_date(day)}"

    @cached_property
    def executory(self) -> date | None:
        return executory_date(self.act)

    @property
    def executory_text(self) -> str:
        return format_date(self.executory)

    @cached_property
    def recours_until(self) -> date | None:
        return last_day_of_recours(self.act, self.config.departement)

    @property
    def recours_until_text(self) -> str:
        return format_date_long(self.recours_until)

    @property
    def recours_open(self) -> bool:
        return self.recours_until is not None and self.register.today <= self.recours_until

    @property
    def recours_mention(self) -> str:
        return mention(self.act, self.config)

    @property
    def transmission(self):
        return self.act.transmission

    @property
    def transmission_pending(self) -> bool:
        return self.act.transmission.status is TransmissionStatus.EN_ATTENTE

    @property
    def transmission_required(self) -> bool:
        return self.act.transmission.status is not TransmissionStatus.NON_REQUISE

    @property
    def transmission_date(self) -> str:
        return format_date(self.act.transmission.date)

    @property
    def status(self) -> str:
        return self.register.status(self.act)

    @property
    def status_slug(self) -> str:
        return self.status.replace(" ", "-").replace("é", "e").replace("è", "e")

    @property
    def changed_by(self) -> list[tuple[str, "ActView"]]:
        """[(label "Abrogé par", later act view)] for later acts online and executory."""
        result = []
        for kind, later in self.register.changed_by.get(self.act.identifier, ()):
            if changes_in_force(later, self.register.today):
                result.append((CORRECTION_LABELS[kind][1], ActView(later, self.register)))
        return result

    @property
    def changes(self) -> list[tuple[str, "ActView | None", str]]:
        """[(verb, earlier act view or None, identifier)] this act changes (or, rejected, would have)."""
        result = []
        for kind, verb in (REJECTED_VERBS if self.rejected else KIND_VERBS).items():
            for ident in getattr(self.act, kind):
                target = self.register.by_id.get(ident)
                result.append((verb, ActView(target, self.register) if target else None, ident))
        return result

    @property
    def signataire(self):
        return self.act.signataire

    @property
    def is_decision(self) -> bool:
        return self.act.type is ActType.DECISION

    @property
    def donne_acte_by(self) -> "ActView | None":
        deliberation = self.register.donne_acte.reported_by.get(self.act.identifier)
        return ActView(deliberation, self.register) if deliberation else None

    @property
    def donne_acte(self) -> list["ActView"]:
        return [ActView(self.register.by_id[i], self.register) for i in self.act.donne_acte
                if i in self.register.by_id]

    @property
    def donne_acte_shown(self) -> list["ActView"]:
        """The first décisions of :attr:`donne_acte`, for the act page: a council
        may take note of hundreds of décisions at once, and the page stays small;
        the séance page lists them all."""
        known = [i for i in self.act.donne_acte if i in self.register.by_id]
        return [ActView(self.register.by_id[i], self.register) for i in known[:DONNE_ACTE_SHOWN]]

    @property
    def donne_acte_count(self) -> int:
        return sum(1 for i in self.act.donne_acte if i in self.register.by_id)

    @property
    def seance_url(self) -> str:
        return seance_uri(self.act.date)


def annex_links(view: ActView, site_url: str) -> list[dict]:
    """[{titre, url}] for the act's annexes, as published on the site."""
    act = view.act
    return [{"titre": masked(annex.titre or annex.filename, act), "url": absolute(site_url, annex_url(act, annex))}
            for annex in act.annexes]
