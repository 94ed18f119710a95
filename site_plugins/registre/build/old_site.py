"""A build goes into a staging folder and replaces the site only once complete.

``mkdocs build`` would empty ``site/`` first and write it page by page: a
build that fails midway (an act that crashes the renderer, a full disk)
would leave a partial site where the previous complete one was.  The plugin
points MkDocs at a staging folder beside the site (``.site.construction``,
same file system) and, once every file is written, swaps it in with two
renames: readers see the old site or the new one, never half of one.  A
failed build deletes the staging folder and leaves the site as it was.

The old site is deleted afterwards by a separate ``rm`` that the build does
not wait for (at 10,000 acts, 10,000 folders: ≈ 3 s); what a killed build or
``rm`` leaves behind (``.site.construction``, ``.site.ancien-*``) is deleted
by the next build.  Hidden entries of the site (``.git``…), which MkDocs
keeps, are moved into the new site.

Two builds of one register at once would share the staging folder and the
cache: :func:`acquire_lock` lets only one run (a French error for the other).
Plain Python, no MkDocs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no lock
    fcntl = None

LOCK_NAME = "construction.lock"


class BuildLocked(Exception):
    """Another build of this register is running."""


def staging_dir(site_dir: Path) -> Path:
    return site_dir.with_name(f".{site_dir.name}.construction")


def _leftovers(site_dir: Path) -> list[Path]:
    parent = site_dir.parent
    if not parent.is_dir():
        return []
    prefix = f".{site_dir.name}.ancien-"
    found = [parent / name for name in os.listdir(parent) if name.startswith(prefix)]
    staging = staging_dir(site_dir)
    if staging.exists() or staging.is_symlink():
        found.append(staging)
    return found


def delete_in_background(paths: list[Path]) -> None:
    """Delete ``paths`` without waiting (``rm -rf`` in its own session), or here without ``rm``."""
    if not paths:
        return
    rm = shutil.which("rm") if os.name == "posix" else None
    if rm:
        try:
            subprocess.Popen([rm, "-rf", "--", *map(str, paths)], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            return
        except OSError:
            pass
    for path in paths:
        _remove(path)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            path.unlink()
        except OSError:
            pass


def prepare_staging(site_dir: Path) -> Path:
    """An empty staging folder for a build of ``site_dir`` (what killed builds left is set aside
    and deleted in the background)."""
    staging = staging_dir(site_dir)
    old = []
    for index, path in enumerate(_leftovers(site_dir)):
        if path == staging:
            aside = site_dir.with_name(f".{site_dir.name}.ancien-{os.getpid()}-{index}")
            os.rename(staging, aside)
            path = aside
        old.append(path)
    delete_in_background(old)
    return staging


def swap_in(staging: Path, site_dir: Path) -> None:
    """Put the complete build ``staging`` in place of ``site_dir``; the old site is deleted
    in the background."""
    old = None
    if site_dir.is_dir() and not site_dir.is_symlink():
        for name in os.listdir(site_dir):  # MkDocs keeps hidden entries of the site: so do we
            if name.startswith(".") and not (staging / name).exists():
                os.rename(site_dir / name, staging / name)
    if site_dir.exists() or site_dir.is_symlink():
        old = site_dir.with_name(f".{site_dir.name}.ancien-{os.getpid()}")
        if old.exists():
            _remove(old)
        os.rename(site_dir, old)
    try:
        os.rename(staging, site_dir)
    except OSError:
        if old is not None:
            os.rename(old, site_dir)  # the previous site back in place
        raise
    if old is not None:
        delete_in_background([old])


def discard(staging: Path) -> None:
    """A failed build: its staging folder goes, the site stays as it was."""
    if staging.exists():
        aside = staging.with_name(f"{staging.name.replace('.construction', '.ancien')}-{os.getpid()}-echec")
        try:
            os.rename(staging, aside)
        except OSError:
            aside = staging
        delete_in_background([aside])


class BuildLock:
    """An exclusive lock on the register's cache folder for the duration of a build."""

    def __init__(self, handle):
        self._handle = handle

    def release(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            handle.close()  # closing the file releases the lock


def acquire_lock(cache_dir: Path) -> BuildLock:
    """Raises :class:`BuildLocked` when another build of the register holds it."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    handle = open(cache_dir / LOCK_NAME, "a+", encoding="utf-8")
    if fcntl is not None:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip()
            handle.close()
            raise BuildLocked(holder) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return BuildLock(handle)
