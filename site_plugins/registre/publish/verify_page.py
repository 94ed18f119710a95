"""« Vérifier un document »: a citizen checks a downloaded file in the browser.

The page (template ``registre/verify.html``, script
``assets/registre/verify.js``) computes the SHA-256 of a file the citizen
picks, locally with Web Crypto (nothing is uploaded), and looks it up among
the hashes the site publishes: every file the site publishes for an act
online (annexes, signed original, PDF of the act…), every file version
recorded in the sealed register, and each act's content fingerprint (printed
in the footer of its PDF).  The sealed register itself is published next to
it as ``verifier/registre.lock``, byte for byte.

The hashes are sharded, so that the page downloads a few kilobytes whatever
the size of the register: ``verifier/empreintes/<année>/<xx>.json`` holds the
hashes starting with the two hex characters ``xx`` of the acts of that year
(``{"format": …, "empreintes": {sha256: [item, …]}}``).  The page fetches the
shard of the hash's prefix in each year; a missing shard (404) means no match
in that year.  ``verifier/integrite.json`` is a small index: commune, date,
sealed register, the years (of the acts online, newest first) and the shard
naming scheme.

Built one year at a time (plugin option ``annees``), a build writes only the
shards of its years, and only the shards that have entries; the index does
not depend on the years built.  Copying the site folders of the year builds
over one another thus gives the same ``verifier/`` files as one full build.

:func:`verify_pages` is a page provider (see :func:`registre.publish.steps.PAGE_PROVIDERS`);
:func:`write_integrity_files` is a post-build step (see :mod:`registre.publish.steps`):
it runs after the other steps so the files they write are listed too.
:func:`read_published_hashes` reads the hashes back from a built site.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Iterator, Mapping

from registre.domain.addresses import INDEX_PATH, PAGE_URI, SHARDS_DIR, annex_uri
from registre.domain.register import Register
from registre.files.atomic_write import write_if_changed
from registre.publish.context import BuildContext
from registre.publish.seance_files import seance_file_years, seance_hashes
from registre.seal.hashing import content_hash, file_sha256
from registre.seal.ledger import LEDGER_NAME, Ledger, read_ledger
from registre.site.pages import GeneratedPage, PageKind
from registre.site.presentation import ActView

LEDGER_PATH = f"verifier/{LEDGER_NAME}"
SHARD_SCHEME = SHARDS_DIR + "/{annee}/{prefixe}.json"  # prefixe: the hash's first PREFIX_LENGTH hex characters
PREFIX_LENGTH = 2
INDEX_FORMAT = "registre-integrite-v2"


def verify_pages(register: Register) -> Iterator[GeneratedPage]:
    ledger = read_ledger(register.acts_root / LEDGER_NAME)
    yield GeneratedPage(
        src_uri=PAGE_URI + "index.md", title="Vérifier un document", kind=PageKind.VERIFY,
        data={"verification": {"index": INDEX_PATH, "shards": SHARDS_DIR + "/", "years": online_years(register),
                               "ledger": LEDGER_PATH if ledger.exists else None,
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


def online_years(register: Register) -> list[int]:
    """Years of the acts online and of the séances whose liste or procès-verbal is online, newest
    first: the years the page looks in."""
    return sorted({act.year for act in register.online} | seance_file_years(register), reverse=True)


def _by_act(paths) -> dict[str, list[str]]:
    """act identifier → the site paths under its folder ``actes/<identifier>/``."""
    found: dict[str, list[str]] = {}
    for path in paths:
        parts = path.split("/")
        if len(parts) > 2 and parts[0] == "actes":
            found.setdefault(parts[1], []).append(path)
    return found


def _hashes(register: Register, site_dir: Path, ledger: Ledger, acts: list,
            sealed_on: dict[tuple[str, str], str], planned: Mapping[str, str] | None = None,
            listing: Mapping[str, str | None] | None = None) -> dict[str, list[dict]]:
    """sha256 → what it is, for ``acts`` (acts online, newest first; their files as built in
    ``site_dir``, and ``planned``: site path → SHA-256 of files still being linked there).
    ``listing``: every file the act folders hold, when the build knows it (site path →
    SHA-256 or None), spares listing 10,000 folders."""
    hashes: dict[str, list[dict]] = {}
    planned = planned or {}
    planned_by_act = _by_act(planned)
    listed_by_act = _by_act(listing) if listing is not None else None
    known = listing or {}

    def add(digest: str, item: dict) -> None:
        items = hashes.setdefault(digest, [])
        if item not in items:
            items.append(item)

    for act in acts:
        view = ActView(act, register)
        about = {"acte": act.identifier, "titre": view.title, "date": view.date, "objet": view.objet,
                 "url": view.url}
        annexes = {annex_uri(act, a): a for a in act.annexes if not a.is_markdown}
        current: set[str] = set()
        found = (listed_by_act.get(act.identifier, ()) if listed_by_act is not None
                 else _files_under(site_dir, f"actes/{act.identifier}"))
        for rel in sorted(set(found) | set(planned_by_act.get(act.identifier, ()))):
            digest = planned.get(rel) or known.get(rel) or file_sha256(site_dir / rel)
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
    return hashes


def shards(hashes: dict[str, list[dict]]) -> dict[str, dict]:
    """prefix → content of its shard file (only the prefixes that have hashes)."""
    by_prefix: dict[str, dict[str, list[dict]]] = {}
    for digest in sorted(hashes):
        by_prefix.setdefault(digest[:PREFIX_LENGTH], {})[digest] = hashes[digest]
    return {prefix: {"format": INDEX_FORMAT, "empreintes": table} for prefix, table in by_prefix.items()}


def integrity_index(register: Register, ledger: Ledger) -> dict:
    """The content of ``integrite.json``: the same whichever years a build builds."""
    return {
        "format": INDEX_FORMAT,
        "commune": register.config.commune,
        "date": register.today.isoformat(),
        "registre_scelle": ({"fichier": LEDGER_NAME, "lignes": len(ledger.entries), "actes": len(ledger.acts),
                             "derniere_ligne_sha256": ledger.head} if ledger.exists else None),
        "annees": online_years(register),
        "repartition": {"fichiers": SHARD_SCHEME, "longueur_prefixe": PREFIX_LENGTH,
                        "description": f"pour chaque année de « annees », les empreintes des documents des actes de "
                                      f"cette année dont les {PREFIX_LENGTH} premiers caractères (0-9, a-f) sont "
                                      f"« prefixe » ; un fichier absent n'en contient aucune"},
    }


def read_published_hashes(site_dir: Path) -> dict[str, list[dict]]:
    """All the hashes a built site publishes (every shard of the years its index lists).

    Raises FileNotFoundError without ``integrite.json``, ValueError when it or a
    shard is not what :func:`write_integrity_files` writes."""
    index = json.loads((site_dir / INDEX_PATH).read_text(encoding="utf-8"))
    if not isinstance(index, dict) or index.get("format") != INDEX_FORMAT or not isinstance(index.get("annees"), list):
        raise ValueError(f"{INDEX_PATH}: format inconnu")
    table: dict[str, list[dict]] = {}
    for year in index["annees"]:
        if not isinstance(year, int):
            raise ValueError(f"{INDEX_PATH}: année « {year} » invalide")
        folder = site_dir / SHARDS_DIR / str(year)
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            shard = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(shard, dict) or not isinstance(shard.get("empreintes"), dict):
                raise ValueError(f"{path}: format inconnu")
            for digest, items in shard["empreintes"].items():
                table.setdefault(digest, []).extend(items)
    return table


def html_safe_json(text: str) -> str:
    """JSON text with « < », « > » and « & » as \\u escapes: same data, and no
    markup a careless consumer could inject into a page."""
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _files_under(site_dir: Path, folder: str) -> list[str]:
    """Files an act's folder (relative to the site) serves for download, relative to
    the site, sorted: everything but its HTML pages.  os.scandir, not os.walk: one
    call per folder, 10,000 act folders."""
    found: list[str] = []
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            entries = list(os.scandir(os.path.join(site_dir, current)))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            rel = f"{current}/{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                pending.append(rel)
            elif not entry.name.endswith(".html"):
                found.append(rel)
    return sorted(found)


def write_integrity_files(build: BuildContext) -> None:
    """Post-build step: ``verifier/integrite.json``, the shards of the years built
    under ``verifier/empreintes/`` and ``verifier/registre.lock``."""
    register = build.register
    ledger = read_ledger(register.acts_root / LEDGER_NAME)
    target = build.site_dir / INDEX_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    write_if_changed(target, _json_bytes(integrity_index(register, ledger)))

    sealed_on = _sealed_dates(ledger)
    by_year: dict[int, list] = {}
    for act in register.online:
        if build.builds_year(act.year):
            by_year.setdefault(act.year, []).append(act)
    # The séances' liste and procès-verbal (PDF/A) and signed procès-verbal verify too, under their year.
    seances = {year: table for year, table in seance_hashes(register, ledger, sealed_on).items()
               if build.builds_year(year)}
    for year in seances:
        by_year.setdefault(year, [])
    root = build.site_dir / SHARDS_DIR
    for year, acts in by_year.items():
        folder = root / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        names = set()
        # The generated PDFs being linked in the background count with their known hash.
        hashes = _hashes(register, build.site_dir, ledger, acts, sealed_on, build.published_files, build.act_files)
        for digest, items in seances.get(year, {}).items():
            known = hashes.setdefault(digest, [])
            known.extend(item for item in items if item not in known)
        for prefix, shard in shards(hashes).items():
            names.add(f"{prefix}.json")
            write_if_changed(folder / f"{prefix}.json", _json_bytes(shard))
        _remove_except(folder, names)  # prefixes that no longer have hashes
    if root.is_dir():  # years built that no longer have acts online (in a full build: every other year)
        for child in sorted(root.iterdir()):
            built = build.years is None or (child.name.isdigit() and int(child.name) in build.years)
            if built and not (child.name.isdigit() and int(child.name) in by_year):
                _remove(child)

    published = build.site_dir / LEDGER_PATH
    if ledger.exists:
        write_if_changed(published, ledger.data)
    elif published.exists():
        published.unlink()


def _json_bytes(data: dict) -> bytes:
    # Compact: the C encoder (an ``indent`` falls back to pure Python) and smaller downloads.
    return html_safe_json(json.dumps(data, ensure_ascii=False, separators=(",", ":"))).encode("utf-8") + b"\n"


def _remove_except(folder: Path, keep: set[str]) -> None:
    """Delete what ``folder`` holds but the files named in ``keep``."""
    for child in folder.iterdir():
        if not (child.name in keep and child.is_file()):
            _remove(child)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()

