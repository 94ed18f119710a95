"""Which page MkDocs was rendering when a warning was logged (see :meth:`SiteBuild.warned`).

A page rendered with a warning must not be kept in the page cache: the next build would publish
it without rendering it, so without the warning, and ``mkdocs build --strict`` would pass on a
second try where a build without cache fails.
"""

from __future__ import annotations

import logging

from registre.build.incremental import SiteBuild

FROM_WORKER = "registre_worker"  # set on the records a render process sends: it has named their page itself


class PageWarnings(logging.Handler):
    """On the « mkdocs » logger from the navigation to the end of the pages."""

    def __init__(self, config, build: SiteBuild) -> None:
        super().__init__(logging.WARNING)
        self.config, self.build = config, build

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, FROM_WORKER, False):
            return
        page = getattr(self.config, "_current_page", None)
        file = getattr(page, "file", None)
        self.build.warned(getattr(file, "src_uri", None))

    def install(self) -> "PageWarnings":
        logging.getLogger("mkdocs").addHandler(self)
        return self

    def remove(self) -> None:
        logging.getLogger("mkdocs").removeHandler(self)
