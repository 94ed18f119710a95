"""Files replaced whole: written beside their place, then renamed over it.

A reader (a browser, the next build, a crash) sees the old file or the new
one, never half of one.  Plain Python, standard library only.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable


def write_atomic(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder (``data`` may be
    pieces, written one after the other: a large file never has to be whole in memory)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            if isinstance(data, (bytes, bytearray)):
                handle.write(data)
            else:
                for piece in data:
                    handle.write(piece)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_if_changed(path: Path, data: bytes) -> bool:
    """:func:`write_atomic` unless ``path`` already holds ``data`` (its date then stays);
    True when written."""
    try:
        if Path(path).read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomic(path, data)
    return True
