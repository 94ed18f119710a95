"""Act pages kept from one build to the next, keyed by everything they show.

Adding one act to a register of 10,000 must not render 10,000 pages again.
The HTML of each act page is kept under ``.cache/registre/pages/``, named by
the SHA-256 of its inputs (:func:`act_page_key`):

* the build: the code and templates of this package, the versions of the
  libraries that render pages, ``mkdocs.yml`` and ``docs/`` (navigation,
  theme, commune), the site URL;
* the act: its file (front matter and text), its annexes and signed original,
  the PDFs offered for download (hash and size), and what other acts or the
  date change on its page: status and the acts that changed it, the acts it
  changes, the donné acte, the dates it became executory and until which it
  can be challenged, the search metadata, the schema.org data.

A page whose key is known is published as the kept file; the others are
rendered by MkDocs and kept.  Same inputs, same bytes: a warm build gives
the output of a cold one (``bench/run.py --verify-cache`` and the tests
compare them file by file).  Plain Python: the MkDocs plugin decides which
pages go through MkDocs.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Iterable

from .hashing import file_sha256
from .presentation import ActView

FORMAT = "registre-page-v1"
PACKAGE = Path(__file__).resolve().parent
RENDERING_LIBRARIES = ("mkdocs", "mkdocs-material", "Markdown", "pymdown-extensions", "Jinja2", "MarkupSafe",
                       "PyYAML", "babel")


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


def build_digest(config_file: Path, docs_dir: Path, site_url: str) -> str:
    """What every page of a build depends on, beyond its act."""
    digest = hashlib.sha256(code_digest().encode())
    digest.update(site_url.encode() + b"\0")
    digest.update(Path(config_file).read_bytes() + b"\0")
    if Path(docs_dir).is_dir():
        for path in sorted(Path(docs_dir).rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(docs_dir).as_posix().encode() + b"\0" + file_sha256(path).encode())
    return digest.hexdigest()


def _ref(view: ActView | None) -> list | None:
    return None if view is None else [view.identifier, view.title, view.date, view.objet, view.status]


def act_page_inputs(view: ActView, downloads: Iterable, site_url: str, file_hash=file_sha256) -> dict:
    """Everything of the act and of the register that the act page shows.  ``file_hash``:
    how to hash an annex (a memo keyed by size and modification time spares reading it)."""
    act = view.act
    root = view.register.acts_root
    return {
        "identifier": act.identifier,
        "raw": act.raw,
        "body": act.body,
        "annexes": [[a.path, a.titre, file_hash(root / a.path) if (root / a.path).is_file() else None]
                    for a in act.annexes],
        "downloads": [[f.kind, f.site_path, f.sha256, f.size] for f in downloads],
        "status": view.status,
        "made_known": str(view.made_known),
        "executory": str(view.executory),
        "recours_until": str(view.recours_until),
        "recours_open": view.recours_open,
        "transmission_pending": view.transmission_pending,
        "changed_by": [[label, _ref(later)] for label, later in view.changed_by],
        "changes": [[verb, _ref(target), ident] for verb, target, ident in view.changes],
        "donne_acte_by": _ref(view.donne_acte_by),
        "donne_acte": [_ref(d) for d in view.donne_acte_shown],
        "donne_acte_count": view.donne_acte_count,
        # The search metadata and the schema.org data are made of the above (the act's own fields, its
        # status and dates, the acts it changes), the commune's settings and the site URL (build digest).
    }


def act_page_key(build: str, view: ActView, downloads: Iterable, site_url: str, file_hash=file_sha256) -> str:
    text = json.dumps(act_page_inputs(view, downloads, site_url, file_hash), ensure_ascii=False, sort_keys=True,
                      default=str)
    return hashlib.sha256((build + "\0" + text).encode("utf-8")).hexdigest()


class PageCache:
    """Kept pages, one file per key, under ``cache_dir/pages/``."""

    def __init__(self, cache_dir: Path):
        self.root = Path(cache_dir) / "pages"

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.html"

    def get(self, key: str) -> Path | None:
        path = self.path(key)
        return path if path.is_file() else None

    def keep(self, key: str, page: Path) -> None:
        """Keep the page MkDocs just wrote, as a hard link (the plugin unlinks a page before
        MkDocs writes it, so a kept file never changes), or a copy across file systems."""
        target = self.path(key)
        if target.is_file():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        try:
            try:
                os.link(page, tmp)
            except OSError:
                shutil.copyfile(page, tmp)
            os.replace(tmp, target)
        except OSError:
            tmp.unlink(missing_ok=True)  # a page not kept is rendered again next time: never an error

    def prune(self, used: set[str]) -> int:
        """Delete the kept pages no longer used; returns how many."""
        removed = 0
        if not self.root.is_dir():
            return 0
        for folder in self.root.iterdir():
            for path in folder.glob("*.html") if folder.is_dir() else ():
                if path.stem not in used:
                    path.unlink(missing_ok=True)
                    removed += 1
        return removed
