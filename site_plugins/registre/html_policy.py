"""What raw HTML an act's text may contain.

Policy: the text is Markdown.  A few inline presentational tags that
transcriptions of signed acts need are allowed, without attributes
(``u``, ``sup``, ``sub``, ``br``, ``abbr`` with ``title``, ``mark``,
``small``, ``s``); comments are allowed.  Anything else (``script``,
``iframe``, ``style``, ``img``, forms, event handlers…) is refused by the
checker, so it never reaches the site.  Code spans and fenced blocks are
text and are not inspected.  Lists and quotes may nest up to
:data:`MAX_NESTING` levels.
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
# Block nesting (quotes and lists inside each other): a signed act needs a few
# levels; hundreds would exhaust the Markdown renderer's recursion.
MAX_NESTING = 10
NEST_START = frozenset(" \t>-*+0123456789")
NEST_TOKEN_RE = re.compile(r"\s*(?:>|[-*+](?=\s)|\d{1,9}[.)](?=\s))")


def nesting(line: str) -> int:
    """Block nesting depth a Markdown line opens: quote and list markers, plus
    indentation by steps of four spaces."""
    expanded = line.expandtabs(4)
    depth = (len(expanded) - len(expanded.lstrip(" "))) // 4
    position = 0
    while True:
        match = NEST_TOKEN_RE.match(expanded, position)
        if not match or match.end() == position:
            return depth
        depth += 1
        position = match.end()


def check_body(body: str) -> list[tuple[int, str, str]]:
    """(line within body, message, fix) for each forbidden piece of HTML."""
    problems = []
    in_fence = False
    too_deep = False  # reported once: the first line is enough to find the place
    text = COMMENT_RE.sub(lambda m: "\n" * m.group(0).count("\n"), body)
    for number, line in enumerate(text.split("\n"), start=1):
        if FENCE_RE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if len(line) > MAX_NESTING and line[:1] in NEST_START and nesting(line) > MAX_NESTING:
            if too_deep:
                continue
            too_deep = True
            problems.append((number, f"imbrication trop profonde dans le texte de l'acte (plus de {MAX_NESTING} "
                                     "niveaux de listes ou de citations les uns dans les autres).",
                             "simplifiez la mise en forme : quelques niveaux de listes suffisent."))
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


def rule_html_annexes(register) -> list:
    """Markdown annexes are rendered as pages too: the same policy applies to them."""
    from .diagnostics import error
    from .register import display_path

    diags = []
    for act in register.acts:
        for annex in act.annexes:
            if not annex.is_markdown or annex.path not in register.annex_files:
                continue
            path = register.acts_root / annex.path
            try:
                text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
            except (OSError, UnicodeDecodeError):
                continue  # reported by the reader
            for line, message, fix in check_body(text):
                diags.append(error(display_path(path), line, message.replace("texte de l'acte", "texte de l'annexe"),
                                   fix, "annexe.html"))
    return diags
