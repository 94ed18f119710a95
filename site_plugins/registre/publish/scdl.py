"""SCDL « Délibérations » (OpenDataFrance, schema 2.1.5): ``donnees/deliberations.csv``.

One row per délibération online, columns in the order of the schema
(schema.data.gouv.fr ``scdl/deliberations``), UTF-8, comma separated,
quoted when needed, empty string for a missing value.  The Table Schema used
to validate the file is ``data/scdl-deliberations.schema.json``.

Choices where the register and the schema differ:

- ``DELIB_ID`` is the act's stable identifier (``deliberation-2025-4``), the one
  of its page address: unique across years whatever the numbering pattern.
- ``DELIB_MATIERE_CODE`` keeps the first two levels of ``matiere`` (the schema
  wants level 2); ``DELIB_MATIERE_NOM`` is « niveau1/niveau2 » of the ACTES
  nomenclature in accented lowercase (``data/nomenclature-actes.csv``).  A
  délibération whose matière lacks level 2 gets both cells empty, and
  ``registre check`` warns about it (rule ``matiere.level``).
- ``PREF_ID`` is ``PREF`` + département on three characters (PREF066) and
  ``PREF_DATE`` the transmission date, only for a délibération transmitted to
  the préfet.
- Votes: the acts record présents, votants, pour, contre, abstentions, not the
  number of councillors in office.  ``VOTE_REEL`` = votants (they cast the
  pour, contre and abstentions); ``VOTE_EFFECTIF`` (members able to take part
  in the vote) = the larger of présents and votants: votants when some absent
  members voted by proxy, présents when some present members did not take
  part.  This keeps the schema's checks VOTE_EFFECTIF ≥ VOTE_REEL and
  pour + contre + abstention = VOTE_REEL.
- ``BUDGET_ANNEE`` and ``BUDGET_NOM`` stay empty: the acts do not say.
- A free-text cell (:data:`TEXT_COLUMNS`) that a spreadsheet would run as a
  formula (first character ``=``, ``+``, ``-``, ``@``, tab or carriage
  return) gets a leading ``'``, as OWASP's « CSV injection » guidance says: an
  objet « =HYPERLINK(…) » or « -50 % sur les tarifs » is shown as text.  The
  other cells are identifiers, codes, dates, integers and the act's address,
  whose format cannot start with those characters: they are never altered (the
  vote counts are never negative).
"""

from __future__ import annotations

import csv
import io

from registre.domain.addresses import absolute
from registre.domain.lifecycle import is_rejected
from registre.domain.model import ActType, TransmissionStatus
from registre.domain.nomenclature import level2_code, lookup
from registre.domain.register import Register
from registre.site.presentation import ActView

SCDL_VERSION = "2.1.5"
COLUMNS = (
    "COLL_NOM", "COLL_SIRET", "DELIB_ID", "DELIB_DATE", "DELIB_MATIERE_CODE", "DELIB_MATIERE_NOM",
    "DELIB_OBJET", "BUDGET_ANNEE", "BUDGET_NOM", "PREF_ID", "PREF_DATE", "VOTE_EFFECTIF", "VOTE_REEL",
    "VOTE_POUR", "VOTE_CONTRE", "VOTE_ABSTENTION", "DELIB_URL",
)

# Cells written from what staff typed (the commune's name, the objet); the others follow a pattern.
TEXT_COLUMNS = ("COLL_NOM", "DELIB_MATIERE_NOM", "DELIB_OBJET", "BUDGET_NOM")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """``text`` as a cell no spreadsheet runs as a formula (OWASP: prefix with « ' »)."""
    return "'" + text if text.lstrip(" ").startswith(FORMULA_STARTS) else text


def pref_id(departement: str) -> str:
    """Préfecture exercising the contrôle de légalité: PREF066, PREF02A, PREF971."""
    return f"PREF{departement.rjust(3, '0')}" if departement else ""


def deliberation_rows(register: Register, site_url: str) -> list[dict[str, str]]:
    """The rows of the SCDL file, oldest séance first."""
    config = register.config
    # The SCDL lists adopted délibérations (DELIB_DATE is the « date d'adoption »): a rejected
    # one has no row there; actes.json and its page say « rejetée ».
    acts = sorted((a for a in register.online if a.type is ActType.DELIBERATION and not is_rejected(a)),
                  key=lambda a: (a.date, a.numero))
    rows = []
    for act in acts:
        view = ActView(act, register)
        code = level2_code(act.matiere)
        matiere = lookup(code) if code else None
        transmitted = act.transmission.status is TransmissionStatus.TRANSMIS
        vote = act.vote
        row = {
            "COLL_NOM": config.commune,
            "COLL_SIRET": config.siret,
            "DELIB_ID": act.identifier,
            "DELIB_DATE": act.date.isoformat(),
            "DELIB_MATIERE_CODE": code if matiere else "",
            "DELIB_MATIERE_NOM": matiere.scdl_name if matiere else "",
            "DELIB_OBJET": view.objet,
            "BUDGET_ANNEE": "",
            "BUDGET_NOM": "",
            "PREF_ID": pref_id(config.departement) if transmitted else "",
            "PREF_DATE": act.transmission.date.isoformat() if transmitted and act.transmission.date else "",
            "VOTE_EFFECTIF": str(max(vote.presents, vote.votants)) if vote else "",
            "VOTE_REEL": str(vote.votants) if vote else "",
            "VOTE_POUR": str(vote.pour) if vote else "",
            "VOTE_CONTRE": str(vote.contre) if vote else "",
            "VOTE_ABSTENTION": str(vote.abstentions) if vote else "",
            "DELIB_URL": absolute(site_url, view.url),
        }
        for column in TEXT_COLUMNS:
            row[column] = spreadsheet_safe(row[column])
        rows.append(row)
    return rows


def write_csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def scdl_csv(register: Register, site_url: str) -> bytes:
    return write_csv(deliberation_rows(register, site_url))
