"""Many cached files published as hard links, by a helper process.

A warm build of 10,000 acts publishes its kept pages and cached PDFs as hard
links: 20,000 links and 10,000 folders.  Made from a thread of the build,
each system call hands the interpreter lock back and then waits for it while
MkDocs renders pages in the main thread (the lock changes hands every 5 ms):
measured here, 11 s for what takes under 2 s alone.  :func:`link_files` gives
large batches to a small Python process (this file run as a script: standard
library only) that makes the calls on the other core; small batches are made
in this process.  Same result either way: each target is a hard link to its
source, or a copy across file systems; a file already there is replaced.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from typing import Iterable

# Below this many files a helper process costs more than it saves (≈ 30 ms to start).
HELPER_THRESHOLD = 300


def link_or_copy(source: str | os.PathLike, target: str | os.PathLike) -> None:
    """Publish a cached file: a hard link when the cache and the site share a file
    system (no bytes copied: 10,000 PDFs in well under a second), else a copy.
    Safe because cache files are never changed in place (new content, new file)
    and a build replaces site files, it does not write into them.  Used as the
    ``copy_function`` of :func:`shutil.copytree` too."""
    try:
        os.unlink(target)
    except FileNotFoundError:
        pass
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def link_file(source: str, target: str) -> None:
    """Hard-link ``source`` at ``target`` (two system calls on a fresh site), or copy it
    across file systems; a file already there (``--dirty``) is replaced."""
    folder = os.path.dirname(target)
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # a file already there, another file system: the general way
        link_or_copy(source, target)


def link_files(pairs: Iterable[tuple[str, str]]) -> None:
    """Publish each ``(source, target)``; raises OSError (with the helper's message) on failure."""
    pairs = list(pairs)
    if len(pairs) >= HELPER_THRESHOLD and os.name == "posix" and sys.executable:
        payload = b"".join(os.fsencode(source) + b"\0" + os.fsencode(target) + b"\0" for source, target in pairs)
        try:
            # This very file as a script: isolated (-I: no script folder, no environment on
            # sys.path), no site (-S): the standard library only, about 30 ms to start.
            done = subprocess.run([sys.executable, "-I", "-S", os.path.abspath(__file__)], input=payload,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        except OSError:
            done = None  # no helper process here: the links are made below
        if done is not None:
            if done.returncode != 0:
                lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
                raise OSError(f"publication des fichiers du cache : {lines[-1] if lines else done.returncode}")
            return
    for source, target in pairs:
        link_file(source, target)


def _helper() -> None:
    """The helper process: ``source\\0target\\0`` pairs on standard input."""
    data = sys.stdin.buffer.read().split(b"\0")
    for source, target in zip(data[0:-1:2], data[1:-1:2]):
        link_file(os.fsdecode(source), os.fsdecode(target))


if __name__ == "__main__":
    _helper()
