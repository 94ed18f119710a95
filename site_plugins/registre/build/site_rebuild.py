"""What the register produces, built again from scratch, and compared with a site.

``registre verify`` proves that every published file is, byte for byte, what
the register produces: it runs the real ``mkdocs build`` into a temporary
folder with no cache at all (an empty cache folder, page and act caches off)
and with the "today" the site was built with (``date`` of
``verifier/integrite.json``), then compares both folders file by file.

A cold build is reproducible: the same register, configuration and date give
the same bytes in any folder, at any time (the tests build twice and compare).
Pagefind's index (``pagefind/``) is the one exception, in part: its scripts,
styles, page fragments (what search results show) and word index come out
the same and are compared byte for byte, but it writes the entries of its
filter files in a different order at each run, and names those files (and
the files listing them: ``*.pf_meta``, ``pagefind-entry.json``) after their
bytes.  Those are compared by what they say, decoded (Pagefind writes them as
gzipped CBOR): a filter file as its name and its set of (value, pages); a
``*.pf_meta`` file as its whole content, each filter file it names replaced by
what that file says; ``pagefind-entry.json`` likewise, the meta file it names
replaced by what it says.  Only the order of the filter entries and the file
names made from them are left out: a value moved to other pages, a page
pointed at another fragment, a filter file swapped for another is a
difference.
"""

from __future__ import annotations

import filecmp
import gzip
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from registre.build.engine import installed
from registre.domain.paths import CACHE_DIR_SWITCH
from registre.resources import PACKAGE_DIR

PACKAGE_PARENT = PACKAGE_DIR.parent


@dataclass
class Comparison:
    missing: list[str] = field(default_factory=list)  # produced by the register, absent from the site
    extra: list[str] = field(default_factory=list)  # in the site, not produced by the register
    different: list[str] = field(default_factory=list)  # both, different bytes
    compared: int = 0


def _files(root: Path) -> set[str]:
    found: set[str] = set()
    for folder, dirs, names in os.walk(root):
        rel = os.path.relpath(folder, root)
        if rel == ".":
            rel = ""
        for name in names:
            found.add(f"{rel}/{name}".lstrip("/").replace(os.sep, "/") if rel else name)
        for name in dirs:  # symbolic links to folders: listed as files, never followed
            if os.path.islink(os.path.join(folder, name)):
                found.add(f"{rel}/{name}".lstrip("/") if rel else name)
    return found


def _by_content(rel: str) -> str | None:
    """The group a Pagefind file named after its varying bytes is compared in, or None."""
    if not rel.startswith("pagefind/"):
        return None
    folder, _, name = rel.rpartition("/")
    if name.endswith(".pf_filter"):
        return f"{folder}/*.pf_filter"
    if name.endswith(".pf_meta"):
        return f"{folder}/*.pf_meta"
    if name == "pagefind-entry.json":
        return rel
    return None


PAGEFIND_HEADER = b"pagefind_dcd"


class _CborError(ValueError):
    pass


def _cbor(data: bytes, at: int = 0):
    """(value, next offset) of the CBOR item at ``at``: the subset Pagefind writes (integers,
    strings, arrays, maps, simple values); lists come back as tuples, maps as sorted tuples."""
    if at >= len(data):
        raise _CborError("truncated")
    major, info = data[at] >> 5, data[at] & 0x1F
    at += 1
    if info < 24:
        argument = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        if at + size > len(data):
            raise _CborError("truncated")
        argument, at = int.from_bytes(data[at:at + size], "big"), at + size
    else:
        raise _CborError("indefinite length")
    if major == 0:
        return argument, at
    if major == 1:
        return -1 - argument, at
    if major in (2, 3):
        if at + argument > len(data):
            raise _CborError("truncated")
        chunk = data[at:at + argument]
        return (chunk if major == 2 else chunk.decode("utf-8")), at + argument
    if major in (4, 5):
        if argument > len(data):
            raise _CborError("too long")
        items = []
        for _ in range(argument * (2 if major == 5 else 1)):
            item, at = _cbor(data, at)
            items.append(item)
        if major == 5:
            return tuple(sorted(zip(items[::2], items[1::2]), key=repr)), at
        return tuple(items), at
    if major == 7 and info in (20, 21, 22):
        return (False, True, None)[info - 20], at
    raise _CborError(f"major type {major}")


def _pagefind_value(path: Path):
    """What a Pagefind binary file says (gzipped « pagefind_dcd » + CBOR), or its raw bytes."""
    try:
        raw = path.read_bytes()
    except (OSError, ValueError):  # ValueError: a name holding a NUL, read from an edited file
        return ("absent", path.name)
    try:
        data = gzip.decompress(raw)
        if not data.startswith(PAGEFIND_HEADER):
            raise _CborError("header")
        value, end = _cbor(data, len(PAGEFIND_HEADER))
        if end != len(data):
            raise _CborError("trailing bytes")
        return value
    except (OSError, EOFError, UnicodeDecodeError, RecursionError, _CborError):
        return ("illisible", raw)


def _filter_value(path: Path):
    """A filter file: (filter name, its (value, sorted pages) entries in any order)."""
    value = _pagefind_value(path)
    try:
        name, entries = value
        return ("filtre", name, tuple(sorted(((entry[0], tuple(sorted(entry[1], key=repr))) for entry in entries),
                                             key=repr)))
    except (TypeError, ValueError, IndexError):
        return value


def _meta_value(path: Path):
    """A ``*.pf_meta`` file, each filter file it names replaced by what that file says."""
    value = _pagefind_value(path)
    try:
        version, pages, chunks, filters, *rest = value
        named = tuple(sorted(((name, _filter_value(path.parent / "filter" / f"{hash_}.pf_filter"))
                              for name, hash_ in filters), key=repr))
    except (TypeError, ValueError):
        return value
    return ("meta", version, pages, chunks, named, tuple(rest))


def _content_key(path: Path) -> bytes:
    if path.name == "pagefind-entry.json":
        data = path.read_bytes()
        try:
            entry = json.loads(data)
            for language in entry.get("languages", {}).values():
                language["hash"] = repr(_meta_value(path.parent / f"pagefind.{language.get('hash')}.pf_meta"))
            return json.dumps(entry, sort_keys=True).encode("utf-8")
        except (ValueError, AttributeError, TypeError, OSError):
            return data
    if path.name.endswith(".pf_meta"):
        return repr(_meta_value(path)).encode("utf-8")
    return repr(_filter_value(path)).encode("utf-8")


def compare_sites(expected: Path, actual: Path) -> Comparison:
    """``expected``: the fresh build; ``actual``: the site checked."""
    wanted, there = _files(expected), _files(actual)
    groups: dict[str, tuple[list[Path], list[Path]]] = {}
    for files, side in ((wanted, 0), (there, 1)):
        for rel in list(files):
            group = _by_content(rel)
            if group is not None:
                files.discard(rel)
                groups.setdefault(group, ([], []))[side].append((expected, actual)[side] / rel)
    result = Comparison(missing=sorted(wanted - there), extra=sorted(there - wanted))
    for rel in sorted(wanted & there):
        result.compared += 1
        a, b = expected / rel, actual / rel
        if os.path.islink(b) or not b.is_file() or not filecmp.cmp(a, b, shallow=False):
            result.different.append(rel)
    for group, (made, found) in sorted(groups.items()):
        result.compared += len(found)
        if not made:
            result.extra.append(group)
        elif not found:
            result.missing.append(group)
        elif any(os.path.islink(p) for p in found) or \
                sorted(map(_content_key, made)) != sorted(map(_content_key, found)):
            result.different.append(group)
    return result


class RebuildError(Exception):
    """The register could not be built (its errors are in the message)."""


def rebuild(mkdocs_yml: Path, target: Path, today: str | None, engine: str = "mkdocs") -> None:
    """``mkdocs build`` of ``mkdocs_yml`` into ``target``, cold, with ``today`` as the build's date
    (``engine``: « mkdocs » or « properdocs », see :mod:`registre.build.engine`)."""
    if not installed(engine):
        raise RebuildError(f"le site a été construit avec {engine}, qui n'est pas installé ici. Correction : "
                           f"installez-le (pip install {engine}), ou reconstruisez le site avec l'autre moteur.")
    with tempfile.TemporaryDirectory(prefix="registre-verify-cache-") as cache:
        env = dict(os.environ)
        env.update({CACHE_DIR_SWITCH: cache, "REGISTRE_PAGE_CACHE": "0", "REGISTRE_ACT_CACHE": "0",
                    "NO_MKDOCS_2_WARNING": "1",
                    "PYTHONPATH": str(PACKAGE_PARENT) + os.pathsep + env.get("PYTHONPATH", "")})
        if today:
            env["REGISTRE_DATE"] = today
        done = subprocess.run([sys.executable, "-m", engine, "build", "--clean", "--quiet", "--config-file",
                               str(mkdocs_yml), "--site-dir", str(target)], cwd=mkdocs_yml.parent,
                              capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
        raise RebuildError("\n".join(lines[-8:]) or f"code de sortie {done.returncode}")
