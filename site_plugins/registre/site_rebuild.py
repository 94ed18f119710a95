"""What the register produces, built again from scratch, and compared with a site.

``registre verify`` proves that every published file is, byte for byte, what
the register produces: it runs the real ``mkdocs build`` into a temporary
folder with no cache at all (an empty cache folder, page and act caches off)
and with the "today" the site was built with (``date`` of
``verifier/integrite.json``), then compares both folders file by file.

A cold build is reproducible: the same register, configuration and date give
the same bytes in any folder, at any time (the tests build twice and compare).
Pagefind's index (``pagefind/``) is the one exception: its file names and
fragments change from one run to the next, so it is left out of the comparison.
"""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .paths import CACHE_DIR_SWITCH

# Top-level folders whose bytes are not reproducible (see the module's docstring).
NOT_COMPARED = frozenset({"pagefind"})
PACKAGE_PARENT = Path(__file__).resolve().parent.parent


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
            dirs[:] = [d for d in dirs if d not in NOT_COMPARED]
            rel = ""
        for name in names:
            found.add(f"{rel}/{name}".lstrip("/").replace(os.sep, "/") if rel else name)
        for name in dirs:  # symbolic links to folders: listed as files, never followed
            if os.path.islink(os.path.join(folder, name)):
                found.add(f"{rel}/{name}".lstrip("/") if rel else name)
    return found


def compare_sites(expected: Path, actual: Path) -> Comparison:
    """``expected``: the fresh build; ``actual``: the site checked."""
    wanted, there = _files(expected), _files(actual)
    result = Comparison(missing=sorted(wanted - there), extra=sorted(there - wanted))
    for rel in sorted(wanted & there):
        result.compared += 1
        a, b = expected / rel, actual / rel
        if os.path.islink(b) or not b.is_file() or not filecmp.cmp(a, b, shallow=False):
            result.different.append(rel)
    return result


class RebuildError(Exception):
    """The register could not be built (its errors are in the message)."""


def rebuild(mkdocs_yml: Path, target: Path, today: str | None) -> None:
    """``mkdocs build`` of ``mkdocs_yml`` into ``target``, cold, with ``today`` as the build's date."""
    with tempfile.TemporaryDirectory(prefix="registre-verify-cache-") as cache:
        env = dict(os.environ)
        env.update({CACHE_DIR_SWITCH: cache, "REGISTRE_PAGE_CACHE": "0", "REGISTRE_ACT_CACHE": "0",
                    "NO_MKDOCS_2_WARNING": "1",
                    "PYTHONPATH": str(PACKAGE_PARENT) + os.pathsep + env.get("PYTHONPATH", "")})
        if today:
            env["REGISTRE_DATE"] = today
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--clean", "--quiet", "--config-file",
                               str(mkdocs_yml), "--site-dir", str(target)], cwd=mkdocs_yml.parent,
                              capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
        raise RebuildError("\n".join(lines[-8:]) or f"code de sortie {done.returncode}")
