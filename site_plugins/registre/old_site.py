"""The previous build's site, set aside and deleted while the new one is built.

``mkdocs build`` empties ``site/`` before writing it: at 10,000 acts, that is
10,000 folders deleted one by one (≈ 3 s here) before the first page.  The
plugin moves the old content into ``.cache/registre/corbeille/`` instead
(one rename per top-level entry, same file system), so MkDocs finds an empty
folder, and a separate process deletes the old content during the build.  The
build waits for it at the end: nothing is left behind.  Hidden entries stay,
as MkDocs keeps them.  Whatever cannot be moved (another file system) is left
where it is, for MkDocs to delete as usual.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

TRASH = "corbeille"


class OldSite:
    """Deletion in progress of what a site folder held."""

    def __init__(self, trash: Path, worker: subprocess.Popen | threading.Thread | None):
        self.trash = trash
        self._worker = worker

    def wait(self) -> None:
        worker, self._worker = self._worker, None
        if isinstance(worker, subprocess.Popen):
            worker.wait()
        elif isinstance(worker, threading.Thread):
            worker.join()
        if self.trash.exists():  # rm failed or was not there: finish here
            shutil.rmtree(self.trash, ignore_errors=True)


def set_aside(site_dir: Path, cache_dir: Path) -> OldSite | None:
    """Move the content of ``site_dir`` into the trash and start deleting it.
    None when there was nothing to move."""
    if not site_dir.is_dir():
        return None
    root = cache_dir / TRASH
    trash = root / f"{os.getpid()}"
    moved = False
    for entry in sorted(os.listdir(site_dir)):
        if entry.startswith("."):
            continue
        if not moved:
            trash.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(site_dir / entry, trash / entry)
        except OSError:
            continue  # MkDocs deletes it
        moved = True
    leftovers = [p for p in root.iterdir() if p != trash] if root.is_dir() else []  # builds killed midway
    if not moved and not leftovers:
        if trash.is_dir():
            trash.rmdir()
        return None
    targets = ([trash] if moved else []) + leftovers
    rm = shutil.which("rm") if os.name == "posix" else None
    if rm:
        worker: subprocess.Popen | threading.Thread = subprocess.Popen(
            [rm, "-rf", "--", *map(str, targets)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
    else:
        worker = threading.Thread(target=lambda: [shutil.rmtree(t, ignore_errors=True) for t in targets],
                                  daemon=True)
        worker.start()
    return OldSite(trash, worker)
