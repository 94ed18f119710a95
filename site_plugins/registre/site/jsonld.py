"""schema.org ``Legislation`` description of an act, for its page's JSON-LD.

Search engines and data tools read it from
``<script type="application/ld+json">`` in the act page (template
``registre/act.html``, filter ``act_jsonld``).  It carries no legal value:
the published text does.  Personal data hidden on the page stays hidden here.
"""

from __future__ import annotations

import json

from markupsafe import Markup

from registre.domain.addresses import absolute
from registre.domain.lifecycle import is_online
from registre.domain.model import ActType
from registre.domain.nomenclature import lookup
from registre.site.presentation import ActView, annex_links

SCHEMA = "https://schema.org/"
# A later act that withdraws or repeals this one ends its legal force.
NOT_IN_FORCE_STATUSES = {"abrogé", "retiré"}


def script_json(value) -> Markup:
    """JSON to put inside ``<script type="application/ld+json">``: ``<``, ``>`` and
    ``&`` become JSON escapes, so no text can close the script or open a comment;
    marked safe so that autoescaping leaves the quotes alone."""
    text = json.dumps(value, ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _online(view: ActView) -> bool:
    return is_online(view.act, view.register.today)


def legal_force(view: ActView) -> str:
    if view.status in NOT_IN_FORCE_STATUSES or view.executory is None:
        return SCHEMA + "NotInForce"
    return SCHEMA + "InForce"


def jsonld(view: ActView, site_url: str = "") -> dict:
    """The JSON-LD dict of one act (schema.org vocabulary)."""
    act = view.act
    config = view.config
    url = absolute(site_url, view.url)
    commune = {"@type": "GovernmentOrganization", "name": f"Commune de {config.commune}"}
    if config.siret:
        commune["identifier"] = {"@type": "PropertyValue", "propertyID": "SIRET", "value": config.siret}
    signataire = {"@type": "Person", "name": f"{act.signataire.prenom} {act.signataire.nom}",
                  "jobTitle": act.signataire.qualite}
    if act.type is ActType.DELIBERATION:
        passed_by: dict = {"@type": "GovernmentOrganization", "name": f"Conseil municipal de {config.commune}"}
    else:
        passed_by = signataire
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Legislation",
        "@id": url,
        "url": url,
        "name": view.title,
        "description": view.objet,
        "inLanguage": "fr",
        "legislationIdentifier": act.identifier,
        "legislationType": act.type.label,
        "legislationDate": act.date.isoformat(),
        "legislationJurisdiction": {"@type": "AdministrativeArea", "name": config.commune},
        "legislationLegalForce": legal_force(view),
        "publisher": commune,
    }
    if not view.rejected:  # a rejected délibération was not passed by the council
        data["legislationPassedBy"] = passed_by
    identifiers = [{"@type": "PropertyValue", "propertyID": "numero", "value": view.number}]
    if act.transmission.ar:
        identifiers.append({"@type": "PropertyValue", "propertyID": "@ctes", "value": act.transmission.ar})
    data["identifier"] = identifiers
    data["author"] = signataire
    if act.publication:
        data["datePublished"] = act.publication.isoformat()
    matiere = lookup(act.matiere)
    if matiere:
        data["about"] = {"@type": "DefinedTerm", "termCode": act.matiere, "name": matiere.display,
                         "inDefinedTermSet": "Nomenclature ACTES"}
    changes = []
    for _verb, target, ident in view.changes:
        changes.append({"@type": "Legislation", "legislationIdentifier": ident,
                        **({"url": absolute(site_url, target.url)} if target and _online(target) else {})})
    if changes:
        data["legislationChanges"] = changes
    annexes = annex_links(view, site_url)
    if annexes:
        data["hasPart"] = [{"@type": "CreativeWork", "name": a["titre"], "url": a["url"]} for a in annexes]
    return data
