"""SHA-256 fingerprints of acts and files.

:func:`content_hash` is the fingerprint of an act's *sealed content*: the
front matter fields that define the act and its text, i.e. everything except
what may legitimately be added after publication (``transmission`` going from
« en attente » to a date and an accusé de réception, ``donne_acte``,
``note``; see issue 3).  It is printed in the footer of every page of the
act's PDF and is meant to be the ledger's hash too, so one act has one
fingerprint everywhere.

The fields are taken as their raw YAML text (``Act.raw``), so the value does
not move with the parser's typing, and serialised as canonical JSON (sorted
keys, no insignificant spaces, UTF-8) followed by the text, with line ends
normalised to ``\\n``.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import re
from pathlib import Path

from registre.domain.model import Act

# Fields that may be added or completed after publication without changing the act.
MUTABLE_FIELDS = frozenset({"transmission", "donne_acte", "note"})
HASH_FORMAT = "registre-acte-v1"
CHUNK = 1 << 20
SHA256_RE = re.compile(r"[0-9a-f]{64}")


def is_sha256(value) -> bool:
    """Whether ``value`` is a SHA-256 as this package writes them (64 lowercase hex digits)."""
    return isinstance(value, str) and SHA256_RE.fullmatch(value) is not None


def defining_fields(act: Act) -> dict:
    """The front matter fields that define the act, as raw text values."""
    return {key: value for key, value in act.raw.items() if key not in MUTABLE_FIELDS}


def canonical_content(act: Act) -> bytes:
    """The bytes :func:`content_hash` digests."""
    head = json.dumps({"format": HASH_FORMAT, "champs": defining_fields(act)}, ensure_ascii=False,
                      sort_keys=True, separators=(",", ":"))
    body = act.body.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    return head.encode("utf-8") + b"\n" + body.encode("utf-8") + b"\n"


def content_hash(act: Act) -> str:
    """SHA-256 (hex) of the act's sealed content: defining fields and text."""
    return hashlib.sha256(canonical_content(act)).hexdigest()


# Hashes already computed in this process, by file identity (device, inode, size, modification
# time in ns): a cached PDF is hashed once per build, though it is published as a hard link and
# listed by several steps.
_KNOWN: dict[tuple[int, int, int, int], str] = {}


def _identity(stat: os.stat_result) -> tuple[int, int, int, int]:
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


def remember_sha256(path: Path, digest: str, stat: os.stat_result | None = None) -> None:
    """Record a hash computed (or kept) elsewhere for ``path`` as it is now (``stat``:
    its ``os.stat``, when the caller has it)."""
    _KNOWN[_identity(stat if stat is not None else os.stat(path))] = digest


def file_sha256(path: Path) -> str:
    """SHA-256 (hex) of a file, read in chunks."""
    identity = _identity(os.stat(path))
    known = _KNOWN.get(identity)
    if known is not None:
        return known
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    _KNOWN[identity] = digest.hexdigest()
    return _KNOWN[identity]


def bytes_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def text_sha256(text: str) -> str:
    """SHA-256 of ``text`` encoded in UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_many(paths) -> dict:
    """path → SHA-256 of each file (None: unreadable), read by a few threads: hashlib and file reads
    release the interpreter lock, so checking 10,000 cached files takes a fraction of the time."""
    paths = list(paths)

    def one(path):
        try:
            return file_sha256(path)
        except OSError:
            return None
    if len(paths) < 64:
        return {path: one(path) for path in paths}
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        return dict(zip(paths, pool.map(one, paths, chunksize=64)))


TREE_MANIFEST = ".sha256.json"  # inside a cached folder: SHA-256 of each of its files, recorded when made


def _tree_hashes(folder: Path) -> dict[str, str | None]:
    paths = {path.relative_to(folder).as_posix(): path for path in Path(folder).rglob("*")
             if path.is_file() and path.name != TREE_MANIFEST}
    found = sha256_many(paths.values())
    return {rel: found[path] for rel, path in paths.items()}


def seal_tree(folder: Path, name: str | None = None) -> None:
    """Record the SHA-256 of every file of the cached ``folder``, and the name it is kept under
    (``name``, when it is renamed afterwards; see :func:`tree_intact`)."""
    record = {"dossier": name or Path(folder).name, "fichiers": _tree_hashes(folder)}
    data = json.dumps(record, sort_keys=True, separators=(",", ":")).encode("utf-8")
    (Path(folder) / TREE_MANIFEST).write_bytes(data)


def tree_intact(folder: Path) -> bool:
    """Whether the cached ``folder`` holds exactly the files :func:`seal_tree` recorded, byte for
    byte, under the name it was recorded for (a folder copied under another's name is not that one)."""
    try:
        recorded = json.loads((Path(folder) / TREE_MANIFEST).read_bytes())
    except (OSError, ValueError):
        return False
    return (isinstance(recorded, dict) and recorded.get("dossier") == Path(folder).name
            and bool(recorded.get("fichiers")) and recorded["fichiers"] == _tree_hashes(folder))
