"""The register: every act under ``acts/``, read, checked and indexed.

:func:`load_register` is the single entry point used by the CLI and the
MkDocs plugin: it reads each file (see :mod:`registre.frontmatter` and
:mod:`registre.schema`), runs the register-wide rules
(:mod:`registre.rules`) and returns the acts with all diagnostics.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path

from .act_cache import FILE_NAME, ActCache, ReadFile, file_key
from .config import RegistreConfig
from .diagnostics import Diagnostic, error, has_errors
from .donne_acte import DonneActeReport, donne_acte_report
from .frontmatter import FrontMatterError, read_source
from .lifecycle import is_online, is_rejected
from .model import Act, ActType
from .schema import read_act

CORRECTION_LABELS = {
    "modifie": ("modifié", "Modifié par"),
    "abroge": ("abrogé", "Abrogé par"),
    "retire": ("retiré", "Retiré par"),
    "rectifie": ("rectifié", "Rectifié par"),
}
REJECTED = "rejetée"
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
        """Earlier act id → [(correction kind, later act)] in date order."""
        result: dict[str, list[tuple[str, Act]]] = {}
        for act in sorted(self.acts, key=lambda a: (a.date, a.identifier)):
            for kind in STATUS_ORDER:
                for target in getattr(act, kind):
                    result.setdefault(target, []).append((kind, act))
        return result

    def status(self, act: Act, *, online_only: bool = True) -> str:
        """rejetée (a délibération the council rejected), else en vigueur, modifié, abrogé,
        retiré or rectifié, from later acts."""
        if act.type is ActType.DELIBERATION and is_rejected(act):
            return REJECTED
        kinds = {kind for kind, later in self.changed_by.get(act.identifier, ())
                 if not online_only or is_online(later, self.today)}
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


def iter_act_files(acts_root: Path) -> list[Path]:
    """Markdown files under ``acts_root``, sorted, without following symlinked dirs."""
    files = []
    for folder, dirs, names in os.walk(acts_root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        files.extend(Path(folder) / n for n in sorted(names) if n.endswith(".md") and not n.startswith("."))
    return files


def load_register(acts_root: Path, config: RegistreConfig, *, today: date | None = None,
                  run_rules: bool = True, cache_dir: Path | None = None) -> Register:
    """Read, check and index the acts under ``acts_root``.

    With ``cache_dir``, what reading each file gave is kept there between runs
    (:mod:`registre.act_cache`, keyed by the file's bytes): same result, files
    unchanged are not parsed again.
    """
    from .rules import check_register  # rules need the Register type

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
    for file in iter_act_files(acts_root):
        shown = display_path(file)
        rel = file.relative_to(acts_root).as_posix()
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
    from .page_cache import code_digest

    path = None if cache_dir is None else Path(cache_dir) / FILE_NAME
    return ActCache(path, f"{code_digest()}:{today.isoformat()}")


def _declared_annexes(source, rel: str) -> set[str]:
    """Annex paths an act names even when its front matter has errors."""
    import yaml

    from .paths import normalise_relative

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
