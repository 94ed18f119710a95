"""How many extra processes render act pages, and which pages each one renders.

A cold build of a large register spends most of its time turning act pages into HTML, one page
after the other in one Python process, while the machine has other cores (CI runners have two or
four).  The engine's adapter (:mod:`registre.plugin.render_workers`) can fork processes that
render a share of the act pages with the engine's own page functions, into the same staging
folder and the same page cache: the bytes are those of a build in one process (tested).

The act pages are cut in consecutive blocks, in the order of the search index's parts
(:mod:`registre.publish.search`): a part is indexed by Pagefind once all its pages are written, and
the extra processes write pages from the start while the engine's process first reads all of its
own (MkDocs renders the Markdown of every page before writing any), so they take the first blocks
and Pagefind starts on their parts early.  The engine's process keeps the last block, the lists,
the séances and the other generated pages.

``REGISTRE_RENDER_WORKERS=N`` sets the number of extra processes (``0``: none); without it, one
per spare core, at most :data:`MAX_WORKERS`, none for fewer than :data:`MIN_PAGES_PER_WORKER` act
pages each, and only while the free memory, and :data:`MEMORY_BUDGET`, could hold a copy of the build
per process.
"""

from __future__ import annotations

import os
from typing import Sequence, TypeVar

from registre.files.forked import fork_available

WORKERS_SWITCH = "REGISTRE_RENDER_WORKERS"
MAX_WORKERS = 3
MIN_PAGES_PER_WORKER = 250  # below, forking and the engine's start in the worker cost more than they save
# The memory a build may come to: the benchmark holds a build of 100,000 acts to 4 Gio.  Measured
# against the resident memory when the pages are shared out (1.6 Gio at 100,000 acts, 0.2 at 10,000),
# the peak of the whole build is 2.2 times that alone and 2.8 times with one extra process (each comes
# to hold a copy of most of what it reads): room for ``count + 2`` times the resident memory is asked.
MEMORY_BUDGET = 4 << 30

T = TypeVar("T")


class ShareError(ValueError):
    """A wrong value of REGISTRE_RENDER_WORKERS (message in French, with the fix)."""


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _memory() -> tuple[int, int]:
    """(memory available on the machine, resident memory of this process), in bytes; (0, 0) unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            available = next(int(line.split()[1]) * 1024 for line in handle if line.startswith("MemAvailable:"))
        with open("/proc/self/statm", encoding="ascii") as handle:
            resident = int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, StopIteration, ValueError, IndexError):
        return 0, 0
    return available, resident


def asked_workers(environ=os.environ) -> int | None:
    """The number REGISTRE_RENDER_WORKERS sets, or None when it is unset."""
    value = environ.get(WORKERS_SWITCH, "").strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or int(value) > 64:
        raise ShareError(f"{WORKERS_SWITCH} vaut « {value} » : il faut un nombre entier de 0 à 64 (0 : les pages "
                         "sont toutes rendues par le processus de MkDocs). Correction : corrigez ou retirez cette "
                         "variable d'environnement.")
    return int(value)


def worker_count(act_pages: int, environ=os.environ) -> int:
    """How many extra processes render the ``act_pages`` act pages of this build."""
    asked = asked_workers(environ)
    if asked is not None:
        return min(asked, act_pages) if fork_available() else 0
    if not fork_available():
        return 0
    count = min(_cores() - 1, MAX_WORKERS, act_pages // MIN_PAGES_PER_WORKER)
    available, resident = _memory()
    if resident:  # each process may come to hold a copy of the build's memory
        count = min(count, available // resident - 1, MEMORY_BUDGET // resident - 2)
    return max(count, 0)


def blocks(items: Sequence[T], count: int) -> list[list[T]]:
    """``items`` cut into ``count`` consecutive blocks of sizes differing by one at most."""
    if count <= 0:
        return []
    size, extra = divmod(len(items), count)
    cuts = [0]
    for number in range(count):
        cuts.append(cuts[-1] + size + (1 if number < extra else 0))
    return [list(items[cuts[i]:cuts[i + 1]]) for i in range(count)]
