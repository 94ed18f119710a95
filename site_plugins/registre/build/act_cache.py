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
again, so an edited cache never publishes what the act's file does not say.  Values are checked against the types of the
model when they are read back; an entry that does not fit is read again from
its file.  Plain Python, no MkDocs.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import types
import typing
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable

from registre.domain.diagnostics import Diagnostic, Severity
from registre.domain.model import Act
from registre.domain.seance import Seance
from registre.files.atomic_write import write_atomic
from registre.seal.hashing import bytes_sha256, text_sha256

FORMAT = "registre-actes-v4"
FILE_NAME = "actes.jsonl"
LEGACY_FILES = ("actes.json",)  # earlier formats, deleted when the file is rewritten


class CacheFormatError(ValueError):
    """A cached value does not have the type the model gives it."""


# -- Act ⇄ JSON, driven by the dataclass fields and their type hints ----------

def encode(value: Any) -> Any:
    """Model value → JSON value (dates as ISO text, enums as their value)."""
    if dataclasses.is_dataclass(value):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, bool)):
        return value
    raise CacheFormatError(f"type non prévu : {type(value).__name__}")


Decoder = Callable[[Any], Any]
_DECODERS: dict[Any, Decoder] = {}


def decoder(tp: Any) -> Decoder:
    """The function that turns a JSON value back into a value of type ``tp``."""
    found = _DECODERS.get(tp)
    if found is None:
        found = _DECODERS[tp] = _make_decoder(tp)
    return found


def _make_decoder(tp: Any) -> Decoder:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        if len(options) != 1:
            raise TypeError(f"union non prise en charge : {tp}")
        inner = decoder(options[0])
        return lambda v: None if v is None else inner(v)
    if origin is tuple:
        item = decoder(args[0])
        return lambda v: tuple(item(x) for x in _checked(v, list))
    if origin is dict or tp is dict:
        return _plain_json
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        fields = [(f.name, decoder(hints[f.name])) for f in dataclasses.fields(tp)]

        def build(v):
            _checked(v, dict)
            if len(v) != len(fields):
                raise CacheFormatError(f"{tp.__name__} : champs différents")
            return tp(**{name: decode(v[name]) for name, decode in fields})
        return build
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return lambda v: tp(_checked(v, str))
    if tp is date:
        return lambda v: date.fromisoformat(_checked(v, str))
    if tp is bool:
        return lambda v: _checked(v, bool)
    if tp is int:
        return lambda v: v if type(v) is int else _fail(v, int)
    if tp is str:
        return lambda v: _checked(v, str)
    raise TypeError(f"type non pris en charge : {tp}")


def _checked(value: Any, kind: type) -> Any:
    return value if isinstance(value, kind) else _fail(value, kind)


def _fail(value: Any, kind: type) -> Any:
    raise CacheFormatError(f"{kind.__name__} attendu, {type(value).__name__} trouvé")


def _plain_json(value: Any) -> Any:
    return _checked(value, dict)


def decode_act(data: Any) -> Act:
    return decoder(Act)(data)


def encode_diagnostic(diag: Diagnostic) -> list:
    return [diag.path, diag.line, diag.severity.value, diag.message, diag.fix, diag.code]


def decode_diagnostic(data: Any) -> Diagnostic:
    path, line, severity, message, fix, code = _checked(data, list)
    if not all(isinstance(v, str) for v in (path, message, fix, code)) or type(line) is not int:
        raise CacheFormatError("diagnostic mal formé")
    return Diagnostic(path, line, Severity(severity), message, fix, code)


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

    def to_json(self) -> dict:
        return {"sha256": self.sha256, "shown": self.shown,
                "act": None if self.act is None else encode(self.act),
                "diagnostics": [encode_diagnostic(d) for d in self.diagnostics],
                "declared": self.declared,
                "headless": None if self.headless is None else encode_diagnostic(self.headless),
                "text": None if self.text is None else [encode_diagnostic(d) for d in self.text],
                "seance": None if self.seance is None else encode(self.seance)}

    @classmethod
    def from_json(cls, data: Any) -> ReadFile:
        _checked(data, dict)
        declared = _checked(data["declared"], list)
        if not all(isinstance(p, str) for p in declared):
            raise CacheFormatError("annexes mal formées")
        text = data["text"]
        return cls(sha256=_checked(data["sha256"], str), shown=_checked(data["shown"], str),
                   act=None if data["act"] is None else decode_act(data["act"]),
                   diagnostics=[decode_diagnostic(d) for d in _checked(data["diagnostics"], list)],
                   declared=declared,
                   headless=None if data["headless"] is None else decode_diagnostic(data["headless"]),
                   text=None if text is None else [decode_diagnostic(d) for d in _checked(text, list)],
                   seance=None if data["seance"] is None else decoder(Seance)(data["seance"]))


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
    appending) is skipped: that file is read again.  Entries are decoded when
    asked for, so an unchanged register pays only for what it uses.
    """

    REWRITE_RATIO = 0.25  # outdated lines allowed, as a share of the entries

    def __init__(self, path: Path | None, salt: str):
        self.path = path
        self.salt = salt
        self._stored: dict[str, dict] = {}
        self._used: dict[str, dict] = {}
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
                rel, entry = json.loads(text)
            except (ValueError, TypeError):
                continue
            if not isinstance(rel, str):
                continue
            if isinstance(entry, dict):
                self._stored[rel] = entry
            else:
                self._stored.pop(rel, None)

    def get(self, rel: str, sha256: str, shown: str) -> ReadFile | None:
        raw = self._stored.get(rel)
        if not isinstance(raw, dict) or raw.get("sha256") != sha256 or raw.get("shown") != shown:
            return None
        try:
            found = ReadFile.from_json(raw)
        except (CacheFormatError, KeyError, TypeError, ValueError):
            return None
        self._used[rel] = raw
        return found

    def put(self, rel: str, entry: ReadFile) -> None:
        try:
            self._used[rel] = entry.to_json()
        except CacheFormatError:
            self._used.pop(rel, None)

    def save(self) -> bool:
        """Record what this run changed (appended, or the file rewritten); True when written."""
        if self.path is None:
            return False
        changed = [(rel, entry) for rel, entry in self._used.items() if self._stored.get(rel) is not entry]
        changed += [(rel, None) for rel in self._stored if rel not in self._used]
        if not changed:
            return False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self._appendable and self._lines + len(changed) <= len(self._used) * (1 + self.REWRITE_RATIO):
                text = "".join(_line(rel, entry) for rel, entry in changed)
                with open(self.path, "a", encoding="utf-8") as handle:
                    handle.write(text if self._ends_with_newline else "\n" + text)
                self._lines += len(changed)
            else:
                header = json.dumps({"format": FORMAT, "salt": self.salt}) + "\n"
                write_atomic(self.path, (header + "".join(_line(rel, entry) for rel, entry in self._used.items()))
                             .encode("utf-8"))
                self._lines, self._appendable = len(self._used), True
                for name in LEGACY_FILES:
                    self.path.with_name(name).unlink(missing_ok=True)
            self._ends_with_newline = True
        except OSError:
            return False  # a cache that cannot be written is only a slower next build
        self._stored = dict(self._used)
        return True


def _line(rel: str, entry: dict | None) -> str:
    """``<SHA-256 of the JSON text> <JSON text>``: the hash is checked when the line is read back."""
    text = json.dumps([rel, entry], ensure_ascii=False, separators=(",", ":"))
    return f"{text_sha256(text)} {text}\n"
