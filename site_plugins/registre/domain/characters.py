"""Characters a published act never carries: one definition for fields, texts and file names.

Control characters break the XML of feeds and the PDF (a vertical tab in an
objet used to crash the build), bidirectional controls make a text read
differently from what it holds (« trojan source »), and zero-width
characters make two different values look the same.  None is visible when
staff read the file, so each is named by its code point and Unicode name.

* :data:`FORBIDDEN_IN_FIELDS`: in any front-matter value (after YAML's escapes),
  in the raw front matter (comments included) and in file names: C0 and C1
  controls (tab and newline included: a value holding a newline is
  reported by its own rule), lone surrogates, bidirectional controls,
  line/paragraph separators and zero-width characters.
* :data:`FORBIDDEN_IN_TEXT`: in the Markdown text of an act or annex:
  controls other than tab and newline, and bidirectional controls.
  Zero-width characters stay allowed there: the zero-width joiner is part
  of emoji and of some scripts, and in running text they change nothing
  that is read.
"""

from __future__ import annotations

import re
import unicodedata

_C0 = "\x00-\x08\x0b-\x1f\x7f"  # without tab (\x09) and newline (\x0a)
_C1 = "\x80-\x9f"
_BIDI = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
_SEPARATORS = "\u2028\u2029"
_ZERO_WIDTH = "\u200b-\u200d\u2060\ufeff"
_SURROGATES = "\ud800-\udfff"

FORBIDDEN_IN_FIELDS = re.compile(f"[\t{_C0}{_C1}{_BIDI}{_SEPARATORS}{_ZERO_WIDTH}{_SURROGATES}]")
FORBIDDEN_IN_RAW_YAML = re.compile(f"[{_C0}{_C1}{_BIDI}{_SEPARATORS}{_ZERO_WIDTH}{_SURROGATES}]")
FORBIDDEN_IN_TEXT = re.compile(f"[{_C0}{_C1}{_BIDI}{_SEPARATORS}{_SURROGATES}]")
FORBIDDEN_IN_NAMES = re.compile(f"[\t\n{_C0}{_C1}{_BIDI}{_SEPARATORS}{_ZERO_WIDTH}{_SURROGATES}]")
_BIDI_RE = re.compile(f"[{_BIDI}]")

_NAMES = {
    "\t": "tabulation", "\n": "retour à la ligne", "\x0b": "tabulation verticale", "\x0c": "saut de page",
    "\x1b": "caractère d'échappement", "\x7f": "caractère d'effacement",
    "\u2028": "séparateur de ligne", "\u2029": "séparateur de paragraphe", "\ufeff": "espace insécable de largeur nulle",
    "\u200b": "espace de largeur nulle", "\u200c": "antiliant sans chasse", "\u200d": "liant sans chasse",
    "\u2060": "gluon de mots",
}


def describe(char: str) -> str:
    """« U+202E (contrôle bidirectionnel, RIGHT-TO-LEFT OVERRIDE) »: what staff can search for."""
    code = f"U+{ord(char):04X}"
    if "\ud800" <= char <= "\udfff":
        return f"{code} (moitié de caractère isolée, texte mal encodé)"
    if _BIDI_RE.match(char):
        kind = "contrôle bidirectionnel : le texte s'afficherait dans un autre ordre que celui écrit"
    else:
        kind = _NAMES.get(char) or "caractère de contrôle invisible"
    name = unicodedata.name(char, "")
    return f"{code} ({kind}{', ' + name if name else ''})"


def what_to_do(where: str) -> str:
    """The fix, in French, for a forbidden character found in ``where``."""
    return (f"supprimez ce caractère invisible de {where} (retapez le texte plutôt que de le copier-coller "
            "depuis un traitement de texte ou un courriel).")


def first_forbidden_line(text: str, pattern: re.Pattern[str]) -> tuple[int, str] | None:
    """(0-based line, character) of the first forbidden character of ``text``, or None."""
    match = pattern.search(text)
    if match is None:
        return None
    return text.count("\n", 0, match.start()), match.group(0)


def forbidden_lines(text: str, pattern: re.Pattern[str]) -> list[tuple[int, str]]:
    """Every (0-based line, first forbidden character on it) of ``text``."""
    found: dict[int, str] = {}
    for match in pattern.finditer(text):
        found.setdefault(text.count("\n", 0, match.start()), match.group(0))
    return sorted(found.items())


def printable_name(name: str) -> str:
    """A file name as it can be shown in a message: each forbidden character written « <U+000A> »."""
    return FORBIDDEN_IN_NAMES.sub(lambda m: f"<U+{ord(m.group(0)):04X}>", name)
