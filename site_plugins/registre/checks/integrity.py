"""Rule: the register still holds, unchanged, everything that was sealed.

Compares the acts under ``acts/`` with the sealed register
``acts/registre.lock`` (see :mod:`registre.seal.ledger`):

* the ledger itself: a line edited, removed or reordered breaks the chain;
  compared with the versions committed in git, it may only have grown;
* each sealed act: still there, still online, same defining fields, same
  text, same annexes and signed original;
* what may change after publication only grows: ``transmission`` from
  « en attente » to a date and an accusé de réception, a ``note`` or
  ``donne_acte`` entries added; anything else is an error;
* what is published but not yet sealed (a new act, a completed
  transmission) is a warning, so that CI runs ``registre seal``;
* the séances' sealed documents (liste, procès-verbal): see
  :mod:`registre.checks.seance_integrity`.

When the register has never been sealed (no ``registre.lock`` and none in
git history) the rule says nothing: sealing starts with the first
``registre seal``.
"""

from __future__ import annotations

from typing import Iterable

from registre.checks.seance_integrity import rule_seance_integrity
from registre.domain.dates import format_date
from registre.domain.diagnostics import Diagnostic, error, warning
from registre.domain.lifecycle import is_online
from registre.domain.model import Act
from registre.domain.paths import check_inside, display_path
from registre.domain.register import Register
from registre.seal.hashing import file_sha256
from registre.seal.ledger import (
    LEDGER_NAME,
    Ledger,
    SealedAct,
    content_changes,
    follow_up_changes,
    history_problem,
    is_shallow_clone,
    read_ledger,
)

RESTORE = ("un acte publié ne se modifie pas : restaurez la version scellée (git restore, ou l'historique git) "
           "et publiez un nouvel acte qui le modifie, le rectifie, l'abroge ou le retire (clés modifie, "
           "rectifie, abroge, retire).")


def ledger_path(register: Register):
    return register.acts_root / LEDGER_NAME


def _sealed_label(sealed: SealedAct) -> str:
    return f"scellé le {_day(sealed.sealed_on)}, registre.lock ligne {sealed.line}"


def _day(text: str | None) -> str:
    from datetime import date

    try:
        return format_date(date.fromisoformat(text or ""))
    except ValueError:
        return str(text)


def rule_integrity(register: Register) -> Iterable[Diagnostic]:
    path = ledger_path(register)
    ledger = read_ledger(path)
    shown = display_path(path)
    yield from _ledger_problems(ledger, shown)
    if not ledger.exists and not ledger.problems:
        # Never sealed, unless git knows better.
        broken = history_problem(ledger)
        if broken:
            version, _ = broken
            yield error(shown, 1, f"le registre scellé {LEDGER_NAME} a été supprimé (il existait au commit "
                                  f"{version.commit[:10]} du {_day(version.day)}).",
                        f"restaurez-le : git checkout {version.commit[:10]} -- {shown}", "ledger.deleted")
        return
    if is_shallow_clone(path):
        yield warning(shown, 1, "historique git incomplet (clone superficiel, « git clone --depth 1 ») : impossible "
                                "de vérifier que le registre scellé n'a pas été réécrit depuis ses versions "
                                "enregistrées.",
                      "récupérez tout l'historique (git fetch --unshallow) ; en CI : fetch-depth: 0 "
                      "(actions/checkout) ou GIT_DEPTH: 0 (GitLab).", "ledger.shallow")
    broken = history_problem(ledger)
    if broken:
        version, line = broken
        yield error(shown, line, f"registre scellé réécrit : la ligne {line} n'est plus celle du commit "
                                 f"{version.commit[:10]} du {_day(version.day)} ; le registre scellé ne peut "
                                 "que s'allonger.",
                    f"restaurez la version enregistrée (git show {version.commit[:10]}:{shown}) et relancez "
                    "« registre seal ».", "ledger.rewritten")
    yield from _compare(register, ledger, shown)
    yield from rule_seance_integrity(register, ledger, shown)


def _ledger_problems(ledger: Ledger, shown: str) -> Iterable[Diagnostic]:
    for problem in ledger.problems:
        yield error(shown, problem.line, problem.message, problem.fix, problem.code)


def _compare(register: Register, ledger: Ledger, shown: str) -> Iterable[Diagnostic]:
    by_identifier: dict[str, list[Act]] = {}
    for act in register.acts:
        by_identifier.setdefault(act.identifier, []).append(act)
    by_source = {act.source: act for act in register.acts}

    for identifier, sealed in ledger.acts.items():
        candidates = by_identifier.get(identifier, [])
        act = next((a for a in candidates if a.source == sealed.source), candidates[0] if candidates else None)
        if act is None:
            yield from _gone(register, sealed, by_source, shown)
            continue
        where = register.shown(act)
        if not is_online(act, register.today):
            yield error(where, act.line_of("publication.date"),
                        f"l'acte scellé {identifier} ({_sealed_label(sealed)}) n'est plus en ligne : un acte "
                        "publié doit rester publié en permanence (L2131-1 CGCT).",
                        "remettez la date de mise en ligne scellée" +
                        (f" ({_day(sealed.publication)})" if sealed.publication else "") + " ; " + RESTORE,
                        "integrity.unpublished")
        changes = content_changes(sealed, act)
        if changes:
            first = min((act.body_line if key == "texte" else act.line_of(key)) for key, _ in changes)
            yield error(where, first,
                        f"l'acte scellé {identifier} a été modifié après sa publication ({_sealed_label(sealed)}) : "
                        f"{', '.join(what for _, what in changes)}.", RESTORE, "integrity.changed")
        forbidden, additions = follow_up_changes(sealed, act)
        for key, sentence in forbidden:
            yield error(where, act.line_of(key), f"acte scellé {identifier} : {sentence}.",
                        "rétablissez la valeur scellée ; après la publication on peut seulement compléter "
                        "(transmission en attente → date et accusé de réception, note ou donné acte ajoutés).",
                        "integrity.follow_up")
        yield from _files(register, sealed, act, where)
        if additions and not changes and not forbidden:
            what = {"transmission": "transmission complétée", "note": "note ajoutée",
                    "donne_acte": "donné acte ajouté"}
            yield warning(where, act.line_of(next(iter(additions))),
                          f"acte scellé {identifier} : {', '.join(what[k] for k in additions)}, "
                          "pas encore inscrit au registre scellé.",
                          "lancez « registre seal » pour l'inscrire au registre scellé (la CI le fait à chaque "
                          "publication).", "integrity.unsealed_follow_up")

    for act in register.acts:
        if act.identifier not in ledger.acts and is_online(act, register.today):
            yield warning(register.shown(act), act.line_of("publication.date"),
                          f"{act.identifier} est en ligne mais pas encore scellé.",
                          "lancez « registre seal » pour l'inscrire au registre scellé (la CI le fait à chaque "
                          "publication).", "integrity.unsealed")


def _gone(register: Register, sealed: SealedAct, by_source: dict[str, Act], shown: str) -> Iterable[Diagnostic]:
    source_path = register.acts_root / sealed.source
    there = by_source.get(sealed.source)
    if there is not None:
        yield error(display_path(source_path), there.line_of("numero"),
                    f"l'acte scellé {sealed.identifier} ({_sealed_label(sealed)}) est devenu {there.identifier} : "
                    "type, numéro ou année changés après publication.", RESTORE, "integrity.renamed")
    elif source_path.exists():
        return  # the file is there but unreadable: its own errors say why
    else:
        yield error(shown, sealed.line,
                    f"l'acte scellé {sealed.identifier} (fichier {display_path(source_path)}, "
                    f"{_sealed_label(sealed)}) a disparu du registre : un acte publié doit rester en ligne "
                    "(L2131-1 CGCT).",
                    f"restaurez le fichier (git checkout HEAD -- {display_path(source_path)}, ou depuis "
                    "l'historique git) ; pour mettre fin à ses effets, publiez un acte qui l'abroge ou le retire.",
                    "integrity.deleted")


# The kind of file, with « scellé » agreed: « annexe scellée », « original signé scellé ».
ROLE_LABELS = {"annexe": "annexe scellée", "original": "original signé scellé"}


def _files(register: Register, sealed: SealedAct, act: Act, where: str) -> Iterable[Diagnostic]:
    for record in sealed.latest_files().values():
        if not record.chemin:
            continue
        label = ROLE_LABELS.get(record.role, record.role)
        line = act.line_of(f"annexes.{record.chemin}") if record.role == "annexe" else act.line_of("original")
        problem = check_inside(register.acts_root, record.chemin)
        if problem:
            yield error(where, line,
                        f"acte scellé {sealed.identifier} : {label} « {record.chemin} » : {problem}",
                        "restaurez le fichier scellé (git checkout HEAD -- acts/" + record.chemin + ") ; "
                        + RESTORE, "integrity.file_missing")
            continue
        try:
            digest = file_sha256(register.acts_root / record.chemin)
        except OSError as exc:
            yield error(where, line, f"acte scellé {sealed.identifier} : {label} « {record.chemin} » illisible "
                                     f"({exc.strerror}).", "vérifiez les droits du fichier.", "file.unreadable")
            continue
        if digest != record.sha256:
            yield error(where, line,
                        f"acte scellé {sealed.identifier} : {label} « {record.chemin} » : fichier remplacé après "
                        f"publication ({_sealed_label(sealed)}) : son empreinte SHA-256 a changé.",
                        "remettez le fichier scellé (git checkout, ou l'historique git) ; " + RESTORE,
                        "integrity.file_changed")
