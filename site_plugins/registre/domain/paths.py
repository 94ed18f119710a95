"""Paths that acts name (annexes, originals) must stay inside ``acts/``; where the build keeps its cache."""

from __future__ import annotations

import os
import posixpath
from functools import lru_cache
from pathlib import Path

CACHE_DIR_SWITCH = "REGISTRE_CACHE_DIR"  # another cache folder (``registre verify`` builds with an empty one)


def cache_root(project_root: Path) -> Path:
    """``.cache/registre`` beside mkdocs.yml, or the folder ``$REGISTRE_CACHE_DIR`` names."""
    override = os.environ.get(CACHE_DIR_SWITCH, "").strip()
    return Path(override) if override else Path(project_root) / ".cache" / "registre"


def normalise_relative(source_rel: str, raw: str) -> tuple[str, str | None]:
    """Resolve ``raw`` (relative to the act file ``source_rel``) to a POSIX path
    relative to the acts root.  Returns ``(path, problem)``; ``problem`` is a
    French sentence when the path is absolute or leaves the acts folder."""
    raw = raw.strip().replace("\\", "/")
    if not raw:
        return "", "chemin vide."
    if raw.startswith("/") or (len(raw) > 1 and raw[1] == ":") or raw.startswith("~"):
        return "", "chemin absolu interdit : le fichier doit se trouver dans le dossier acts/."
    if "\x00" in raw or any(ord(c) < 32 for c in raw):
        return "", "caractère de contrôle dans le chemin."
    base = posixpath.dirname(source_rel)
    joined = posixpath.normpath(posixpath.join(base, raw))
    if joined == ".." or joined.startswith("../") or joined.startswith("/"):
        return "", "ce chemin sort du dossier acts/ (« .. ») : c'est interdit."
    return joined, None


def check_inside(acts_root: Path, rel: str) -> str | None:
    """Problem with an existing file ``rel`` under ``acts_root``, or None.

    Refuses symbolic links anywhere on the path, so that a link cannot publish
    a file from outside the register."""
    root = acts_root.resolve()
    current = acts_root
    for part in rel.split("/"):
        current = current / part
        if current.is_symlink():
            return "c'est un lien symbolique : copiez le fichier lui-même dans acts/."
    target = acts_root / rel
    if not target.exists():
        return "fichier introuvable."
    if not target.is_file():
        return "ce n'est pas un fichier."
    try:
        target.resolve().relative_to(root)
    except ValueError:
        return "ce fichier se trouve hors du dossier acts/."
    return None


def display_path(path: Path) -> str:
    """Path as staff will want to click it: relative to the working directory."""
    return _display_path(str(path), os.getcwd())


def display_child(shown_root: str, rel: str) -> str:
    """``display_path(root / rel)`` from ``shown_root = display_path(root)`` and a normalised POSIX
    ``rel``: one ``relpath`` for a whole folder of acts."""
    if shown_root == ".":
        return rel
    if os.path.isabs(shown_root) or shown_root.startswith(".."):  # the working directory may be inside it
        return display_path(Path(shown_root) / rel)
    return f"{shown_root}/{rel}"


@lru_cache(maxsize=4096)
def _display_path(path: str, cwd: str) -> str:  # cached: rules ask for each act several times
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel
