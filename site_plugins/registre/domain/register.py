"""The register: the acts of ``acts/`` once read and checked, with what the law derives from all of them.

The aggregate only: statuses (en vigueur, modifié, abrogé…, rejetée, non exécutoire), acts online,
the changes later acts make, the donné acte.  Reading the files is :mod:`registre.build.load`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Iterator

from registre.domain.config import RegistreConfig
from registre.domain.diagnostics import Diagnostic, has_errors
from registre.domain.donne_acte import DonneActeReport, donne_acte_report
from registre.domain.lifecycle import changes_in_force, executory_date, is_online, is_rejected
from registre.domain.model import Act, ActType
from registre.domain.paths import display_path
from registre.domain.seance import Seance

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
    seances: list[Seance] = field(default_factory=list)  # council séances (seance-AAAA-MM-JJ.md), by date
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
        taken effect: :func:`~registre.domain.lifecycle.changes_in_force`)."""
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

    @cached_property
    def seance_by_date(self) -> dict[date, Seance]:
        return {s.date: s for s in self.seances}

    def of_type(self, act_type: ActType) -> list[Act]:
        return [a for a in self.acts if a.type is act_type]
