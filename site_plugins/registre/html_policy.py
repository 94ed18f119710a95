"""What raw HTML an act's text may contain.

Policy: the text is Markdown.  A few inline presentational tags that
transcriptions of signed acts need are allowed, without attributes
(``u``, ``sup``, ``sub``, ``br``, ``abbr`` with ``title``, ``mark``,
``small``, ``s``); comments are allowed.  Anything else (``script``,
``iframe``, ``style``, ``img``, forms, event handlers…) is refused by the
checker, so it never reaches the site.  Code spans and fenced blocks are
text and are not inspected.
"""

from __future__ import annotations

import re

ALLOWED_TAGS = frozenset({"u", "sup", "sub", "br", "abbr", "mark", "small", "s"})
ALLOWED_ATTRIBUTES = {"abbr": frozenset({"title"})}

TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s[^<>]*)?)/?>")
ATTR_RE = re.compile(r"([^\s=/]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?")
FENCE_RE = re.compile(r"^\s*(```|~~~)")
CODE_SPAN_RE = re.compile(r"`+[^`]*`+")
COMMENT_RE = re.compile(r"<!--.*?-->", re.S)


def check_body(body: str) -> list[tuple[int, str, str]]:
    """(line within body, message, fix) for each forbidden piece of HTML."""
    problems = []
    in_fence = False
    text = COMMENT_RE.sub(lambda m: "\n" * m.group(0).count("\n"), body)
    for number, line in enumerate(text.split("\n"), start=1):
        if FENCE_RE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        line = CODE_SPAN_RE.sub("", line)
        reported = set()
        for match in TAG_RE.finditer(line):
            name = match.group(2).lower()
            if name in reported:
                continue
            if name not in ALLOWED_TAGS:
                reported.add(name)
                problems.append((number, f"balise HTML <{name}> interdite dans le texte de l'acte.",
                                 "écrivez le texte en Markdown (titres #, **gras**, listes -) ; seules les balises "
                                 f"{', '.join(sorted(ALLOWED_TAGS))} sont admises."))
                continue
            allowed = ALLOWED_ATTRIBUTES.get(name, frozenset())
            for attr in ATTR_RE.finditer(match.group(3) or ""):
                if attr.group(1).lower() not in allowed:
                    problems.append((number, f"attribut HTML « {attr.group(1)} » interdit sur <{name}>.",
                                     "retirez l'attribut."))
    return problems
