"""Plain-text templates (Markdown, YAML front matter) rendered with Jinja.

The files staff get from ``registre new`` / ``registre import`` and the
Markdown list of ``registre donne-acte`` come from templates under
``templates/texte/``, so their French wording lives in one editable place.
These are not HTML: values are escaped for the format they land in with the
filters below (``yaml`` for front matter scalars, ``md`` for Markdown text),
not with HTML autoescaping.  ``.md`` files of the theme folder are never
copied into the site by MkDocs.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

import yaml

from registre.site.templating import document_environment

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+\-]|\d+[.)])(\s)", re.M)


def yaml_scalar(value: object) -> str:
    """``value`` written as a YAML scalar that reads back as the same text.

    Plain when that is unambiguous (most objets), double-quoted otherwise
    (« : », « # », leading « - », values YAML would read as a number, a
    date or a boolean…).  Newlines are folded to spaces: front matter texts
    are one line."""
    text = " ".join(str(value).split())
    if text and not text.startswith(("'", '"', "!", "&", "*", "%", "@", "`", "|", ">", "-", "?", "[", "{", "#")):
        for loader in (yaml.SafeLoader,):
            try:
                if yaml.load(f"k: {text}\n", Loader=loader) == {"k": text}:
                    return text
            except yaml.YAMLError:
                break
    return json.dumps(text, ensure_ascii=False)


def markdown_text(value: object) -> str:
    """Text placed in Markdown without turning into markup (objets in lists)."""
    text = _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))
    return _MD_LINE_START.sub(r"\1\\\2\3", text)


@lru_cache(maxsize=1)
def environment():
    env = document_environment(autoescape=False, keep_trailing_newline=True)
    env.filters["yaml"] = yaml_scalar
    env.filters["md"] = markdown_text
    return env


def render_text(name: str, **context) -> str:
    """Render ``templates/<name>`` (a text template) with ``context``."""
    return environment().get_template(name).render(**context)
