"""The register: every act under ``acts/``, read, checked and indexed.

:func:`load_register` is the single entry point used by the CLI and the
MkDocs plugin: it reads each file (see :mod:`registre.frontmatter` and
:mod:`registre.schema`), runs the register-wide rules
(:mod:`registre.rules`) and returns the acts with all diagnostics.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Iterator

from registre.build.act_cache import FILE_NAME, ActCache, ReadFile, file_key
from registre.domain.characters import FORBIDDEN_IN_NAMES, describe, printable_name
from registre.domain.config import RegistreConfig
from registre.domain.diagnostics import Diagnostic, error, has_errors, warning
from registre.domain.donne_acte import DonneActeReport, donne_acte_report
from registre.domain.lifecycle import changes_in_force, executory_date, is_online, is_rejected
from registre.domain.model import Act, ActType
from registre.seal.ledger import LEDGER_NAME
from registre.source.frontmatter import FrontMatterError, read_source
from registre.source.schema import read_act

CORRECTION_LABELS = {
    "modifie": ("modifié", "Modifié par"),
    "abroge": ("abrogé", "Abrogé par"),
    "retire": ("retiré", "Retiré par"),
    "rectifie": ("rectifié", "Rectifié par"),
}
REJECTED = "rejetée"
# Published but not executory yet (transmission to the préfet awaited, L2131-1 CGCT): in force it is not.
NOT_EXECUTORY = "non exécutoire"
# The strongest change decides the status of the earlier act.
STATUS_ORDER = ("retire", "abroge", "modifie", "rectifie")


@dataclass
class Register:
    config: RegistreConfig
    acts_root: Path
    today: date
    acts: list[Act] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    annex_files: set[str] = field(default_factory=set)  # Markdown annexes (no front matter)
    shown_paths: dict[str, str] = field(default_factory=dict, repr=False)  # source → path in diagnostics
    # source → diagnostics of the act's own text (rules.act_text_diagnostics), kept by ActCache
    text_diagnostics: dict[str, list[Diagnostic]] = field(default_factory=dict, repr=False)
    files_read: int = 0  # files of acts/ parsed in this run (the others came from the cache)
    files_cached: int = 0

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)

    @cached_property
    def by_id(self) -> dict[str, Act]:
        result: dict[str, Act] = {}
        for act in self.acts:
            result.setdefault(act.identifier, act)
        return result

    @cached_property
    def online(self) -> list[Act]:
        """Acts on the public site today, newest first."""
        return sorted((a for a in self.acts if is_online(a, self.today)),
                      key=lambda a: (a.date, a.type.value, a.numero), reverse=True)

    @cached_property
    def changed_by(self) -> dict[str, list[tuple[str, Act]]]:
        """Earlier act id → [(correction kind, later act)] in date order (whether each change has
        taken effect: :func:`~registre.lifecycle.changes_in_force`)."""
        result: dict[str, list[tuple[str, Act]]] = {}
        for act in sorted(self.acts, key=lambda a: (a.date, a.identifier)):
            for kind in STATUS_ORDER:
                for target in getattr(act, kind):
                    result.setdefault(target, []).append((kind, act))
        return result

    def status(self, act: Act) -> str:
        """rejetée (a délibération the council rejected), non exécutoire (awaiting its transmission), else en vigueur, modifié, abrogé,
        retiré or rectifié, from later acts online and executory."""
        if act.type is ActType.DELIBERATION and is_rejected(act):
            return REJECTED
        if executory_date(act) is None:
            return NOT_EXECUTORY
        kinds = {kind for kind, later in self.changed_by.get(act.identifier, ())
                 if changes_in_force(later, self.today)}
        for kind in STATUS_ORDER:
            if kind in kinds:
                return CORRECTION_LABELS[kind][0]
        return "en vigueur"

    @cached_property
    def donne_acte(self) -> DonneActeReport:
        return donne_acte_report(self.acts)

    def shown(self, act: Act) -> str:
        """The act's file as diagnostics show it (see :func:`display_path`)."""
        path = self.shown_paths.get(act.source)
        if path is None:
            path = self.shown_paths[act.source] = display_path(self.acts_root / act.source)
        return path

    def markdown_annex_texts(self) -> Iterator[tuple[Path, str]]:
        """(file, text) of each Markdown annex without front matter (published as a page);
        one that cannot be read is left to the rule that reports missing files."""
        for rel in sorted(self.annex_files):
            path = self.acts_root / rel
            try:
                text = path.read_bytes().decode("utf-8-sig")
            except (OSError, UnicodeDecodeError):
                continue
            yield path, text.replace("\r\n", "\n").replace("\r", "\n")

    def of_type(self, act_type: ActType) -> list[Act]:
        return [a for a in self.acts if a.type is act_type]


def display_path(path: Path) -> str:
    """Path as staff will want to click it: relative to the working directory."""
    return _display_path(str(path), os.getcwd())


@lru_cache(maxsize=4096)
def _display_path(path: str, cwd: str) -> str:  # cached: rules ask for each act several times
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


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


def load_register(acts_root: Path, config: RegistreConfig, *, today: date | None = None,
                  run_rules: bool = True, cache_dir: Path | None = None) -> Register:
    """Read, check and index the acts under ``acts_root``.

    With ``cache_dir``, what reading each file gave is kept there between runs
    (:mod:`registre.build.act_cache`, keyed by the file's bytes): same result, files
    unchanged are not parsed again.
    """
    from registre.checks.rules import check_register

    acts_root = Path(acts_root)
    register = Register(config=config, acts_root=acts_root, today=today or config.reference_date())
    if not acts_root.is_dir():
        register.diagnostics.append(error(display_path(acts_root), 1, "dossier des actes introuvable.",
                                          "créez le dossier acts/ ou indiquez le bon chemin.", "acts.missing"))
        return register
    cache = _open_cache(cache_dir, register.today)
    headless: list[tuple[str, Diagnostic]] = []
    declared: set[str] = set()
    fresh: dict[str, ReadFile] = {}  # read from their file in this run: cached with their text checks
    others: list[Path] = []
    for file in iter_act_files(acts_root, others):
        shown = display_path(file)
        rel = file.relative_to(acts_root).as_posix()
        problem = name_problem(file, rel)
        if problem is not None:
            register.diagnostics.append(problem)
            continue
        register.shown_paths[rel] = shown
        if file.is_symlink():
            register.diagnostics.append(error(shown, 1, "ce fichier est un lien symbolique.",
                                              "copiez l'acte lui-même dans acts/.", "path.symlink"))
            continue
        try:
            data = file.read_bytes()
        except OSError as exc:
            register.diagnostics.append(error(shown, 1, f"lecture impossible ({exc.strerror}).",
                                              "vérifiez les droits du fichier.", "file.unreadable"))
            continue
        key = file_key(data)
        read = cache.get(rel, key, shown)
        if read is None:
            read = fresh[rel] = read_file(data, rel, shown, key, register.today)
            register.files_read += 1
        else:
            register.files_cached += 1
        register.diagnostics.extend(read.diagnostics)
        if read.headless is not None:
            headless.append((rel, read.headless))
        elif read.act is not None:
            register.acts.append(read.act)
            if read.text is not None:
                register.text_diagnostics[read.act.source] = read.text
        declared.update(read.declared)
    annexed = {annex.path for act in register.acts for annex in act.annexes} | declared
    named = annexed | {act.original for act in register.acts if act.original} | {LEDGER_NAME}
    register.diagnostics.extend(filter(None, (name_problem(file, rel) for file in others
                                              if (rel := file.relative_to(acts_root).as_posix()) not in named)))
    for rel, diagnostic in headless:
        if rel in annexed:
            register.annex_files.add(rel)
        else:
            register.diagnostics.append(diagnostic)
    register.acts.sort(key=lambda a: (a.type.value, a.date.year, a.numero, a.source))
    if run_rules:
        register.diagnostics.extend(check_register(register))
    for rel, read in fresh.items():
        if read.act is not None:
            read.text = register.text_diagnostics.get(read.act.source)
        cache.put(rel, read)
    cache.save()
    return register


def read_file(data: bytes, rel: str, shown: str, key: str, today: date) -> ReadFile:
    """Read one file of ``acts/``: its act, or why it is not one."""
    try:
        source = read_source(shown, data)
    except FrontMatterError as exc:
        if exc.diagnostic.code == "frontmatter.missing":
            return ReadFile(key, shown, None, [], headless=exc.diagnostic)
        return ReadFile(key, shown, None, [exc.diagnostic])
    act, diags = read_act(source, acts_root_rel=rel, today=today)
    # An act with errors still names its annexes: they are annexes, not acts without a header.
    declared = [] if act is not None else sorted(_declared_annexes(source, rel))
    return ReadFile(key, shown, act, diags, declared)


def _open_cache(cache_dir: Path | None, today: date) -> ActCache:
    from registre.build.page_cache import code_digest

    path = None if cache_dir is None else Path(cache_dir) / FILE_NAME
    return ActCache(path, f"{code_digest()}:{today.isoformat()}")


def _declared_annexes(source, rel: str) -> set[str]:
    """Annex paths an act names even when its front matter has errors."""
    import yaml

    from registre.domain.paths import normalise_relative

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
