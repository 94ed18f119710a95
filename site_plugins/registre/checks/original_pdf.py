"""The signed original shipped with an act (``original: fichier.pdf``) must be a readable PDF.

The site offers that file unchanged, next to the PDF/A the build generates
(:mod:`registre.publish.pdf`); a file a citizen cannot open would publish nothing.
Existence, place (inside ``acts/``) and the ``.pdf`` extension are checked by
:func:`registre.checks.rules.rule_files`; this rule opens the file with pypdf.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterable

from registre.domain.diagnostics import Diagnostic, error, warning
from registre.domain.paths import check_inside
from registre.domain.register import Register

PDF_MAGIC = b"%PDF-"


def read_problem(path: Path) -> tuple[str, str, bool] | None:
    """(message, fix, blocking) when ``path`` is not a readable PDF, else None."""
    from pypdf import PdfReader

    with open(path, "rb") as handle:
        head = handle.read(1024)
    if PDF_MAGIC not in head:
        return ("ce fichier n'est pas un PDF (il ne commence pas par « %PDF- »)",
                "exportez ou numérisez l'acte signé au format PDF, puis remplacez le fichier.", True)
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.CRITICAL)  # its warnings on slightly damaged files are not ours to print
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return ("le PDF est protégé par un mot de passe : personne ne pourrait l'ouvrir",
                    "enregistrez le PDF sans mot de passe ni chiffrement.", True)
        pages = len(reader.pages)
        if pages == 0:
            return ("le PDF ne contient aucune page", "remplacez-le par le PDF complet de l'acte signé.", True)
        reader.pages[0].mediabox  # noqa: B018 - reading the first page proves the page tree is sound
        if reader.is_encrypted:
            return ("le PDF est chiffré (restrictions d'usage) : il s'ouvre, mais les logiciels d'archivage "
                    "le refusent", "enregistrez le PDF sans chiffrement ni restriction.", False)
    except Exception as exc:  # pypdf raises many kinds of errors on damaged files
        detail = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
        return (f"PDF illisible ou endommagé ({detail})",
                "ouvrez le fichier dans un lecteur PDF ; s'il est abîmé, numérisez ou exportez à nouveau l'acte signé.",
                True)
    finally:
        pypdf_log.setLevel(level)
    return None


def rule_original_pdf(register: Register) -> Iterable[Diagnostic]:
    for act in register.acts:
        if not act.original or not act.original.lower().endswith(".pdf"):
            continue
        if check_inside(register.acts_root, act.original):
            continue  # missing or outside acts/: reported by rule_files
        problem = read_problem(register.acts_root / act.original)
        if problem:
            message, fix, blocking = problem
            make = error if blocking else warning
            yield make(register.shown(act), act.line_of("original"),
                       f"original « {act.original} » : {message}.", fix, "original.unreadable")
