"""Addresses of the public site as they appear in exports, feeds and JSON-LD.

Pages link to each other with relative URLs; a file that leaves the site (a
feed in a reader, a CSV in a data portal) needs absolute ones, built from
MkDocs' ``site_url``.  Without ``site_url`` the addresses stay site-relative.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit


def absolute(site_url: str, path: str) -> str:
    """``path`` (relative to the site root) joined to ``site_url``, percent-encoded."""
    path = quote(path.lstrip("/"), safe="/:@-._~!$&'()*+,;=%")
    if not site_url:
        return path
    return site_url.rstrip("/") + "/" + path


def host(site_url: str) -> str:
    """Host name of the site, or "" (used in calendar UIDs)."""
    return urlsplit(site_url).hostname or "" if site_url else ""
