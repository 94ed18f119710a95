"""Many cached files published as hard links, by a helper process.

A warm build of 10,000 acts publishes its kept pages and cached PDFs as hard
links: 20,000 links and 10,000 folders.  Made from a thread of the build,
each system call hands the interpreter lock back and then waits for it while
MkDocs renders pages in the main thread (the lock changes hands every 5 ms):
measured here, 11 s for what takes under 2 s alone.  :func:`link_files` gives
large batches to a small Python process (standard library only, no import of
this package) that makes the calls on the other core; small batches are made
in this process.  Same result either way: each target is a hard link to its
source, or a copy across file systems; a file already there is replaced.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Iterable

from .outputs import link_or_copy

# Below this many files a helper process costs more than it saves (≈ 30 ms to start).
HELPER_THRESHOLD = 300

_HELPER = r"""
import os, shutil, sys
data = sys.stdin.buffer.read().split(b"\0")
for source, target in zip(data[0:-1:2], data[1:-1:2]):
    folder = os.path.dirname(target)
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
    try:
        os.link(source, target)
    except FileExistsError:
        os.unlink(target)
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
"""


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
            done = subprocess.run([sys.executable, "-I", "-S", "-c", _HELPER], input=payload,
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
