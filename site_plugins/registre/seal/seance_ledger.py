"""Séances in the sealed register: what of a séance is sealed, and what changed since.

A séance's documents go online at two moments: the liste des délibérations within a week of the
séance (L2121-25 CGCT), the procès-verbal within a week of the séance that arrêté it (L2121-15).
Each is sealed once it is online, never before (``registre seal``):

* the ``seance`` line (``"evenement":"seance"``), when the first of them is online: the séance's
  identifier (``seance``), its file (``source``), ``date``, ``champs`` (the SHA-256 of each field
  of the séance file the liste and the page publish: convocation, members, quorum…; ``liste`` and
  ``proces_verbal`` aside), ``liste`` (``{"publication": date}``) once the liste is online,
  ``proces_verbal`` (``{"arrete_le", "publication", "texte", "original"}``: ``texte`` is the
  SHA-256 of the PV's text) once the PV is published, and ``fichiers``: the PDF/A of the liste
  (role ``liste``), of the PV (``pv``) and the signed PV (``pv_original``, a file of acts/ published
  as it is);
* a ``complement`` line naming the ``seance``: the part that came online later (``liste`` or
  ``proces_verbal``) and new versions of the generated PDFs (the liste's PDF changes when a
  délibération of the séance goes online later).  Every version stays in the ledger, so a liste
  downloaded before still verifies.

Once sealed, nothing of a part changes: the liste's date, the PV's dates, text and signed original,
the fields.  Plain Python: the files' records are made by the publish layer
(:func:`registre.publish.seance_files.seance_file_records`) and handed in.
"""

from __future__ import annotations

from datetime import date
from typing import Iterable

from registre.domain.dates import format_date
from registre.domain.plurals import counted
from registre.domain.seance import Seance
from registre.seal.hashing import text_sha256
from registre.seal.ledger import (
    COMPLEMENT,
    LEDGER_VERSION,
    SEANCE,
    FileRecord,
    SealedSeance,
    canonical_json,
)

# Keys of the séance file sealed as parts of their own (the rest is ``champs``).
PARTS = ("liste", "proces_verbal")
ROLES = {"liste": "liste", "proces-verbal": "pv", "original": "pv_original"}  # SeanceFile.kind → role
PART_OF_ROLE = {"liste": "liste", "pv": "proces_verbal", "pv_original": "proces_verbal"}
ROLE_LABELS = {"liste": "PDF de la liste des délibérations", "pv": "PDF du procès-verbal",
               "pv_original": "procès-verbal signé"}


def _day(text: str | None) -> str:
    """« 7 juillet 2025 » from an ISO date; « aucune » for none."""
    if not text:
        return "aucune"
    try:
        return format_date(date.fromisoformat(text))
    except ValueError:
        return str(text)


def liste_online(seance: Seance, today: date) -> bool:
    return seance.liste_publication is not None and seance.liste_publication <= today


def pv_online(seance: Seance, today: date) -> bool:
    """Published (its date has come) and arrêté by a séance that has taken place, as the page says."""
    pv = seance.proces_verbal
    return (pv is not None and pv.publication is not None and pv.publication <= today
            and pv.arrete_le is not None and pv.arrete_le <= today)


def is_online(seance: Seance, today: date) -> bool:
    return liste_online(seance, today) or pv_online(seance, today)


def field_hashes(seance: Seance) -> dict[str, str]:
    """SHA-256 of each field of the séance file but ``liste`` and ``proces_verbal``."""
    return {key: text_sha256(canonical_json(value)) for key, value in seance.raw.items() if key not in PARTS}


def pv_text_hash(seance: Seance) -> str:
    body = seance.body.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    return text_sha256(body)


def liste_state(seance: Seance) -> dict:
    return {"publication": seance.liste_publication.isoformat() if seance.liste_publication else None}


def pv_state(seance: Seance) -> dict:
    pv = seance.proces_verbal
    return {"arrete_le": pv.arrete_le.isoformat() if pv and pv.arrete_le else None,
            "publication": pv.publication.isoformat() if pv and pv.publication else None,
            "texte": pv_text_hash(seance), "original": pv.original if pv else None}


def online_parts(seance: Seance, today: date) -> dict[str, dict]:
    parts = {}
    if liste_online(seance, today):
        parts["liste"] = liste_state(seance)
    if pv_online(seance, today):
        parts["proces_verbal"] = pv_state(seance)
    return parts


def seance_payload(seance: Seance, today: date, sealed_on: str, records: Iterable[FileRecord]) -> dict | None:
    """The ``seance`` line (without ``ligne`` and ``precedent``); None while nothing is online."""
    parts = online_parts(seance, today)
    if not parts:
        return None
    return {"v": LEDGER_VERSION, "evenement": SEANCE, "seance": seance.identifier, "source": seance.source,
            "date": seance.date.isoformat(), "scelle_le": sealed_on, "champs": field_hashes(seance), **parts,
            "fichiers": [r.to_json() for r in records]}


def seance_complement(sealed: SealedSeance, seance: Seance, today: date, sealed_on: str,
                      records: Iterable[FileRecord]) -> dict | None:
    """The ``complement`` line of a sealed séance: parts newly online, new file versions; None if none."""
    parts = {key: value for key, value in online_parts(seance, today).items() if getattr(sealed, key) is None}
    known = {(r.role, r.chemin, r.publie, r.sha256) for r in sealed.files}
    new_files = [r for r in records if (r.role, r.chemin, r.publie, r.sha256) not in known
                 and (not r.fixed or "proces_verbal" in parts)]
    if not parts and not new_files:
        return None
    payload = {"v": LEDGER_VERSION, "evenement": COMPLEMENT, "seance": seance.identifier, "scelle_le": sealed_on,
               **parts}
    if new_files:
        payload["fichiers"] = [r.to_json() for r in new_files]
    return payload


def describe(payload: dict) -> str:
    """French, for ``registre seal`` (and ``--essai``): what the line seals."""
    parts = []
    if "liste" in payload:
        parts.append(f"liste des délibérations mise en ligne le {payload['liste']['publication']}")
    if "proces_verbal" in payload:
        parts.append(f"procès-verbal publié le {payload['proces_verbal']['publication']}")
    files = payload.get("fichiers", [])
    first = [f for f in files if PART_OF_ROLE.get(f.get("role")) in payload]  # first version with its part
    if first:
        parts.append(counted(len(first), "fichier"))
    parts += [f"nouvelle version du fichier {f.get('publie') or f.get('chemin')}" for f in files if f not in first]
    what = "scellée" if payload["evenement"] == SEANCE else "complément scellé"
    return f"{payload['seance']} : {what} ({', '.join(parts)})"


# -- comparing a séance with its seal -------------------------------------------------

def seance_changes(sealed: SealedSeance, seance: Seance) -> list[tuple[str, str, str]]:
    """What changed in the sealed parts: [(key for the line, French phrase, code)]."""
    changes: list[tuple[str, str, str]] = []
    now = field_hashes(seance)
    for key in sorted(set(sealed.champs) | set(now)):
        if key not in now:
            changes.append((key, f"champ « {key} » supprimé", "integrity.seance_changed"))
        elif key not in sealed.champs:
            changes.append((key, f"champ « {key} » ajouté", "integrity.seance_changed"))
        elif now[key] != sealed.champs[key]:
            changes.append((key, f"champ « {key} » modifié", "integrity.seance_changed"))
    if sealed.liste is not None:
        was, is_ = sealed.liste.get("publication"), liste_state(seance)["publication"]
        if is_ is None:
            changes.append(("liste", f"la liste des délibérations, mise en ligne le {_day(was)}, n'a plus de "
                                     "date de mise en ligne", "integrity.seance_unpublished"))
        elif is_ != was:
            changes.append(("liste.publication", f"date de mise en ligne de la liste des délibérations changée "
                                                 f"(scellée : {_day(was)} ; maintenant : {_day(is_)})",
                            "integrity.seance_changed"))
    if sealed.proces_verbal is not None:
        was = sealed.proces_verbal
        now_pv = pv_state(seance)
        if seance.proces_verbal is None:
            changes.append(("proces_verbal", "le procès-verbal publié a été retiré du fichier de séance",
                            "integrity.seance_unpublished"))
            return changes
        labels = {"arrete_le": "date à laquelle le procès-verbal a été arrêté",
                  "publication": "date de publication du procès-verbal"}
        for key, label in labels.items():
            if now_pv[key] != was.get(key):
                changes.append((f"proces_verbal.{key}", f"{label} changée (scellée : {_day(was.get(key))} ; "
                                                       f"maintenant : {_day(now_pv[key])})",
                                "integrity.seance_changed"))
        if now_pv["original"] != was.get("original"):
            changes.append(("proces_verbal.original", "procès-verbal signé (« original ») changé de fichier",
                            "integrity.seance_changed"))
        if now_pv["texte"] != was.get("texte"):
            changes.append(("texte", "texte du procès-verbal modifié après sa publication",
                            "integrity.seance_changed"))
    return changes


def unsealed_parts(sealed: SealedSeance | None, seance: Seance, today: date) -> list[str]:
    """The parts online but not yet in the ledger (French names)."""
    names = {"liste": "liste des délibérations", "proces_verbal": "procès-verbal"}
    return [names[key] for key in online_parts(seance, today) if sealed is None or getattr(sealed, key) is None]


__all__ = ["liste_online", "pv_online", "is_online", "field_hashes", "pv_text_hash", "online_parts",
           "seance_payload", "seance_complement", "seance_changes", "unsealed_parts", "describe", "ROLES",
           "ROLE_LABELS"]
