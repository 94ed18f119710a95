"""``registre seal``: inscribe the acts newly published in the sealed register.

The only writer of ``acts/registre.lock`` (see :mod:`registre.seal.ledger`).  It
appends one ``scellement`` line per act online and not yet sealed, and one
``complement`` line per sealed act completed since (transmission received,
note or donné acte added, new published file).  Then one ``seance`` line per
séance whose liste des délibérations or procès-verbal is online and not yet
sealed, and one ``complement`` line per sealed séance with a part newly
online or a new version of its PDFs (:mod:`registre.seal.seance_ledger`).
Nothing is sealed before its publication date.  It never rewrites a line,
and refuses to seal a register that has errors.
"""

from __future__ import annotations

import argparse
import sys
from typing import Callable, Iterable

from registre.build.load import load_register
from registre.checks.integrity import ledger_path
from registre.cli.common import add_config_argument, resolve
from registre.domain.diagnostics import format_text, has_errors, summary
from registre.domain.lifecycle import is_online
from registre.domain.paths import display_path
from registre.domain.plurals import counted
from registre.publish.seance_files import seance_file_records
from registre.publish.steps import SEALED_FILE_PROVIDERS
from registre.seal.ledger import (
    FileProvider,
    LedgerWriteError,
    append_entries,
    complement_payload,
    read_ledger,
    seal_payload,
)
from registre.seal.seance_ledger import describe, seance_complement, seance_payload
from registre.seal.seance_ledger import is_online as seance_online

NAME = "seal"
HELP = "sceller les actes publiés : les inscrire au registre d'intégrité acts/registre.lock (CI)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--essai", "--dry-run", dest="dry_run", action="store_true",
                        help="afficher ce qui serait scellé, sans rien écrire")
    add_config_argument(parser)


def pending_payloads(register, ledger, providers: Iterable[FileProvider] = SEALED_FILE_PROVIDERS,
                     seance_records: Callable[[object], dict] = seance_file_records
                     ) -> tuple[list[dict], list[str]]:
    """(lines to append, French description of each); ``providers``: the files the build publishes
    with an act beside its annexes and original (its PDF/A); ``seance_records``: register →
    séance identifier → the files it publishes (PDF/A of the liste and of the PV, signed PV)."""
    sealed_on = register.today.isoformat()
    payloads, described = [], []
    online = sorted((a for a in register.acts if is_online(a, register.today)),
                    key=lambda a: (a.publication, a.date, a.type.value, a.numero))
    for act in online:
        sealed = ledger.acts.get(act.identifier)
        if sealed is None:
            payloads.append(seal_payload(act, register, sealed_on, providers))
            described.append(f"{act.identifier} : scellé (publié le {act.publication.isoformat()})")
            continue
        complement = complement_payload(sealed, act, register, sealed_on, providers)
        if complement:
            parts = list(complement.get("suivi", {}))
            parts += [f"fichier {f.get('publie') or f.get('chemin')}" for f in complement.get("fichiers", [])]
            payloads.append(complement)
            described.append(f"{act.identifier} : complément scellé ({', '.join(parts)})")
    payloads_seances = seance_payloads(register, ledger, seance_records)
    payloads += payloads_seances
    described += [describe(p) for p in payloads_seances]
    return payloads, described


def seance_payloads(register, ledger, seance_records: Callable[[object], dict] = seance_file_records) -> list[dict]:
    """The lines of the séances with a document online: new ones, then complements, by date."""
    sealed_on = register.today.isoformat()
    payloads = []
    records = None
    for seance in sorted(register.seances, key=lambda s: s.date):
        if seance.date > register.today:
            continue
        sealed = ledger.seances.get(seance.identifier)
        if sealed is None and not seance_online(seance, register.today):
            continue
        if records is None:
            records = seance_records(register)  # renders the séances' PDFs, once
        files = records.get(seance.identifier, [])
        payload = (seance_payload(seance, register.today, sealed_on, files) if sealed is None
                   else seance_complement(sealed, seance, register.today, sealed_on, files))
        if payload:
            payloads.append(payload)
    return payloads


def run(args: argparse.Namespace) -> int:
    config, _, acts_root = resolve(args)
    register = load_register(acts_root, config)
    errors = [d for d in register.diagnostics if d.is_error]
    if has_errors(register.diagnostics):
        print(format_text(errors))
        print(f"registre seal : rien n'a été scellé : le registre a des erreurs ({summary(register.diagnostics)}). "
              "Corrigez-les (registre check les liste), puis relancez « registre seal ».", file=sys.stderr)
        return 1
    path = ledger_path(register)
    ledger = read_ledger(path)
    payloads, described = pending_payloads(register, ledger)
    shown = display_path(path)
    if not payloads:
        acts = ("l'acte publié est déjà inscrit" if len(ledger.acts) == 1
                else f"les {len(ledger.acts)} actes publiés sont déjà inscrits")
        if ledger.seances:
            acts = acts.replace(" est déjà inscrit", "").replace(" sont déjà inscrits", "")
            seances = ("la séance" if len(ledger.seances) == 1 else f"les {len(ledger.seances)} séances")
            acts += f" et {seances} en ligne sont déjà {'inscrits' if len(ledger.acts) + len(ledger.seances) > 1 else 'inscrit'}"
        print(f"Rien à sceller : {acts} dans {shown}.")
        return 0
    for line in described:
        print(("à sceller : " if args.dry_run else "") + line)
    if args.dry_run:
        print(f"{counted(len(payloads), 'ligne')} {'serait ajoutée' if len(payloads) < 2 else 'seraient ajoutées'} à {shown} (essai : rien n'a été écrit).",
              file=sys.stderr)
        return 0
    try:
        added = append_entries(ledger, payloads)
    except (LedgerWriteError, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        print(f"registre seal : erreur : écriture de {shown} impossible ({reason}) ; le fichier n'a pas été "
              "modifié. Correction : vérifiez les droits du dossier acts/, puis relancez.", file=sys.stderr)
        return 1
    print(f"{counted(added, 'ligne ajoutée')} à {shown}. Enregistrez-le : git add {shown} && git commit",
          file=sys.stderr)
    return 0
