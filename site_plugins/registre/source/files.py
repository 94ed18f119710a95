"""The files of ``acts/``: which are acts, which are annexes, which are mistakes.

Only a file whose name ends exactly in « .md » is an act; PDFs are annexes or signed originals; a
backup, a « .md.txt » or an invisible character in a name is reported, so that staff never believe
published what the register ignores.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

from registre.domain.characters import FORBIDDEN_IN_NAMES, describe, printable_name
from registre.domain.diagnostics import Diagnostic, error, warning
from registre.domain.paths import display_path, normalise_relative


def iter_act_files(acts_root: Path, others: list[Path] | None = None) -> list[Path]:
    """Markdown files under ``acts_root``, sorted, without following symlinked dirs;
    the other files (hidden ones aside) are added to ``others`` if given."""
    files = []
    for folder, dirs, names in os.walk(acts_root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith("."):
                continue
            if name.endswith(".md"):
                files.append(Path(folder) / name)
            elif others is not None:
                others.append(Path(folder) / name)
    return files


# Files that look like an act but are never read as one (« .md » is the only act file name).
ACT_LOOKALIKE_RE = re.compile(r"\.(md|markdown|mdown|mkd)(\.txt)?$", re.I)
BACKUP_RE = re.compile(r"(~|\.(bak|old|orig|tmp|swp|sav))$|^~\$", re.I)
ANNEX_SUFFIXES = (".pdf",)


def name_problem(file: Path, rel: str) -> Diagnostic | None:
    """What is wrong with the name of a file of ``acts/`` (``rel``: its path under acts/; files
    an act names as annex or original are not asked about), or None: an invisible character (the act could not be named in a message, nor found
    again), or a file the register ignores while staff may believe it is published."""
    name = file.name
    bad = FORBIDDEN_IN_NAMES.search(rel)
    if bad is None and (name.endswith(".md") or name.lower().endswith(ANNEX_SUFFIXES)):
        return None
    shown = printable_name(display_path(file))
    if bad:
        return error(shown, 1, f"le nom de ce fichier (ou de son dossier) contient un caractère invisible : "
                               f"{describe(bad.group(0))}.",
                     "renommez le fichier (ou le dossier) avec des lettres, chiffres, tirets et points "
                     "seulement, par exemple « decision-2025-11.md ».", "file.name_character")
    if BACKUP_RE.search(name):
        return warning(shown, 1, "copie de sauvegarde ou fichier temporaire dans acts/ : il n'est pas lu.",
                       "supprimez-le (l'historique git garde les versions précédentes).", "file.backup")
    if ACT_LOOKALIKE_RE.search(name):
        stem = ACT_LOOKALIKE_RE.sub("", name)
        return error(shown, 1, f"« {name} » n'est pas lu : seul un fichier dont le nom finit exactement par "
                               "« .md » est un acte (cet acte ne serait pas publié).",
                     f"renommez le fichier en « {stem}.md »"
                     + (" (dans l'explorateur de fichiers, affichez les extensions pour voir le « .txt » "
                        "ajouté par l'éditeur)." if name.lower().endswith(".txt") else "."), "file.extension")
    return warning(shown, 1, f"« {name} » n'est ni un acte (.md) ni une annexe (.pdf) : il n'est pas publié.",
                   "convertissez-le en PDF et citez-le dans « annexes » de l'acte, ou retirez-le de acts/.",
                   "file.ignored")


def declared_annexes(source, rel: str) -> set[str]:
    """Annex paths an act names even when its front matter has errors."""
    found: set[str] = set()
    for key, value in source.front.value:
        if getattr(key, "value", None) != "annexes" or not isinstance(value, yaml.SequenceNode):
            continue
        for item in value.value:
            if isinstance(item, yaml.MappingNode):
                item = next((v for k, v in item.value if getattr(k, "value", None) == "fichier"), None)
            if isinstance(item, yaml.ScalarNode) and item.value:
                path, problem = normalise_relative(rel, item.value)
                if not problem:
                    found.add(path)
    return found
