"""Content-Security-Policy of the published pages (a ``<meta http-equiv>`` in every page).

Scripts run only from the site itself, plus the few inline scripts of the theme (Material),
each allowed by its SHA-256 computed from the very template that writes it: an inline script
anywhere else in a page (were the sanitiser of :mod:`registre.checks.html_policy` ever to miss one)
is refused by the browser.  ``'wasm-unsafe-eval'``: the search (Pagefind) runs WebAssembly.
Styles: the site's style sheets, and as ``style`` attributes only the three table alignments
the sanitiser keeps (by their hashes, ``'unsafe-hashes'``); measured in Chromium, the theme
and the search need no other.  A ``<meta>`` cannot set ``frame-ancestors``: a host should send
the same policy as an HTTP header, with ``frame-ancestors 'none'``.
"""

from __future__ import annotations

import base64
import hashlib
import re

from registre.checks.html_policy import ALIGN_STYLES

INLINE_SCRIPT_RE = re.compile(r"<script>(.*?)</script>", re.S)


def script_hash(source: str) -> str:
    """CSP source expression of an inline script or style attribute."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def policy(theme_scripts: str) -> str:
    """The policy, given the HTML of the theme's inline scripts as this page writes them."""
    hashes = sorted({script_hash(source) for source in INLINE_SCRIPT_RE.findall(theme_scripts)})
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval' " + " ".join(hashes),
        "style-src 'self' 'unsafe-hashes' " + " ".join(sorted(script_hash(style) for style in ALIGN_STYLES)),
        "img-src 'self' data: https:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "frame-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ])
