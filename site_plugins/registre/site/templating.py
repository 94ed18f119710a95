"""The Jinja environment of the documents written outside MkDocs: PDFs/A, printed registers, text files.

One definition of what every such template can use (the theme overrides under ``templates/``, dates
in French, real plurals, undefined values as errors), so that a PDF and a page say a date or a count
the same way.  Each caller adds its own filters and keeps its environment.
"""

from __future__ import annotations

import jinja2

from registre.domain.dates import format_date, format_date_long
from registre.domain.plurals import counted
from registre.resources import TEMPLATES


def document_environment(*, autoescape: bool = True, keep_trailing_newline: bool = False) -> jinja2.Environment:
    """A new environment over ``templates/`` (``autoescape``: HTML; off for Markdown and YAML)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=autoescape,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=keep_trailing_newline)
    env.filters.update(date_fr=format_date, date_fr_long=format_date_long, counted=counted)
    return env
