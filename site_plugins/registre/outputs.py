"""Extra outputs of a build, written after MkDocs has written the pages.

Each step is a function ``step(build: BuildContext) -> None`` listed in
:data:`STEPS`; the MkDocs plugin runs them in order in ``on_post_build``.
Steps are plain Python (no MkDocs import): exports, feeds, PDFs, search index.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .register import Register


@dataclass
class BuildContext:
    register: Register
    site_dir: Path
    site_url: str  # absolute base URL of the site ("" when unknown), ends with "/"
    cache_dir: Path  # persistent cache, keyed by content hashes
    # Years whose act pages this build writes (None: all).  A register too large for one
    # machine is built one year per job (plugin option ``annees``) and the outputs merged.
    years: frozenset[int] | None = None

    def builds_year(self, year: int) -> bool:
        return self.years is None or year in self.years


Step = Callable[[BuildContext], None]


def _steps() -> list[Step]:
    steps: list[Step] = []
    # Steps are appended here by the modules that own them, e.g.:
    #   from .exports import write_exports; steps.append(write_exports)
    from .exports import write_exports; steps.append(write_exports)
    from .pdf import write_pdfs; steps.append(write_pdfs)
    from .search import index_site; steps.append(index_site)
    from .sitemap import write_sitemaps; steps.append(write_sitemaps)
    from .verify_page import write_integrity_files; steps.append(write_integrity_files)  # last: lists the files written above
    return steps


def run_steps(build: BuildContext) -> None:
    for step in _steps():
        step(build)
