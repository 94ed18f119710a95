"""Extra outputs of a build, written after MkDocs has written the pages.

Each step is a function ``step(build: BuildContext) -> None`` listed in
:mod:`registre.publish.steps`; the build runs them in order once MkDocs has
written the pages.  Plain Python (no MkDocs import).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

from registre.domain.register import Register


@dataclass
class BuildContext:
    register: Register
    site_dir: Path
    site_url: str  # absolute base URL of the site ("" when unknown), ends with "/"
    cache_dir: Path  # persistent cache, keyed by content hashes
    # Years whose act pages this build writes (None: all).  A register too large for one
    # machine is built one year per job (plugin option ``annees``) and the outputs merged.
    years: frozenset[int] | None = None
    # Addresses (relative to the site, e.g. "registre/2025/arrete/") of the pages published
    # from the page cache without going through MkDocs: MkDocs' sitemap does not know them.
    kept_urls: frozenset[str] = frozenset()
    # Files the plugin links in the background while MkDocs renders pages (the generated PDFs
    # of the store: site path → SHA-256), and the call that returns once those and the kept
    # pages are all on disk: steps that read the site's files call it first.
    published_files: Mapping[str, str] = field(default_factory=dict)
    published: Callable[[], None] = field(default=lambda: None, repr=False, compare=False)
    # Every file under ``actes/`` but the pages, when the build started from an empty site
    # (``mkdocs build`` without ``--dirty``): site path → SHA-256 when known, else None.  Steps
    # that publish files there add them.  None: not known, the integrity step lists the folders.
    act_files: dict[str, str | None] | None = None
    # Act identifier → key of its page (see page_cache.act_page_key; same key, same bytes), for
    # the act pages this build writes: the search index knows which parts changed without
    # reading 10,000 pages, and actes.json keeps each act's line under it.
    act_page_keys: Mapping[str, str] = field(default_factory=dict)
    # Whether steps may reuse what they kept from earlier builds under those keys (False: every
    # output computed again, as the tests do to compare a warm build with a cold one).
    reuse: bool = True

    def builds_year(self, year: int) -> bool:
        return self.years is None or year in self.years
