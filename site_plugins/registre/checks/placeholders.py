"""Text left to complete in an act file prepared by ``registre new`` or
``registre import``: the marker « À COMPLÉTER » must not reach the site.

Front matter placeholders are empty values (which :mod:`registre.source.schema`
already refuses); in the text of the act they are HTML comments carrying the
marker, invisible on a page, so this rule looks for them.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable

from registre.domain.diagnostics import Diagnostic, error
from registre.domain.model import Act
from registre.domain.paths import display_path
from registre.domain.register import Register
from registre.source.files import iter_act_files
from registre.source.frontmatter import MAX_FILE_BYTES
from registre.source.schema import MARKER

# In the text of an act, the marker in capitals (« À COMPLÉTER », « A COMPLETER »), or in any case
# inside an HTML comment: a sentence such as « le dossier est à compléter » stays legitimate text.
_BODY_RES = (re.compile(r"[AÀ]\s+COMPL[EÉ]TER"),
             re.compile(r"<!--(?:(?!-->).)*?[aà]\s+compl[eé]ter", re.I | re.S))
# In a front matter value, any case: « objet: à compléter » is never an objet.
_VALUE_RE = re.compile(r"[aà]\s+compl[eé]ter", re.I)


def marker_lines(text: str) -> list[tuple[int, str]]:
    """(1-based line, line text) of each line of an act's text where a marker is."""
    text = unicodedata.normalize("NFC", text)
    starts = sorted({m.start() for pattern in _BODY_RES for m in pattern.finditer(text)})
    if not starts:
        return []
    lines = text.split("\n")
    found = sorted({text.count("\n", 0, start) + 1 for start in starts})
    return [(number, lines[number - 1].strip()) for number in found]


def placeholders_in_act(act: Act, path: str) -> Iterable[Diagnostic]:
    """Marker left in an act's front matter or text (cached with the act)."""
    for key, value in _flat(act.raw):
        if isinstance(value, str) and _VALUE_RE.search(unicodedata.normalize("NFC", value)):
            yield error(path, act.line_of(key), f"« {key} » contient encore « {MARKER} ».",
                        f"remplacez « {MARKER} » par la valeur de l'acte signé.", "placeholder.left")
    yield from _body_diagnostics(path, act.body, act.body_line)


def rule_placeholders(register: Register) -> Iterable[Diagnostic]:
    """Marker left in the text of files whose front matter is still incomplete,
    so that one ``registre check`` lists everything to do (acts read: see
    :func:`placeholders_in_act`)."""

    known = {act.source for act in register.acts} | register.annex_files
    for file in iter_act_files(register.acts_root):
        if file.relative_to(register.acts_root).as_posix() in known:
            continue
        try:
            if file.stat().st_size > MAX_FILE_BYTES:
                continue  # refused by the reader (too large), not read again here
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # reported by the reader
        if not marker_lines(text):
            continue
        lines = text.replace("\r\n", "\n").split("\n")
        if not lines or lines[0].strip() != "---":
            continue
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
        if end is not None:
            yield from _body_diagnostics(display_path(file), "\n".join(lines[end + 1:]), end + 2)


def _body_diagnostics(path: str, body: str, body_line: int) -> Iterable[Diagnostic]:
    for line, text in marker_lines(body):
        yield error(path, body_line + line - 1, f"texte à compléter laissé dans l'acte : « {text[:100]} ».",
                    "remplacez ce commentaire par le texte de l'acte signé (visas, considérants, articles), "
                    "ou supprimez-le s'il est sans objet.", "placeholder.left")


def _flat(value, prefix: str = ""):
    """(dotted key, value) of every scalar of the raw front matter."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _flat(child, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for child in value:
            yield from _flat(child, prefix)
    else:
        yield prefix, value
