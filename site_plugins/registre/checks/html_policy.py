"""What HTML an act's text or a Markdown annex may publish: one policy, two uses.

The text is Markdown.  What is published is the HTML it renders to, and that
HTML goes through an allowlist sanitiser (nh3, i.e. Ammonia) defined here:
only the tags and attributes the format needs (what Markdown and its
extensions produce, plus a few inline tags transcriptions of signed acts
need: ``u``, ``sup``, ``sub``, ``br``, ``abbr`` with ``title``, ``mark``,
``small``, ``s``); links and images only to ``http``, ``https``,
``mailto``, ``tel`` or relative addresses; never an ``on…``, ``style`` or
``srcdoc`` attribute, whatever produced it (raw HTML, an attribute list
``{: … }``, a reference-style link…).  Table cells keep their alignment
(the exact ``style`` values the tables extension writes, nothing else).

:func:`sanitize` is what the site (act and annex pages) and the PDFs
publish.  :func:`check_body` is what ``registre check`` and the build report:
it renders the text with the format's Markdown extensions, parses the HTML
as a browser does (HTML5 parser) and reports, with its line, each thing the
sanitiser would remove — so staff learn it before publishing, and a text the
check accepts is published unchanged.  Lists and quotes may nest up to
:data:`MAX_NESTING` levels.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from html import unescape

import nh3

from registre.domain.diagnostics import error
from registre.domain.paths import display_path

# Raw HTML tags staff may type in a text (the importer keeps them too).
INLINE_TAGS = frozenset({"u", "sup", "sub", "br", "abbr", "mark", "small", "s"})
# What Markdown and the format's extensions produce.
MARKDOWN_TAGS = frozenset({
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "hr", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "code",
    "em", "strong", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "div",
})
ALLOWED_TAGS = INLINE_TAGS | MARKDOWN_TAGS
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "abbr": frozenset({"title"}),
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title"}),
    "ol": frozenset({"start"}),
    "div": frozenset({"class"}),  # admonitions
    "p": frozenset({"class"}),  # admonition titles
    "code": frozenset({"class"}),  # fenced code: language-…
    **{h: frozenset({"id"}) for h in HEADINGS},  # anchors of the table of contents
}
URL_ATTRIBUTES = frozenset({"href", "src"})
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Table alignment as the tables extension writes it: these exact values, no other style.
ALIGN_STYLES = frozenset(f"text-align: {side};" for side in ("left", "center", "right"))
ATTRIBUTE_VALUES = {cell: {"style": set(ALIGN_STYLES)} for cell in ("th", "td")}
ADMONITION_TYPES = frozenset({
    "note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important", "success", "check", "done",
    "question", "help", "faq", "warning", "caution", "attention", "failure", "fail", "missing", "danger", "error",
    "bug", "example", "quote", "cite",
})
ALLOWED_CLASSES = {"div": ADMONITION_TYPES | {"admonition"}, "p": frozenset({"admonition-title"})}
CODE_CLASS_RE = re.compile(r"language-[A-Za-z0-9_+-]{1,40}")
# Ids of the theme's own elements all start with "__" ("__config", "__search", "__drawer"…): a heading
# of the text must not take one (the theme's script would read the heading instead).  ("_1" is the
# id the table of contents gives a heading without letters.)
RESERVED_ID_RE = re.compile(r"__")
# Removed with what they hold, not only their tags.
CONTENT_DROPPED = frozenset({"script", "style", "template", "iframe", "noscript", "object", "embed", "title",
                             "textarea", "xmp", "noembed", "noframes", "plaintext", "math", "svg"})
# The Markdown extensions of the format (the site may enable more: the sanitiser still applies).
MARKDOWN_EXTENSIONS = ("toc", "tables", "fenced_code", "attr_list", "admonition", "sane_lists")

# Block nesting (quotes and lists inside each other): a signed act needs a few
# levels; hundreds would exhaust the Markdown renderer's recursion.
MAX_NESTING = 10
NEST_START = frozenset(" \t>-*+0123456789")
NEST_TOKEN_RE = re.compile(r"\s*(?:>|[-*+](?=\s)|\d{1,9}[.)](?=\s))")
# Without one of these, Markdown renders only what the policy keeps (no raw HTML, link, image,
# attribute list, admonition, fenced code class or heading id starting with "__"): the text needs
# no rendering to be checked.
NEEDS_RENDERING_RE = re.compile(r"[<\[{_]|!!!|^[ \t]*(?:```|~~~)", re.M)
URL_SPACE_RE = re.compile(r"[\t\n\r]")
SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
HTML_NS = "{http://www.w3.org/1999/xhtml}"
MAX_PROBLEMS = 20  # per text: the first ones are enough to find the places
# Up to this size, a problem's line is found by rendering the text's first lines (a few renders by
# bisection); beyond, by looking for what the sanitiser removes in the lines (a render costs too much).
SEARCHED_TEXT = 16_000


def url_allowed(value: str) -> bool:
    """A link or image address the policy keeps: relative, or http(s)/mailto/tel.
    Read as a browser does (URL standard): outer spaces and controls stripped,
    tabs and newlines inside ignored, scheme in any letter case."""
    value = URL_SPACE_RE.sub("", value.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11"
                                             "\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "))
    match = SCHEME_RE.match(value)
    return match is None or match.group(1).lower() in URL_SCHEMES


def _kept_value(tag: str, attribute: str, value: str) -> str | None:
    """The value an allowed attribute keeps (None: removed).  Used by the sanitiser and the check."""
    if attribute in URL_ATTRIBUTES:
        return value if url_allowed(value) else None
    if attribute == "id":
        return None if RESERVED_ID_RE.match(value) else value
    if attribute == "class":
        if tag == "code":
            kept = [name for name in value.split() if CODE_CLASS_RE.fullmatch(name)]
        else:
            kept = [name for name in value.split() if name in ALLOWED_CLASSES.get(tag, ())]
        return " ".join(kept) or None
    return value


@lru_cache(maxsize=1)
def _cleaner() -> nh3.Cleaner:
    """Built once (building it costs as much as a page's cleaning)."""
    return nh3.Cleaner(tags=set(ALLOWED_TAGS), clean_content_tags=set(CONTENT_DROPPED),
                       attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
                       attribute_filter=_kept_value, strip_comments=True, link_rel=None,
                       url_schemes=set(URL_SCHEMES), tag_attribute_values=ATTRIBUTE_VALUES)


def sanitize(html: str) -> str:
    """The HTML rendered from an act's text or a Markdown annex, as it may be published."""
    return _cleaner().clean(html)


# -- the check -------------------------------------------------------------------------------------
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


@lru_cache(maxsize=1)
def _renderer():
    import markdown

    return markdown.Markdown(extensions=list(MARKDOWN_EXTENSIONS), output_format="html")


def render(text: str) -> str:
    """The format's Markdown → HTML, before sanitising."""
    renderer = _renderer()
    renderer.reset()
    try:
        return renderer.convert(text)
    except RecursionError:  # nesting is reported on its own
        return ""


def _elements(html: str):
    """(namespace, tag, attributes, is the document's own html/head/body) of each element of
    ``html`` as a browser parses it (a ``<body onload>`` in the text lands on the document's body)."""
    import tinyhtml5

    root = tinyhtml5.parse(html)
    own = {id(root), *(id(child) for child in root)}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comment
        namespace, _, tag = element.tag.rpartition("}")
        yield namespace + "}" if namespace else "", tag.lower(), element.attrib, id(element) in own


def problems_in_html(html: str) -> list[tuple[str, str, str]]:
    """(message, fix, what to look for in the source) for each thing :func:`sanitize` removes from ``html``."""
    found: list[tuple[str, str]] = []
    for namespace, tag, attributes, document_part in _elements(html):
        if not document_part and (namespace != HTML_NS or tag not in ALLOWED_TAGS):
            found.append((f"balise HTML <{_shown(tag)}> interdite dans le texte de l'acte.",
                          "écrivez le texte en Markdown (titres #, **gras**, listes -, liens [texte](https://…)) ; "
                          f"seules les balises {', '.join(sorted(INLINE_TAGS))} sont admises en HTML.", "<" + tag))
            continue
        for name, value in attributes.items():
            name = name.rpartition("}")[2].lower() if isinstance(name, str) else str(name)
            found.extend(_attribute_problems(tag, name, value, document_part))
    return found


def _shown(text: str) -> str:
    """A piece of the text in a one-line message: controls written as \\xNN, at most 40 characters."""
    return re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\x{ord(m.group()):02x}", text.strip()[:40])


def _attribute_problems(tag: str, name: str, value: str, document_part: bool):
    if document_part or name not in ALLOWED_ATTRIBUTES.get(tag, ()) and not (
            name == "style" and value in ALIGN_STYLES and tag in ATTRIBUTE_VALUES):
        yield (f"attribut HTML « {_shown(name)} » interdit sur <{_shown(tag)}>.",
               "retirez l'attribut (écrit en HTML ou dans une liste d'attributs « {: … } ») : les attributs "
               "on…, style, srcdoc et les autres ne sont jamais publiés.", name)
    elif name in URL_ATTRIBUTES and not url_allowed(value):
        yield (f"adresse « {_shown(value)} » interdite dans un lien ou une image.",
               "un lien ne peut viser qu'une adresse http://, https://, mailto: ou tel:, ou une adresse relative.",
               _normalised(value)[:10])
    elif _kept_value(tag, name, value) != value:
        what = "identifiant" if name == "id" else "valeur"
        yield (f"{what} « {_shown(value)} » non admis pour l'attribut « {name} » de <{tag}>.",
               "les identifiants commençant par « __ » sont réservés au site ; seules les "
               "classes des encadrés (!!! note, !!! warning…) et des blocs de code sont admises.", _normalised(value))


def _signature(html: str) -> Counter:
    return Counter((tag, frozenset(attributes)) for _, tag, attributes, own in _elements(html) if not own)


def _problems(text: str) -> list[tuple[str, str, str]]:
    html = render(text)
    found = problems_in_html(html)
    if not found and _signature(html) != _signature(sanitize(html)):
        # The sanitiser removes something the walk above did not name: never silent.
        found.append(("contenu HTML retiré à la publication par le filtre de sécurité du site.",
                      "écrivez ce passage en Markdown simple, sans HTML ni attributs.", ""))
    return found


def _normalised(text: str) -> str:
    return URL_SPACE_RE.sub("", unescape(text)).lower()


def _line_holding(lines: list[str], needle: str, occurrence: int) -> int | None:
    """Line of the ``occurrence``-th appearance of ``needle`` (entities decoded, any case)."""
    if not needle:
        return None
    for number, line in enumerate(lines, start=1):
        occurrence -= _normalised(line).count(needle)
        if occurrence <= 0:
            return number
    return None


def _line_of(lines: list[str], count: int) -> int:
    """Smallest number of lines whose text alone already has ``count`` problems: the
    line where the count-th problem is complete (a reference link: its definition)."""
    low, high = 1, len(lines)
    while low < high:
        middle = (low + high) // 2
        if len(_problems("\n".join(lines[:middle]))) >= count:
            high = middle
        else:
            low = middle + 1
    return low


def check_body(body: str) -> list[tuple[int, str, str]]:
    """(line within body, message, fix) for each thing the sanitiser would remove, and too deep nesting."""
    problems = []
    lines = body.split("\n")
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_NESTING and line[:1] in NEST_START and nesting(line) > MAX_NESTING:
            problems.append((number, f"imbrication trop profonde dans le texte de l'acte (plus de {MAX_NESTING} "
                                     "niveaux de listes ou de citations les uns dans les autres).",
                             "simplifiez la mise en forme : quelques niveaux de listes suffisent."))
            return problems  # the renderer would not get through it
    if not NEEDS_RENDERING_RE.search(body):
        return problems
    found = _problems(body)[:MAX_PROBLEMS]
    first = next((n for n, line in enumerate(lines, start=1) if line.strip()), 1)
    seen: Counter = Counter()
    for count, (message, fix, needle) in enumerate(found, start=1):
        if len(body) <= SEARCHED_TEXT:
            line = _line_of(lines, count)
        else:  # a long text: the line that holds it, read as the browser reads it
            seen[needle] += 1
            line = _line_holding(lines, needle, seen[needle]) or first
        problems.append((max(line, first), message, fix))
    return problems


def rule_html_annexes(register) -> list:
    """Markdown annexes are rendered as pages too, whole (front matter or not): the same policy
    applies to the whole file."""

    diags = []
    acts = {act.source for act in register.acts}  # an act named as an annex: its text is checked as an act's
    for act in register.acts:
        for annex in act.annexes:
            if not annex.is_markdown or annex.path in acts:
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
