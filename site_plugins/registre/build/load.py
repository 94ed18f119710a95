"""Reading the register: every file of ``acts/``, through the act cache, then the register-wide rules.

:func:`load_register` is the single entry point used by the CLI and the MkDocs plugin: it reads
each file (:mod:`registre.source.frontmatter`, :mod:`registre.source.schema`), keeps what reading
gave in :mod:`registre.build.act_cache`, runs :func:`registre.checks.rules.check_register` and
returns the :class:`~registre.domain.register.Register` with every diagnostic.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from registre.build.act_cache import FILE_NAME, ActCache, ReadFile, file_key
from registre.build.fingerprint import code_digest
from registre.checks.rules import check_register
from registre.domain.config import RegistreConfig
from registre.domain.diagnostics import Diagnostic, error
from registre.domain.paths import display_child, display_path
from registre.domain.register import Register
from registre.seal.ledger import LEDGER_NAME
from registre.source.files import declared_annexes, iter_act_files, name_problem
from registre.source.frontmatter import FrontMatterError, read_source
from registre.source.schema import read_act
from registre.source.seance_schema import (
    as_seance_header_error,
    declared_original,
    declares_seance,
    is_seance_name,
    read_seance,
)


def load_register(acts_root: Path, config: RegistreConfig, *, today: date | None = None,
                  run_rules: bool = True, cache_dir: Path | None = None) -> Register:
    """Read, check and index the acts under ``acts_root``.

    With ``cache_dir``, what reading each file gave is kept there between runs
    (:mod:`registre.build.act_cache`, keyed by the file's bytes): same result, files
    unchanged are not parsed again.
    """
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
    shown_root = display_path(acts_root)
    for file in iter_act_files(acts_root, others):
        rel = file.relative_to(acts_root).as_posix()
        shown = display_child(shown_root, rel)
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
        elif read.seance is not None:
            register.seances.append(read.seance)
        elif read.act is not None:
            register.acts.append(read.act)
            if read.text is not None:
                register.text_diagnostics[read.act.source] = read.text
        declared.update(read.declared)
    annexed = {annex.path for act in register.acts for annex in act.annexes} | declared
    named = annexed | {act.original for act in register.acts if act.original} | {LEDGER_NAME}
    named |= {s.proces_verbal.original for s in register.seances if s.proces_verbal and s.proces_verbal.original}
    register.diagnostics.extend(filter(None, (name_problem(file, rel) for file in others
                                              if (rel := file.relative_to(acts_root).as_posix()) not in named)))
    for rel, diagnostic in headless:
        if rel in annexed:
            register.annex_files.add(rel)
        else:
            register.diagnostics.append(diagnostic)
    register.acts.sort(key=lambda a: (a.type.value, a.date.year, a.numero, a.source))
    register.seances.sort(key=lambda s: (s.date, s.source))
    if run_rules:
        register.diagnostics.extend(check_register(register))
    for rel, read in fresh.items():
        if read.act is not None:
            read.text = register.text_diagnostics.get(read.act.source)
        cache.put(rel, read)
    cache.save()
    return register


def read_file(data: bytes, rel: str, shown: str, key: str, today: date) -> ReadFile:
    """Read one file of ``acts/``: its act or its séance (``type: seance``, or a name starting with
    « seance- »), or why it is neither."""
    try:
        source = read_source(shown, data)
    except FrontMatterError as exc:
        diagnostic = as_seance_header_error(exc.diagnostic) if is_seance_name(rel) else exc.diagnostic
        if diagnostic.code == "frontmatter.missing":
            return ReadFile(key, shown, None, [], headless=diagnostic)
        return ReadFile(key, shown, None, [diagnostic])
    if is_seance_name(rel) or declares_seance(source):
        seance, diags = read_seance(source, acts_root_rel=rel, today=today)
        # A séance with errors still names its signed PV: a file the register knows, not a stray one.
        original = declared_original(source, rel)
        return ReadFile(key, shown, None, diags, [original] if original and seance is None else [],
                        seance=seance)
    act, diags = read_act(source, acts_root_rel=rel, today=today)
    # An act with errors still names its annexes: they are annexes, not acts without a header.
    declared = [] if act is not None else sorted(declared_annexes(source, rel))
    return ReadFile(key, shown, act, diags, declared)


def _open_cache(cache_dir: Path | None, today: date) -> ActCache:
    path = None if cache_dir is None else Path(cache_dir) / FILE_NAME
    return ActCache(path, f"{code_digest()}:{today.isoformat()}")
