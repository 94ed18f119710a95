"""Work done by a forked process beside the build, its result sent back through a pipe.

A thread is a poor helper for a build in Python: it competes with the build's own thread for the
interpreter's lock, and every file the build opens then waits for the lock to come back (checking
the 10,000 kept pages of a register in a thread made reading the register two seconds slower).
A forked process shares nothing but what it was given at the fork and runs on another core.

:func:`fork_available` says when forking is safe; :class:`Forked` runs one function in a child
and returns its JSON result, or raises :class:`ForkFailed` (the caller then does the work itself).
Plain Python: no MkDocs.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import sys
import threading
from typing import Any, Callable


def fork_available() -> bool:
    """Linux with the "fork" start method and no other thread running (a forked process would
    inherit the locks another thread holds)."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods() \
        and threading.active_count() == 1


class ForkFailed(Exception):
    """The child did not give its result (it could not start, failed or was killed)."""


class Forked:
    """``work()`` run in a forked child from now on; :meth:`result` waits for its value.

    ``work`` returns a JSON value.  The child leaves with :func:`os._exit`: it runs none of the
    parent's exit handlers and flushes none of its buffers.  Raises :class:`OSError` when the
    fork itself fails."""

    def __init__(self, work: Callable[[], Any]) -> None:
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            raise
        if pid == 0:  # the child
            code = 1
            try:
                # Short-lived: a collection would touch every object inherited, and copy the memory it shares.
                gc.disable()
                os.close(read)
                data = json.dumps(work(), separators=(",", ":")).encode("utf-8")
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(data)
                code = 0
            except BaseException:  # noqa: BLE001 - whatever happens, the parent learns it from the code
                pass
            finally:
                os._exit(code)
        os.close(write)
        self.pid: int | None = pid
        self._read = read

    def result(self) -> Any:
        """The child's value (once); :class:`ForkFailed` if it gave none."""
        if self.pid is None:
            raise ForkFailed("résultat déjà lu")
        pid, self.pid = self.pid, None
        chunks = []
        try:
            with os.fdopen(self._read, "rb") as pipe:
                while chunk := pipe.read(1 << 16):
                    chunks.append(chunk)
        finally:
            _, status = os.waitpid(pid, 0)
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            raise ForkFailed(f"code {os.waitstatus_to_exitcode(status)}")
        try:
            return json.loads(b"".join(chunks))
        except ValueError as exc:
            raise ForkFailed("résultat illisible") from exc
