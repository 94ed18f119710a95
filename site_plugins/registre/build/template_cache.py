"""Jinja's compiled templates kept between builds, checked before use.

MkDocs renders about fifty templates; compiling them again at every build
costs time, so their compiled code is kept in ``.cache/registre/jinja/``.
That code holds every word the templates print: a flipped byte in a kept
file would be published on every page rendered with it.  Each kept file
therefore starts with the SHA-256 of the compiled code that follows,
recorded when it was written; a file that no longer matches (edited,
damaged, truncated, or written by an older version) is not used: the
template is compiled again and the file written anew.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from registre.files.atomic_write import write_atomic
from registre.seal.hashing import bytes_sha256

DIGEST_SIZE = 64  # SHA-256, hexadecimal


def _digest(code: bytes) -> bytes:
    return bytes_sha256(code).encode("ascii")


class CheckedBytecodeCache(jinja2.FileSystemBytecodeCache):
    """:class:`jinja2.FileSystemBytecodeCache` whose files carry the SHA-256 of their code."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            data = Path(self._get_cache_filename(bucket)).read_bytes()
        except OSError:
            return
        code = data[DIGEST_SIZE:]
        if data[:DIGEST_SIZE] == _digest(code):
            bucket.bytecode_from_string(code)  # Jinja still checks its version and the template's source

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = bucket.bytecode_to_string()
        try:
            write_atomic(Path(self._get_cache_filename(bucket)), _digest(code) + code)
        except OSError:
            pass  # not kept: compiled again next time
