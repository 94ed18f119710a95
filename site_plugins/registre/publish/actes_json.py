"""JSON export of every act online: ``donnees/actes.json``.

One record per act on the public site, with what its page shows (dates,
executory date, recours deadline, status, links) as plain JSON values.
Scheduled acts (publication still to come) are not online, so not exported;
personal data listed in ``masquer`` stays hidden, as on the page.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Mapping

from registre.domain.addresses import absolute
from registre.domain.lifecycle import legal_publicity
from registre.domain.model import Act
from registre.domain.nomenclature import lookup
from registre.domain.register import Register
from registre.files.atomic_write import write_atomic
from registre.seal.hashing import text_sha256
from registre.site.presentation import ActView, annex_links

FORMAT_VERSION = 1


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def act_record(view: ActView, site_url: str) -> dict:
    act: Act = view.act
    matiere = lookup(act.matiere)
    transmission = act.transmission
    record = {
        "identifiant": act.identifier,
        "type": act.type.value,
        "type_libelle": act.type.label,
        "numero": act.numero,
        "numero_affiche": view.number,
        "date": act.date.isoformat(),
        "objet": view.objet,
        "signataire": {"prenom": act.signataire.prenom, "nom": act.signataire.nom,
                       "qualite": act.signataire.qualite},
        "matiere": act.matiere,
        "matiere_libelle": matiere.display if matiere else None,
        "portee": act.portee.value if act.portee else None,
        "publication": _iso(act.publication),
        "notification": _iso(act.notification),
        "transmission": {"statut": transmission.status.value, "date": _iso(transmission.date),
                         "accuse_reception": transmission.ar, "motif": transmission.motif,
                         "mode": transmission.mode.value if transmission.mode else None},
        "executoire_le": _iso(view.executory),
        "recours_jusqu_au": _iso(view.recours_until),
        "statut": view.status,
        "resultat": view.resultat or None,  # délibérations: « adoptée » or « rejetée »
        "url": absolute(site_url, view.url),
        "annexes": annex_links(view, site_url),
    }
    if act.vote is not None:
        vote = act.vote
        record["vote"] = {"presents": vote.presents, "votants": vote.votants, "pour": vote.pour,
                          "contre": vote.contre, "abstentions": vote.abstentions}
    publicity = legal_publicity(act)
    if publicity is not None:  # L2131-1 IV CGCT: the online text is published for information
        record["publicite_legale"] = {"mode": publicity[0], "date": publicity[1].isoformat()}
    if act.delegation is not None:
        record["delegation"] = {"deliberation": act.delegation.deliberation.isoformat(),
                                "alinea": act.delegation.alinea}
    changes = {kind: list(getattr(act, kind)) for kind in ("modifie", "abroge", "retire", "rectifie")
               if getattr(act, kind)}
    if changes:
        record["modifications"] = changes
    changed_by = [{"identifiant": later.act.identifier, "effet": label} for label, later in view.changed_by]
    if changed_by:
        record["modifie_par"] = changed_by
    return record


def actes_document(register: Register, site_url: str, *, records: bool = True) -> dict:
    config = register.config
    document = {
        "format": FORMAT_VERSION,
        "collectivite": {"nom": config.commune, "siret": config.siret or None,
                         "departement": config.departement or None},
        "date_reference": register.today.isoformat(),
        "nombre": len(register.online),
    }
    if records:
        document["actes"] = [act_record(ActView(act, register), site_url) for act in register.online]
    return document


class RecordLines:
    """The JSON line of each act's record, kept between builds under the key of the act's
    page (``page_keys``: identifier → key), which covers every field a record holds (see
    :func:`registre.build.page_cache.act_page_inputs`): a warm build encodes only the acts whose
    page changed.  ``path`` None: nothing kept."""

    def __init__(self, path: Path | None, page_keys: Mapping[str, str]):
        self.path = path
        self.page_keys = page_keys
        self._stored: dict = {}
        self._used: dict[str, str] = {}
        self._remade = False  # a kept line was damaged: the file is written again
        self._digests: dict[str, str] = {}  # key → digest of its kept line, checked
        if path is not None:
            try:
                stored = json.loads(path.read_bytes())
            except (OSError, ValueError):
                stored = {}
            self._stored = stored if isinstance(stored, dict) else {}

    def line(self, identifier: str, make: Callable[[], str]) -> str:
        key = self.page_keys.get(identifier)
        if key is None:
            return make()
        stored = self._stored.get(key)
        # [SHA-256 of key and line, line]: a line damaged or edited in the cache is encoded again.
        if isinstance(stored, list) and len(stored) == 2 and isinstance(stored[1], str) \
                and stored[0] == _line_digest(key, stored[1]):
            line = stored[1]
            self._digests[key] = stored[0]
        else:
            line = make()
            self._remade = True
        self._used[key] = line
        return line

    def save(self) -> None:
        """Keep the lines of this build's acts (and only those) when they changed."""
        if self.path is None or (self._used.keys() == self._stored.keys() and not self._remade):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            kept = {key: [self._digests.get(key) or _line_digest(key, line), line] for key, line in self._used.items()}
            write_atomic(self.path, json.dumps(kept, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        except OSError:
            pass  # not kept: the next build encodes them again


def _line_digest(key: str, line: str) -> str:
    return text_sha256(f"{key}\0{line}")


def actes_json(register: Register, site_url: str, lines: RecordLines | None = None) -> bytes:
    # One act per line: readable with a text editor, and the C encoder does the work
    # (an ``indent`` makes json fall back to pure Python: 4 s at 10,000 acts).
    document = actes_document(register, site_url, records=False)

    def line(act: Act) -> str:
        def make() -> str:
            return json.dumps(act_record(ActView(act, register), site_url), ensure_ascii=False,
                              separators=(",", ":"))
        return lines.line(act.identifier, make) if lines is not None else make()

    head = json.dumps(document, ensure_ascii=False)[:-1]
    body = ",\n".join(line(act) for act in register.online)
    text = f'{head}, "actes": [\n{body}\n]}}' if body else f'{head}, "actes": []}}'
    if lines is not None:
        lines.save()
    # « < », « > », « & » as JSON escapes: same data, no markup for a careless consumer (issue 3).
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return text.encode("utf-8") + b"\n"
