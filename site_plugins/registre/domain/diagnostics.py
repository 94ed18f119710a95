"""Problems found in the register, reported the way staff read them.

Every problem names the file and the line, says what is wrong in French and
how to fix it: ``acts/2025/x.md:12: erreur: … Correction : …``.
"""

from __future__ import annotations

import enum
import json
from dataclasses import asdict, dataclass
from typing import Iterable

from registre.domain.plurals import counted

# Warnings that only say time has passed (an acknowledgement still awaited after 15 days, a
# décision not reported at the last séance): reminders for staff, never a reason to stop the
# publication of the other acts (``mkdocs build --strict``, ``registre check --strict``).
REMINDER_CODES = frozenset({"transmission.late", "donne_acte.missed",
                            # séances (checks/seances.py): a liste or a PV late or still awaited, a PV
                            # not arrêté at the next séance, a délibération of a register that has no
                            # séance file for its date (registers begun before séance files)
                            "seance.liste_late", "seance.liste_missing", "seance.pv_late",
                            "seance.pv_unpublished", "seance.pv_not_arrete", "seance.missing"})


class Severity(str, enum.Enum):
    ERROR = "erreur"
    WARNING = "avertissement"


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str  # as shown to the user (relative to the working directory when possible)
    line: int
    severity: Severity
    message: str
    fix: str = ""
    code: str = ""  # stable machine identifier of the rule, e.g. "transmission.missing"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def is_reminder(self) -> bool:
        """A warning about elapsed time only (see :data:`REMINDER_CODES`)."""
        return self.severity is Severity.WARNING and self.code in REMINDER_CODES

    def format(self) -> str:
        text = f"{self.path}:{self.line}: {self.severity.value}: {self.message}"
        if self.fix:
            text += f" Correction : {self.fix}"
        return text

    def to_dict(self) -> dict:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


def error(path: str, line: int, message: str, fix: str = "", code: str = "") -> Diagnostic:
    return Diagnostic(path, line, Severity.ERROR, message, fix, code)


def warning(path: str, line: int, message: str, fix: str = "", code: str = "") -> Diagnostic:
    return Diagnostic(path, line, Severity.WARNING, message, fix, code)


def sort_key(diag: Diagnostic):
    return (diag.path, diag.line, diag.severity is not Severity.ERROR, diag.message)


def has_errors(diags: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diags)


def format_text(diags: Iterable[Diagnostic]) -> str:
    return "\n".join(d.format() for d in sorted(diags, key=sort_key))


def format_json(diags: Iterable[Diagnostic]) -> str:
    return json.dumps([d.to_dict() for d in sorted(diags, key=sort_key)], ensure_ascii=False, indent=2)


def summary(diags: Iterable[Diagnostic]) -> str:
    diags = list(diags)
    errors = sum(d.is_error for d in diags)
    warnings = len(diags) - errors
    return f"{counted(errors, 'erreur')}, {counted(warnings, 'avertissement')}"


def format_markdown(diags: Iterable[Diagnostic], heading: str) -> str:
    """A Markdown report (a CI job summary): errors, warnings, then reminders."""
    diags = sorted(diags, key=sort_key)
    lines = [f"## {heading}", "", f"{summary(diags)}.", ""]
    groups = (("Erreurs (bloquent la publication)", [d for d in diags if d.is_error]),
              ("Avertissements", [d for d in diags if not d.is_error and not d.is_reminder]),
              ("Rappels (ne bloquent pas la publication)", [d for d in diags if d.is_reminder]))
    for title, found in groups:
        if not found:
            continue
        lines += [f"### {title}", ""]
        for d in found:
            text = d.message + (f" Correction : {d.fix}" if d.fix else "")
            lines.append(f"- `{d.path}:{d.line}` : {_markdown_text(text)}")
        lines.append("")
    return "\n".join(lines)


def _markdown_text(text: str) -> str:
    """Plain text inside a Markdown list item: no markup, no HTML, one line."""
    text = " ".join(text.split())
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in text)
