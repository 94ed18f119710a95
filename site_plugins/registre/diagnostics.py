"""Problems found in the register, reported the way staff read them.

Every problem names the file and the line, says what is wrong in French and
how to fix it: ``acts/2025/x.md:12: erreur: … Correction : …``.
"""

from __future__ import annotations

import enum
import json
from dataclasses import asdict, dataclass
from typing import Iterable


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
    return f"{errors} erreur(s), {warnings} avertissement(s)"
