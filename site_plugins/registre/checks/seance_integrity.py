"""Rule: the séances' sealed documents (liste des délibérations, procès-verbal) are unchanged.

Part of :func:`registre.checks.integrity.rule_integrity`: for each séance of the sealed register
(``"evenement":"seance"`` lines, :mod:`registre.seal.seance_ledger`):

* its file is still there; the fields the liste publishes, the liste's publication date, and once
  the procès-verbal is sealed its dates, its text and its signed original never change (error);
* a séance whose liste or procès-verbal is online but not sealed yet is a warning, so that CI runs
  ``registre seal``.
"""

from __future__ import annotations

from datetime import date
from typing import Iterable

from registre.domain.dates import format_date
from registre.domain.diagnostics import Diagnostic, error, warning
from registre.domain.paths import check_inside, display_path
from registre.domain.register import Register
from registre.seal.hashing import file_sha256
from registre.seal.ledger import Ledger, SealedSeance
from registre.seal.seance_ledger import ROLE_LABELS, seance_changes, unsealed_parts

RESTORE = ("un document de séance publié ne se modifie pas : restaurez la version scellée du fichier de séance "
           "(git restore, ou l'historique git) ; une erreur dans un procès-verbal publié se corrige par une "
           "mention au procès-verbal d'une séance suivante.")
SEAL_FIX = ("lancez « registre seal » pour l'inscrire au registre scellé (la CI le fait à chaque publication).")


def _day(text: str | None) -> str:
    try:
        return format_date(date.fromisoformat(text or ""))
    except ValueError:
        return str(text)


def rule_seance_integrity(register: Register, ledger: Ledger, shown: str) -> Iterable[Diagnostic]:
    by_identifier = {seance.identifier: seance for seance in register.seances}
    for identifier, sealed in ledger.seances.items():
        seance = by_identifier.get(identifier)
        label = f"scellée le {_day(sealed.sealed_on)}, registre.lock ligne {sealed.line}"
        if seance is None:
            path = register.acts_root / sealed.source
            if path.exists():
                continue  # there but unreadable: its own errors say why
            yield error(shown, sealed.line,
                        f"la séance scellée {identifier} (fichier {display_path(path)}, {label}) a disparu du "
                        "registre : sa liste des délibérations et son procès-verbal doivent rester en ligne "
                        "(L2121-25, L2121-15 CGCT).",
                        f"restaurez le fichier (git checkout HEAD -- {display_path(path)}, ou depuis l'historique "
                        "git).", "integrity.seance_deleted")
            continue
        where = display_path(register.acts_root / seance.source)
        changes = seance_changes(sealed, seance)
        by_code: dict[str, list[tuple[str, str]]] = {}
        for key, phrase, code in changes:
            by_code.setdefault(code, []).append((key, phrase))
        for code, items in by_code.items():
            first = min(seance.body_line if key == "texte" else seance.line_of(key) for key, _ in items)
            part = "proces_verbal" if any(k == "texte" or k.startswith("proces_verbal") for k, _ in items) else "liste"
            day, line = sealed.sealed_when(part)
            when = f"scellée le {_day(day)}, registre.lock ligne {line}"
            yield error(where, first,
                        f"la séance scellée {identifier} a été modifiée après la publication de ses documents "
                        f"({when}) : {', '.join(phrase for _, phrase in items)}.", RESTORE, code)
        yield from _files(register, sealed, seance, where)
        pending = unsealed_parts(sealed, seance, register.today)
        if pending and not changes:
            yield warning(where, seance.line_of("proces_verbal" if "procès-verbal" in pending else "liste"),
                          f"séance {identifier} : {_pending(pending)}.", SEAL_FIX,
                          "integrity.seance_unsealed")
    for seance in register.seances:
        if seance.identifier in ledger.seances:
            continue
        pending = unsealed_parts(None, seance, register.today)
        if pending:
            yield warning(display_path(register.acts_root / seance.source),
                          seance.line_of("liste" if "liste des délibérations" in pending else "proces_verbal"),
                          f"séance {seance.identifier} : {_pending(pending)}.", SEAL_FIX,
                          "integrity.seance_unsealed")


def _pending(parts: list[str]) -> str:
    """« liste des délibérations en ligne, pas encore inscrite au registre scellé » (agreed)."""
    if len(parts) > 1:
        agreed = "inscrits"
    else:
        agreed = "inscrite" if parts[0].startswith("liste") else "inscrit"
    return f"{' et '.join(parts)} en ligne, pas encore {agreed} au registre scellé"


def _files(register: Register, sealed: SealedSeance, seance, where: str) -> Iterable[Diagnostic]:
    """The sealed files of acts/ (the signed procès-verbal) still have their sealed bytes."""
    for record in sealed.latest_files().values():
        if not record.chemin or not record.fixed:
            continue
        label = ROLE_LABELS.get(record.role, record.role)
        line = seance.line_of("proces_verbal.original")
        problem = check_inside(register.acts_root, record.chemin)
        if problem:
            yield error(where, line, f"séance scellée {sealed.identifier} : {label} « {record.chemin} » : {problem}",
                        f"restaurez le fichier scellé (git checkout HEAD -- acts/{record.chemin}).",
                        "integrity.file_missing")
            continue
        try:
            digest = file_sha256(register.acts_root / record.chemin)
        except OSError as exc:
            yield error(where, line, f"séance scellée {sealed.identifier} : {label} « {record.chemin} » illisible "
                                     f"({exc.strerror}).", "vérifiez les droits du fichier.", "file.unreadable")
            continue
        if digest != record.sha256:
            day, number = sealed.sealed_when("proces_verbal")
            yield error(where, line,
                        f"séance scellée {sealed.identifier} : {label} « {record.chemin} » : fichier remplacé "
                        f"après publication (scellé le {_day(day)}, registre.lock ligne {number}) : son "
                        "empreinte SHA-256 a changé.",
                        f"remettez le fichier scellé (git checkout HEAD -- acts/{record.chemin}, ou l'historique "
                        "git) ; " + RESTORE, "integrity.file_changed")


__all__ = ["rule_seance_integrity"]
