"""What every cached result depends on beyond its own inputs: this package's code and the build.

:func:`code_digest` covers every file of the ``registre`` package (code, templates, styles, data,
whatever sub-package it sits in) and the versions of the libraries that render pages: a new
registre version or library invalidates the act cache, the page cache and the block cache.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from registre.resources import PACKAGE_DIR as PACKAGE
from registre.seal.hashing import file_sha256

FORMAT = "registre-page-v1"
RENDERING_LIBRARIES = ("mkdocs", "mkdocs-material", "Markdown", "pymdown-extensions", "Jinja2", "MarkupSafe",
                       "PyYAML", "babel", "nh3", "tinyhtml5",  # nh3, tinyhtml5: registre.checks.html_policy
                       "msgspec")  # the act cache


@lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 of this package's files (code, templates, styles, data) and of the
    versions of the libraries that render the pages."""
    digest = hashlib.sha256(FORMAT.encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in RENDERING_LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}={version}\0".encode())
    return digest.hexdigest()


def build_digest(config_file: Path, docs_dir: Path, site_url: str, engine: str = "") -> str:
    """What every page of a build depends on, beyond its act (``engine``: the one running the build,
    MkDocs or ProperDocs, whose name every page carries in its generator tag)."""
    digest = hashlib.sha256(code_digest().encode())
    digest.update(engine.encode() + b"\0")
    digest.update(site_url.encode() + b"\0")
    digest.update(Path(config_file).read_bytes() + b"\0")
    if Path(docs_dir).is_dir():
        for path in sorted(Path(docs_dir).rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(docs_dir).as_posix().encode() + b"\0" + file_sha256(path).encode())
    return digest.hexdigest()
