"""How a failed MkDocs build ends: a French line after MkDocs's English abort message.

MkDocs-specific (its counting log handler, its messages), hence in the adapter.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import sys

from mkdocs import utils as mkdocs_utils
from mkdocs.config.defaults import MkDocsConfig

from registre.domain.plurals import counted


def _french_count(english: str) -> str:
    """« 1 warning », « 3 warnings », « 2 errors » as MkDocs writes them, in French."""
    match = re.fullmatch(r"\s*(\d+) (warning|error)s?\s*", english)
    if not match:
        return english
    return counted(int(match.group(1)), "avertissement" if match.group(2) == "warning" else "erreur")


def strict_failure(config: MkDocsConfig) -> bool:
    """Whether MkDocs will abort this build after on_post_build (``--strict`` and warnings logged)."""
    if not config.strict:
        return False
    return any(isinstance(h, mkdocs_utils.CountHandler) and h.get_counts()  # ProperDocs counts on its own logger
               for name in ("mkdocs", "properdocs") for h in logging.getLogger(name).handlers)


_explained = False


def explain_failure(error: BaseException, *, kept: bool) -> None:
    """A French line after MkDocs's English abort message (« Aborted with … »), printed when the
    command exits; a system error (full disk, read-only folder) in French, without a traceback."""
    global _explained
    site = ("le site précédent est conservé tel quel" if kept else "aucun site n'a été écrit")
    if isinstance(error, OSError):
        what = error.strerror or str(error)
        where = f" ({error.filename})" if error.filename else ""
        line = (f"registre : construction interrompue : erreur du système{where} : {what} ; {site}. Correction : "
                "libérez de l'espace disque, vérifiez les droits d'écriture du dossier du site et du dossier "
                ".cache/, puis relancez mkdocs build.")
        previous = sys.excepthook

        def hook(kind, value, traceback):
            if value is not error:
                previous(kind, value, traceback)
                return
            print(line, file=sys.stderr)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(1)  # now: the interpreter's shutdown would print MkDocs's own objects failing to close
        sys.excepthook = hook
        return
    text = str(error)
    if "strict mode" in text:
        count = _french_count(text.split("Aborted with ", 1)[-1].split(" in strict mode", 1)[0])
        line = (f"registre : construction refusée en mode strict (--strict) : {count} ; {site}. Correction : "
                "corrigez les avertissements ci-dessus (registre check les liste aussi), ou construisez sans "
                "--strict.")
    else:
        line = (f"registre : construction interrompue par l'erreur ci-dessus ; {site}, rien n'a été publié. "
                "Correction : corrigez cette erreur (registre check liste celles du registre), puis relancez.")
    if not _explained:
        _explained = True
        atexit.register(lambda: print(line, file=sys.stderr, flush=True))
