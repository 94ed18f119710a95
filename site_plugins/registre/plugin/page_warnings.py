"""Which page MkDocs was rendering when a warning was logged (see :meth:`SiteBuild.warned`).

A page rendered with a warning must not be kept in the page cache: the next build would publish
it without rendering it, so without the warning, and ``mkdocs build --strict`` would pass on a
second try where a build without cache fails.
"""

from __future__ import annotations

import logging

import mkdocs  # under ProperDocs, its own module: « properdocs »

from registre.build.incremental import SiteBuild

FROM_WORKER = "registre_worker"  # set on the records a render process sends: it has named their page itself


class PageWarnings(logging.Handler):
    """On the engine's logger (« mkdocs » or « properdocs ») and « mkdocs » (this plugin's logger is
    « mkdocs.plugins.registre »), from the navigation to the end of the pages."""

    def __init__(self, config, build: SiteBuild) -> None:
        super().__init__(logging.WARNING)
        self.config, self.build = config, build

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, FROM_WORKER, False):
            return
        page = getattr(self.config, "_current_page", None)
        file = getattr(page, "file", None)
        self.build.warned(getattr(file, "src_uri", None))

    @staticmethod
    def loggers() -> list[logging.Logger]:
        return list({logging.getLogger(name) for name in ("mkdocs", mkdocs.__name__)})

    def install(self) -> "PageWarnings":
        for logger in self.loggers():
            logger.addHandler(self)
        return self

    def remove(self) -> None:
        for logger in self.loggers():
            logger.removeHandler(self)
