"""The engine that builds the site: MkDocs 1.6, or ProperDocs, its maintained fork (issue 16).

Both give the same files but one: the ``<meta name="generator">`` tag of every
HTML page names the engine (« mkdocs-1.6.1, … » or « mkdocs-ProperDocs 1.6.7, … »;
``tests/test_engines.py``).  So ``registre verify`` rebuilds a site with the
engine that built it, read from that tag, or every page would differ.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ENGINES = ("mkdocs", "properdocs")
GENERATOR = re.compile(r'<meta name="generator" content="([^"]*)"')


def site_engine(site: Path) -> str:
    """« properdocs » when the site's home page (or 404 page) says ProperDocs built it, else « mkdocs »."""
    for name in ("index.html", "404.html"):
        try:
            with (site / name).open(encoding="utf-8", errors="replace") as page:
                head = page.read(32_000)
        except OSError:
            continue
        found = GENERATOR.search(head)
        if found:
            return "properdocs" if "properdocs" in found.group(1).lower() else "mkdocs"
    return "mkdocs"


def installed(engine: str) -> bool:
    return importlib.util.find_spec(engine) is not None
