"""Kept pages published by a background thread while MkDocs renders the others."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Callable

from registre.files.hard_links import link_files


class Publisher:
    """Kept pages published by a background thread while MkDocs renders the others.

    Publishing 10,000 kept pages and their PDFs is 30,000 system calls (folders
    and links), made by a helper process (:func:`registre.files.hard_links.link_files`)
    on the other core.  ``groups`` are published in order, each as one batch;
    ``written(identifier)`` is called for the act pages of a group once it is on
    disk (the search index waits for them), so the pages Pagefind needs first go
    in the first group.  :meth:`wait` returns when every file is there, and
    raises what went wrong."""

    def __init__(self, site_dir: Path, groups: list[list[tuple[Path, str, str | None]]],
                 written: Callable[[str], None] | None = None):
        self.groups = [[(str(kept), os.path.join(site_dir, *uri.split("/")), identifier)
                        for kept, uri, identifier in group] for group in groups if group]
        self.written = written
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="registre-pages", daemon=True)

    def start(self) -> Publisher:
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            for group in self.groups:
                link_files((kept, target) for kept, target, _ in group)
                if self.written is not None:
                    for _, _, identifier in group:
                        if identifier is not None:
                            self.written(identifier)
        except BaseException as exc:  # noqa: BLE001 - reported by wait(), in the build's thread
            self.error = exc

    def wait(self) -> None:
        if self._thread.ident is not None:  # started
            self._thread.join()
        if self.error is not None:
            error, self.error = self.error, None
            raise error
