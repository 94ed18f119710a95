"""Acts read from their files, kept from one check to the next.

Reading an act is YAML, typing and the checks of its own text (personal
data, HTML, markers left in it): ≈ 1.5 ms per act, 15 s for a register of
10,000, every build, for files that have not changed.  This cache keeps, for
each file under ``acts/``, what reading it gave: the :class:`~registre.domain.model.Act`,
its diagnostics, the annexes it names; it is keyed by the SHA-256 of the
file's bytes, the path shown in diagnostics, the date of reference ("today",
some checks depend on it) and the digest of this package's code and of the
libraries it uses.  Any other change (an edit, a new registre version, the
next day) reads the file again.

The file is JSON Lines, not pickle: the cache may come back from a CI store, and
reading it must never run code.  Each line starts with the SHA-256 of its JSON
text (which holds the SHA-256 of the act's file): a line damaged or edited by
hand (an objet changed in the cache) no longer matches and its file is read
again, so an edited cache never publishes what the act's file does not say.
msgspec writes and reads the JSON straight from and into the model's dataclasses,
checking every value against the type the model gives it (a number where a date
is expected, a field missing): an entry that does not fit is read again from its
file.  Plain Python, no MkDocs.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import msgspec

from registre.domain.diagnostics import Diagnostic
from registre.domain.model import Act
from registre.domain.seance import Seance
from registre.files.atomic_write import write_atomic
from registre.seal.hashing import bytes_sha256

FORMAT = "registre-actes-v5"
FILE_NAME = "actes.jsonl"
LEGACY_FILES = ("actes.json",)  # earlier formats, deleted when the file is rewritten


class CacheFormatError(ValueError):
    """A cached value does not have the type the model gives it."""


def encode(value: Any) -> Any:
    """Model value → JSON value (dataclasses as objects, dates as ISO text, enums as their value)."""
    return msgspec.to_builtins(value)


def decode_act(data: Any) -> Act:
    """JSON value → :class:`Act`, every field checked against its type."""
    try:
        return msgspec.convert(data, Act)
    except msgspec.ValidationError as exc:
        raise CacheFormatError(str(exc)) from None


# -- the cache -----------------------------------------------------------------

@dataclass
class ReadFile:
    """What reading one file of ``acts/`` gave."""

    sha256: str
    shown: str  # the path diagnostics name
    act: Act | None
    diagnostics: list[Diagnostic]  # from reading it (YAML, fields)
    declared: list[str] = dataclasses.field(default_factory=list)  # annexes named by an act with errors
    headless: Diagnostic | None = None  # no front matter: an annex, or an act without a header
    text: list[Diagnostic] | None = None  # checks of the act's own text (None: not run)
    seance: Seance | None = None  # a séance file (seance-AAAA-MM-JJ.md) read without error


_LINE = msgspec.json.Decoder(tuple[str, ReadFile | None])
_ENCODER = msgspec.json.Encoder()


def file_key(data: bytes) -> str:
    return bytes_sha256(data)


class ActCache:
    """``.cache/registre/actes.jsonl``: path under acts/ → :class:`ReadFile`.

    JSON Lines: a header (format and salt), then one ``[path, entry]`` per line;
    a later line for the same path replaces an earlier one, ``[path, null]``
    forgets it.  Adding or editing one act appends its line instead of
    rewriting the whole file (the size of ``acts/``); the file is rewritten
    once it holds more outdated lines than :data:`REWRITE_RATIO` allows, or
    when the salt changed.  A line that cannot be read (a build killed while
    appending) is skipped: that file is read again.
    """

    REWRITE_RATIO = 0.25  # outdated lines allowed, as a share of the entries

    def __init__(self, path: Path | None, salt: str):
        self.path = path
        self.salt = salt
        self._stored: dict[str, tuple[ReadFile, bytes]] = {}  # path → (entry, JSON text of its line), as in the file
        # path → the entries this run used (the JSON text of their line) or read (the entry: encoded
        # when written, one at a time, so that 100,000 entries never sit in memory as text)
        self._used: dict[str, bytes | ReadFile] = {}
        self._lines = 0  # entry lines in the file, outdated ones included
        self._appendable = False  # the file has our header: lines can be appended to it
        self._ends_with_newline = True
        if path is not None:
            self._load(path)

    def _load(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except OSError:
            return
        lines = data.split(b"\n")
        try:
            header = json.loads(lines[0])
        except ValueError:
            return
        if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("salt") != self.salt:
            return
        self._appendable = True
        self._ends_with_newline = data.endswith(b"\n")
        for line in lines[1:]:
            if not line:
                continue
            self._lines += 1
            digest, _, text = line.partition(b" ")
            if bytes_sha256(text).encode() != digest:
                continue  # a line cut short, damaged or edited: its file is read again
            try:
                rel, entry = _LINE.decode(text)
            except (msgspec.DecodeError, msgspec.ValidationError):
                rel = _path_of(text)  # a value of the wrong type: that file is read again
                if rel is not None:
                    self._stored.pop(rel, None)
                continue
            if entry is not None:
                self._stored[rel] = (entry, text)
            else:
                self._stored.pop(rel, None)

    def get(self, rel: str, sha256: str, shown: str) -> ReadFile | None:
        entry, text = self._stored.get(rel, (None, None))
        if entry is None or entry.sha256 != sha256 or entry.shown != shown:
            return None
        self._used[rel] = text
        return entry

    def put(self, rel: str, entry: ReadFile) -> None:
        self._used[rel] = entry

    def save(self) -> bool:
        """Record what this run changed (appended, or the file rewritten); True when written."""
        if self.path is None:
            return False
        changed = [rel for rel, used in self._used.items() if self._stored.get(rel, (None, None))[1] is not used]
        changed += [rel for rel in self._stored if rel not in self._used]  # forgotten: « [rel, null] »
        if not changed:
            return False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self._appendable and self._lines + len(changed) <= len(self._used) * (1 + self.REWRITE_RATIO):
                with open(self.path, "ab") as handle:
                    if not self._ends_with_newline:
                        handle.write(b"\n")
                    handle.writelines(self._lines_of(changed))
                self._lines += len(changed)
            else:
                header = json.dumps({"format": FORMAT, "salt": self.salt}).encode() + b"\n"
                write_atomic(self.path, itertools.chain([header], self._lines_of(list(self._used))))
                self._lines, self._appendable = len(self._used), True
                for name in LEGACY_FILES:
                    self.path.with_name(name).unlink(missing_ok=True)
            self._ends_with_newline = True
        except OSError:
            return False  # a cache that cannot be written is only a slower next build
        # The lines kept as text are those read back unchanged; an entry read in this run is not kept
        # as text (it would double the memory of a cold build): a second save writes it again.
        self._stored = {rel: (entry, text) for rel, (entry, text) in self._stored.items()
                        if self._used.get(rel) is text}
        return True

    def _lines_of(self, rels: list[str]) -> Iterator[bytes]:
        """The lines of ``rels``, encoded one at a time (an entry the model does not allow is left out:
        its file is read again next time)."""
        for rel in rels:
            used = self._used.get(rel)
            text = used if isinstance(used, bytes) else _encoded(rel, used)
            if text is not None:
                yield _line(text)


_PATH_ONLY = msgspec.json.Decoder(tuple[str, msgspec.Raw])


def _encoded(rel: str, entry: ReadFile | None) -> bytes | None:
    """``[rel, entry]`` as JSON text; None for a value the model does not allow (not cached)."""
    try:
        return _ENCODER.encode([rel, entry])
    except (TypeError, ValueError):
        return None


def _path_of(text: bytes) -> str | None:
    """The path a line is about, when its entry does not fit the model."""
    try:
        return _PATH_ONLY.decode(text)[0]
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


def _line(text: bytes) -> bytes:
    """``<SHA-256 of the JSON text> <JSON text>``: the hash is checked when the line is read back."""
    return bytes_sha256(text).encode() + b" " + text + b"\n"
