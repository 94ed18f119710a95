"""Theme blocks rendered once per build for all act pages.

On a large register nearly every page is an act page, and Material renders
the same navigation, tabs, footer and configuration into each of them: act
pages sit at the same depth (``actes/<id>/``) and outside the navigation, so
these blocks come out identical, byte for byte, for every act.  Measured at
10,000 acts they were about a third of the template time.  ``main.html``
asks this cache for them (key: the page's template and relative base URL,
set by the plugin in ``on_page_context``); ``REGISTRE_BLOCK_CACHE=0`` turns it
off (the tests compare both outputs).
"""

from __future__ import annotations

import os

ENV_SWITCH = "REGISTRE_BLOCK_CACHE"
CACHED_TEMPLATES = frozenset({"registre/act.html"})


def enabled() -> bool:
    return os.environ.get(ENV_SWITCH, "1").strip() not in {"0", "non", "false"}


def key_for(template: str | None, base_url: str) -> str | None:
    """Cache key of a page's shared blocks, or None when they must be rendered."""
    if template not in CACHED_TEMPLATES or not enabled():
        return None
    return f"{template}|{base_url}"


class BlockCache:
    """Rendered blocks by (block name, key), for one build."""

    def __init__(self) -> None:
        self._blocks: dict[tuple[str, str], str] = {}
        self.hits = 0

    def get(self, block: str, key: str):
        html = self._blocks.get((block, key))
        if html is not None:
            self.hits += 1
        return html

    def put(self, block: str, key: str, html):
        self._blocks[(block, key)] = html
        return html
