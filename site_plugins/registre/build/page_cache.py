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

import dataclasses
import enum
import json
import os
import shutil
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Iterable

from registre.files.forked import Forked, ForkFailed, fork_available
from registre.seal.hashing import file_sha256, sha256_many, text_sha256
from registre.site.pages import PageKind
from registre.site.presentation import ActView


def _ref(view: ActView | None) -> list | None:
    # planned_text: linked once online, plain « mise en ligne prévue le … » before.
    return None if view is None else [view.identifier, view.title, view.date, view.objet, view.status,
                                      view.planned_text]


def act_page_inputs(view: ActView, downloads: Iterable, site_url: str, file_hash=file_sha256) -> dict:
    """Everything of the act and of the register that the act page shows.  ``file_hash``:
    how to hash an annex (a memo keyed by size and modification time spares reading it)."""
    act = view.act
    root = view.register.acts_root
    return {
        "identifier": act.identifier,
        "raw": act.raw,
        "body": text_sha256(act.body),  # cheaper to serialise than the text
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
    return text_sha256(build + "\0" + text)


# Register-wide pages kept like act pages: their rows show only what the act pages' keys cover
# (number, date, objet, status, link).  Séance and donné-acte pages list more of each act and are
# always rendered (a dozen pages).
KEPT_KINDS = frozenset({PageKind.REGISTER_LIST, PageKind.MATIERE, PageKind.ANNEX})


class _NotKept(Exception):
    pass


def generated_page_key(build: str, page, act_keys: dict[str, str]) -> str | None:
    """Key of a listing, matière or annex page (``page``: a ``site.GeneratedPage``): its
    address, title and Markdown, and its data with each act replaced by the key of its
    act page (which covers every field a row shows).  None: the page is always rendered."""
    if page.kind not in KEPT_KINDS or not page.src_uri.endswith("index.md"):
        return None
    try:
        data = _canonical(page.data, act_keys)
    except _NotKept:
        return None
    text = json.dumps([page.src_uri, page.markdown(), data], ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"))
    return text_sha256(build + "\0page\0" + text)


def _canonical(value, act_keys: dict[str, str]):
    if isinstance(value, ActView):
        key = act_keys.get(value.identifier)
        if key is None:
            raise _NotKept
        return ["acte", value.identifier, key]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict):
        return {str(k): _canonical(v, act_keys) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v, act_keys) for v in value]
    if dataclasses.is_dataclass(value) and type(value).__dataclass_params__.frozen:  # values (Annex, MatiereEntry)
        return [type(value).__name__, {f.name: _canonical(getattr(value, f.name), act_keys)
                                       for f in dataclasses.fields(value)}]
    raise _NotKept  # anything else (a view over the register…): rendered every time


def _bound_digest(key: str, page_sha256: str | None) -> str | None:
    """What a kept page's name holds after its key: the SHA-256 of the key and of the page's
    bytes, so that a kept page copied under another key's name is not that key's page."""
    if page_sha256 is None:
        return None
    return text_sha256(f"{key}\0{page_sha256}")


FORK_FROM = 200  # kept pages: fewer are checked in the build's process, when asked for


class PageCache:
    """Kept pages, one file per key, under ``cache_dir/pages/``: ``<key>-<digest>.html``.

    The digest in the name is the SHA-256 of the key and of the page as MkDocs wrote it
    (:func:`_bound_digest`); a kept page is served only if its bytes still give it (:meth:`check`):
    a page damaged in the cache, edited in a published site (kept pages are published as hard
    links: the same bytes), or copied from another key's file, is rendered again."""

    def __init__(self, cache_dir: Path):
        self.root = Path(cache_dir) / "pages"
        self._checked: dict[str, bool] = {}
        self._soon: tuple[list[str], Forked] | None = None

    def _path(self, key: str, digest: str) -> Path:
        return self.root / key[:2] / f"{key}-{digest}.html"

    def digest(self, key: str) -> str | None:
        """The digest in the name of the kept page of ``key``, if kept."""
        return self._known.get(key)

    def adopt(self, key: str, digest: str) -> None:
        """Another process kept the page of ``key`` under this digest (it checked the bytes it wrote)."""
        self._known[key] = digest
        self._checked[key] = True

    def forget(self, keys) -> None:
        """Delete the kept pages of ``keys`` (rendered by a build that logged a warning)."""
        for key in keys:
            digest = self._known.pop(key, None)
            if digest is not None:
                self._path(key, digest).unlink(missing_ok=True)
            self._checked.pop(key, None)

    def path(self, key: str) -> Path | None:
        digest = self._known.get(key)
        return None if digest is None else self._path(key, digest)

    def check_all_soon(self) -> None:
        """Start checking every kept page in a forked process (:mod:`registre.files.forked`): it hashes
        on the other core while the build reads the register (a thread would slow that reading down by
        competing for the interpreter's lock); :meth:`wait` before using them.  Where forking is not
        possible, or for a few pages, each page is checked when it is asked for."""
        keys = [key for key in self._known if key not in self._checked]
        if len(keys) < FORK_FROM or not fork_available():
            return
        try:
            self._soon = (keys, Forked(lambda: [key for key, ok in self._verdicts(keys).items() if not ok]))
        except OSError:
            self._soon = None

    def wait(self) -> None:
        """The checks :meth:`check_all_soon` started are done (those a failed process did not give are
        made here when the pages are asked for)."""
        soon, self._soon = self._soon, None
        if soon is None:
            return
        keys, child = soon
        try:
            damaged = child.result()
        except ForkFailed:
            return
        if not isinstance(damaged, list):
            return
        damaged = set(damaged)
        for key in keys:
            self._checked[key] = key not in damaged

    def check(self, keys: Iterable[str]) -> None:
        """Check the kept pages of ``keys`` against their SHA-256, several at a time."""
        self.wait()
        self._checked.update(self._verdicts(key for key in keys if key in self._known and key not in self._checked))

    def _verdicts(self, keys: Iterable[str]) -> dict[str, bool]:
        """key → whether its kept page still gives the digest in its name."""
        paths = {key: self._path(key, self._known[key]) for key in keys}
        found = sha256_many(paths.values())
        return {key: _bound_digest(key, found[path]) == self._known[key] for key, path in paths.items()}

    def get(self, key: str) -> Path | None:
        """The kept page of ``key`` if it is intact; a damaged one is deleted (rendered again)."""
        if key not in self._known:
            return None
        if key not in self._checked:
            self.check([key])
        path = self._path(key, self._known[key])
        if not self._checked[key]:
            path.unlink(missing_ok=True)
            del self._known[key]
            return None
        return path

    @cached_property
    def _known(self) -> dict[str, str]:
        """Key → SHA-256 of the kept pages: 256 folder listings rather than 10,000 ``stat`` calls."""
        keys: dict[str, str] = {}
        try:
            folders = list(os.scandir(self.root))
        except (FileNotFoundError, NotADirectoryError):
            return keys
        for folder in folders:
            if folder.is_dir():
                with os.scandir(folder.path) as entries:
                    for entry in entries:
                        name = entry.name
                        if len(name) == 134 and name.endswith(".html") and name[64] == "-":
                            keys[name[:64]] = name[65:-5]
        return keys

    def keep(self, key: str, page: Path) -> None:
        """Keep the page MkDocs just wrote, as a hard link (the plugin unlinks a page before
        MkDocs writes it, so a kept file never changes), or a copy across file systems."""
        if key in self._known:
            return
        try:
            digest = _bound_digest(key, file_sha256(page))
            target = self._path(key, digest)
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
            try:
                try:
                    os.link(page, tmp)
                except OSError:
                    shutil.copyfile(page, tmp)
                os.replace(tmp, target)
            except OSError:
                tmp.unlink(missing_ok=True)
                raise
        except OSError:
            return  # a page not kept is rendered again next time: never an error
        self._known[key] = digest
        self._checked[key] = True

    def prune(self, used: set[str]) -> int:
        """Delete the kept pages no longer used (and files of another form); returns how many."""
        removed = 0
        if not self.root.is_dir():
            return 0
        for folder in self.root.iterdir():
            for path in folder.glob("*.html") if folder.is_dir() else ():
                if path.name[:64] not in used or self._known.get(path.name[:64]) != path.name[65:-5]:
                    path.unlink(missing_ok=True)
                    removed += 1
        return removed
