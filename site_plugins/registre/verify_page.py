"""« Vérifier un document »: a citizen checks a downloaded file in the browser.

The page (template ``registre/verify.html``, script
``assets/registre/verify.js``) computes the SHA-256 of a file the citizen
picks, locally with Web Crypto (nothing is uploaded), and looks it up in
``verifier/integrite.json``: every file the site publishes for an act online
(annexes, signed original, PDF of the act…), every file version recorded in
the sealed register, and each act's content fingerprint (printed in the
footer of its PDF).  The sealed register itself is published next to it as
``verifier/registre.lock``, byte for byte.

:func:`verify_pages` is a page provider (see :func:`registre.site.extra_page_providers`);
:func:`write_integrity_files` is a post-build step (see :mod:`registre.outputs`):
it runs after the other steps so the files they write are listed too.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterator

from .hashing import content_hash, file_sha256
from .ledger import LEDGER_NAME, Ledger, read_ledger
from .outputs import BuildContext
from .presentation import ActView
from .register import Register
from .site import GeneratedPage, annex_uri

PAGE_URI = "verifier/"
INDEX_PATH = "verifier/integrite.json"
LEDGER_PATH = f"verifier/{LEDGER_NAME}"
INDEX_FORMAT = "registre-integrite-v1"


def verify_pages(register: Register) -> Iterator[GeneratedPage]:
    ledger = read_ledger(register.acts_root / LEDGER_NAME)
    yield GeneratedPage(
        src_uri=PAGE_URI + "index.md", title="Vérifier un document", template="registre/verify.html",
        data={"verification": {"index": INDEX_PATH, "ledger": LEDGER_PATH if ledger.exists else None,
                               "sealed_count": len(ledger.acts), "lines": len(ledger.entries),
                               "head": ledger.head if ledger.entries else None}},
        description="Vérifiez qu'un document téléchargé est bien un acte publié par la commune, sans l'envoyer : "
                    "son empreinte SHA-256 est calculée par votre navigateur.")


def _sealed_dates(ledger: Ledger) -> dict[tuple[str, str], str]:
    """(act, sha256) → date the hash was first sealed."""
    result: dict[tuple[str, str], str] = {}
    for entry in ledger.entries:
        acte = entry.acte
        if entry.kind == "scellement" and isinstance(entry.data.get("contenu"), str):
            result.setdefault((acte, entry.data["contenu"]), entry.sealed_on)
        for record in entry.data.get("fichiers") or []:
            if isinstance(record, dict) and isinstance(record.get("sha256"), str):
                result.setdefault((acte, record["sha256"]), entry.sealed_on)
    return result


def _nature(act, rel: str, annexes: dict[str, object]) -> tuple[str, str]:
    """(nature, French label) of a published file of ``act``."""
    name = rel.rsplit("/", 1)[-1]
    if rel in annexes:
        annex = annexes[rel]
        return "annexe", f"annexe « {annex.titre or annex.filename} »"
    if name == f"{act.identifier}-original.pdf":
        return "original", "acte signé (original numérisé)"
    if name == f"{act.identifier}.pdf":
        return "pdf", "acte au format PDF, avec les mentions de publicité"
    return "fichier", f"fichier « {name} »"


def integrity_index(register: Register, site_dir: Path, ledger: Ledger) -> dict:
    """The content of ``integrite.json``."""
    sealed_on = _sealed_dates(ledger)
    hashes: dict[str, list[dict]] = {}

    def add(digest: str, item: dict) -> None:
        items = hashes.setdefault(digest, [])
        if item not in items:
            items.append(item)

    for act in register.online:
        view = ActView(act, register)
        about = {"acte": act.identifier, "titre": view.title, "date": view.date, "objet": view.objet,
                 "url": view.url}
        annexes = {annex_uri(act, a): a for a in act.annexes if not a.is_markdown}
        current: set[str] = set()
        folder = site_dir / "actes" / act.identifier
        for path in sorted(_files_under(folder)):
            rel = path.relative_to(site_dir).as_posix()
            digest = file_sha256(path)
            current.add(digest)
            nature, label = _nature(act, rel, annexes)
            add(digest, {**about, "nature": nature, "libelle": label, "fichier": rel, "actuel": True,
                         "scelle_le": sealed_on.get((act.identifier, digest))})
        fingerprint = content_hash(act)
        add(fingerprint, {**about, "nature": "contenu", "libelle": "empreinte du contenu de l'acte (pied de page "
                                                                  "de son PDF)", "fichier": None, "actuel": True,
                          "scelle_le": sealed_on.get((act.identifier, fingerprint))})
        sealed = ledger.acts.get(act.identifier)
        if sealed is None:
            continue
        for record in sealed.files:  # earlier versions still verify, as such
            if record.publie and record.sha256 not in current:
                nature, label = _nature(act, record.publie, annexes)
                add(record.sha256, {**about, "nature": nature, "libelle": label, "fichier": record.publie,
                                    "actuel": False, "scelle_le": sealed_on.get((act.identifier, record.sha256))})
    return {
        "format": INDEX_FORMAT,
        "commune": register.config.commune,
        "date": register.today.isoformat(),
        "registre_scelle": ({"fichier": LEDGER_NAME, "lignes": len(ledger.entries), "actes": len(ledger.acts),
                             "derniere_ligne_sha256": ledger.head} if ledger.exists else None),
        "empreintes": dict(sorted(hashes.items())),
    }


def html_safe_json(text: str) -> str:
    """JSON text with « < », « > » and « & » as \\u escapes: same data, and no
    markup a careless consumer could inject into a page."""
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _files_under(folder: Path) -> Iterator[Path]:
    """Files an act's folder serves for download: everything but its HTML pages."""
    if not folder.is_dir():
        return
    for current, dirs, names in os.walk(folder):
        dirs.sort()
        for name in names:
            if not name.endswith(".html"):
                yield Path(current) / name


def write_integrity_files(build: BuildContext) -> None:
    """Post-build step: ``verifier/integrite.json`` and ``verifier/registre.lock``."""
    ledger = read_ledger(build.register.acts_root / LEDGER_NAME)
    target = build.site_dir / INDEX_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(integrity_index(build.register, build.site_dir, ledger), ensure_ascii=False, indent=1)
    _write(target, html_safe_json(data).encode("utf-8") + b"\n")
    published = build.site_dir / LEDGER_PATH
    if ledger.exists:
        _write(published, ledger.data)
    elif published.exists():
        published.unlink()


def _write(target: Path, data: bytes) -> None:
    if target.exists() and target.read_bytes() == data:
        return
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
