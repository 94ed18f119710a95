"""Each rule of the validator with a failing and a passing act (issue 2).

Checks run the real domain code in-process (fast); a selection also runs the
real `registre check` and `mkdocs build` commands.
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import VALID_DECISION

from registre.build.load import load_register
from registre.domain.config import load_config

DELIB = """\
---
type: deliberation
numero: {numero}
date: {date}
objet: Tarifs de la cantine scolaire
signataire: {{prenom: Patrick, nom: PASCAL, qualite: Maire}}
matiere: "7.1"
vote: {{presents: 12, votants: 15, pour: 13, contre: 1, abstentions: 1}}
publication: {{date: {date}}}
transmission: {{date: {date}, ar: "066-216602284-{compact}-DEL{numero:02d}-DE"}}
{extra}---

Le conseil municipal, après en avoir délibéré, fixe les tarifs.
"""

ARRETE_INDIVIDUEL = """\
---
type: arrete
numero: 1
date: 2025-03-03
objet: Permission de voirie pour un échafaudage
portee: individuel
signataire: {prenom: Patrick, nom: PASCAL, qualite: Maire}
matiere: "6.1"
notification: {date: 2025-03-05}
publication: {date: 2025-03-10}
transmission: {date: 2025-03-04, ar: "066-216602284-20250303-ARR01-AI"}
---

Le maire autorise l'entreprise Bâti-Sud à installer un échafaudage.
"""


def delib(numero: int = 1, day: str = "2025-04-10", extra: str = "") -> str:
    return DELIB.format(numero=numero, date=day, compact=day.replace("-", ""), extra=extra)


def check(project):
    config = load_config(project.root / "mkdocs.yml")
    register = load_register(project.acts, config)
    # These registers have no séance file: the reminder for each délibération (seance.missing) is
    # tested in test_seances_rules.
    register.diagnostics = [d for d in register.diagnostics if d.code != "seance.missing"]
    return register


def codes(register, severity: str | None = None) -> set[str]:
    return {d.code for d in register.diagnostics if severity is None or d.severity.value == severity}


def test_valid_decision_passes(project):
    project.add("2025/decision-2025-11.md", VALID_DECISION)
    register = check(project)
    assert register.diagnostics == []
    assert [a.identifier for a in register.acts] == ["decision-2025-11"]


# (mutation of the valid décision, expected error code, text expected in the message)
DECISION_ERRORS = [
    ("type: decision", "type: decisoin", "type.unknown", "vouliez-vous dire « decision »"),
    ("numero: 11", "numero: 011", "value.leading_zero", "zéro"),
    ("numero: 11\n", "", "numero.missing", "numéro"),
    ("date: 2025-05-30", "date: 2025-02-30", "date.impossible", "n'existe pas"),
    ("date: 2025-05-30", "date: 30/05/2025", "date.format", "AAAA-MM-JJ"),
    ("objet: Convention ENT-école 2025-2026\n", "", "objet.missing", "objet"),
    ("signataire: {prenom: Patrick, nom: PASCAL, qualite: Maire}\n", "", "signataire.missing", "signataire"),
    ("{prenom: Patrick, nom: PASCAL, qualite: Maire}", "{prenom: Patrick, nom: PASCAL}",
     "signataire.incomplete", "qualite"),
    ("delegation: {deliberation: 2020-06-11, alinea: 4}\n", "", "delegation.missing", "L2122-22"),
    ("alinea: 4", "alinea: 31", "delegation.alinea", "29"),
    ("publication: {date: 2025-06-02}\n", "", "publication.missing", "R2131-1"),
    ("publication: {date: 2025-06-02}", "publication: {date: 2025-05-01}", "dates.order", "avant la date"),
    ("transmission: {date: 2025-06-02, ar: \"066-216602284-20250530-DEC2025_11-AU\"}\n", "",
     "transmission.missing", "transmission"),
    ("transmission: {date: 2025-06-02,", "transmission: {date: 2025-05-29,", "dates.order", "avant la date"),
    ("066-216602284-20250530-DEC2025_11-AU", "066-21660228-20250530-DEC2025_11-AU", "transmission.ar", "mal formé"),
    ("066-216602284-20250530-DEC2025_11-AU", "066-216602285-20250530-DEC2025_11-AU", "transmission.ar", "SIREN"),
    ("066-216602284-20250530-DEC2025_11-AU", "034-216602284-20250530-DEC2025_11-AU", "transmission.ar",
     "département"),
    ("066-216602284-20250530-DEC2025_11-AU", "066-216602284-20250531-DEC2025_11-AU", "transmission.ar",
     "n'est pas celle"),
    ("066-216602284-20250530-DEC2025_11-AU", "066-216602284-20250530-DEC2025_11-XX", "transmission.ar", "nature"),
    ("transmission: {date: 2025-06-02, ar: \"066-216602284-20250530-DEC2025_11-AU\"}",
     "transmission: {date: 2025-06-02}", "transmission.incomplete", "ar"),
    ("transmission: {date: 2025-06-02, ar: \"066-216602284-20250530-DEC2025_11-AU\"}",
     "transmission: {en_attente: true, non_requise: x}", "transmission.form", "une seule"),
    ("publication:", "publicaton:", "key.unknown", "vouliez-vous dire « publication »"),
    ("matiere: \"8.1\"", "matiere: \"8.1\"\nmatiere: \"8.2\"", "key.duplicate", "deux fois"),
    ("objet: Convention ENT-école 2025-2026", "objet: Convention <b>ENT</b>", "value.html", "HTML"),
]


@pytest.mark.parametrize("old,new,code,text", DECISION_ERRORS, ids=[c[2] + ":" + c[1][:25] for c in DECISION_ERRORS])
def test_decision_error(project, old, new, code, text):
    assert old in VALID_DECISION
    path = project.add("2025/decision-2025-11.md", VALID_DECISION.replace(old, new, 1))
    register = check(project)
    errors = [d for d in register.diagnostics if d.is_error]
    assert code in {d.code for d in errors}, register.diagnostics
    matching = [d for d in errors if d.code == code]
    assert any(text in d.message or text in d.fix for d in matching), matching
    assert all(d.path.endswith("decision-2025-11.md") and d.line >= 1 for d in errors)
    assert path.read_text(encoding="utf-8")  # nothing lost


def test_error_names_the_line(project):
    project.add("2025/decision-2025-11.md", VALID_DECISION.replace("date: 2025-05-30", "date: 2025-02-30"))
    diag = next(d for d in check(project).diagnostics if d.code == "date.impossible")
    assert diag.line == 4
    assert diag.format().startswith(f"{diag.path}:4: erreur: ")
    assert "Correction :" in diag.format()


def test_all_problems_reported_at_once(project):
    bad = (VALID_DECISION.replace("date: 2025-05-30", "date: 2025-02-30")
           .replace("publication:", "publicaton:")
           .replace("delegation: {deliberation: 2020-06-11, alinea: 4}\n", ""))
    project.add("2025/decision-2025-11.md", bad)
    assert {"date.impossible", "key.unknown", "delegation.missing"} <= codes(check(project), "erreur")


def test_arrete_requires_portee_and_individual_requires_notification(project):
    project.add("2025/arrete-2025-1.md", ARRETE_INDIVIDUEL)
    assert check(project).diagnostics == []
    project.add("2025/arrete-2025-1.md", ARRETE_INDIVIDUEL.replace("portee: individuel\n", ""))
    assert "portee.missing" in codes(check(project), "erreur")
    project.add("2025/arrete-2025-1.md", ARRETE_INDIVIDUEL.replace("notification: {date: 2025-03-05}\n", ""))
    assert "notification.missing" in codes(check(project), "erreur")


def test_vote_sums(project):
    project.add("2025/deliberation-2025-1.md", delib())
    assert check(project).diagnostics == []
    project.add("2025/deliberation-2025-1.md", delib().replace("pour: 13", "pour: 12"))
    assert "vote.sum" in codes(check(project), "erreur")
    project.add("2025/deliberation-2025-1.md", delib().replace("presents: 12", "presents: 7"))
    assert "vote.proxies" in codes(check(project), "erreur")


def test_duplicate_number_names_both_files(project):
    project.add("2025/deliberation-2025-1.md", delib())
    project.add("2025/deliberation-2025-1-bis.md", delib())
    dups = [d for d in check(project).diagnostics if d.code == "numero.duplicate"]
    assert len(dups) == 2
    assert "deliberation-2025-1-bis.md" in dups[0].message + dups[1].message


def test_gap_and_order_are_warnings(project):
    project.add("2025/deliberation-2025-1.md", delib(1, "2025-04-10"))
    project.add("2025/deliberation-2025-2.md", delib(2, "2025-04-10"))
    assert check(project).diagnostics == []
    project.add("2025/deliberation-2025-4.md", delib(4, "2025-03-01"))
    register = check(project)
    assert register.ok
    gap = next(d for d in register.diagnostics if d.code == "numero.gap")
    assert "n°3" in gap.message and gap.severity.value == "avertissement"
    assert "numero.order" in codes(register, "avertissement")


def test_first_number_of_the_register(project):
    """The config says décisions of 2025 start at 11: no gap below it."""
    project.add("2025/decision-2025-11.md", VALID_DECISION)
    assert "numero.gap" not in codes(check(project))
    project.write_config((project.root / "mkdocs.yml").read_text().replace("2025: 11", "2025: 1"))
    gap = next(d for d in check(project).diagnostics if d.code == "numero.gap")
    assert "n°1 à 10" in gap.message


def test_annex_must_exist_inside_acts(project):
    text = VALID_DECISION.replace("---\n\n#", "annexes:\n  - {fichier: convention.pdf, titre: Convention}\n---\n\n#")
    project.add("2025/decision-2025-11.md", text)
    assert "annexe.missing" in codes(check(project), "erreur")
    project.add_bytes("2025/convention.pdf", b"%PDF-1.4\n%%EOF\n")
    assert check(project).diagnostics == []
    project.add("2025/decision-2025-11.md", text.replace("convention.pdf", "../../secret.pdf"))
    assert "path.outside" in codes(check(project), "erreur")


def test_recours_mention(project):
    custom = VALID_DECISION.replace("---\n\n#", "recours: Recours possible.\n---\n\n#")
    project.add("2025/decision-2025-11.md", custom)
    assert "recours.incomplete" in codes(check(project), "erreur")
    good = custom.replace("Recours possible.", "Recours devant le tribunal administratif de Montpellier "
                                               "dans un délai de deux mois à compter de sa publication.")
    project.add("2025/decision-2025-11.md", good)
    assert check(project).diagnostics == []


def test_transmission_en_attente_warns_after_15_days(project):
    pending = VALID_DECISION.replace(
        'transmission: {date: 2025-06-02, ar: "066-216602284-20250530-DEC2025_11-AU"}',
        "transmission: {en_attente: true}")
    project.add("2025/decision-2025-11.md", pending)
    project.write_config(today="2025-06-10")
    assert "transmission.late" not in codes(check(project))
    project.write_config(today="2025-06-20")
    assert "transmission.late" in codes(check(project), "avertissement")


def test_donne_acte_missed_pending_and_reported(project):
    project.add("2025/decision-2025-11.md", VALID_DECISION)
    project.add("2025/deliberation-2025-1.md", delib(1, "2025-07-03"))
    register = check(project)
    assert "donne_acte.missed" in codes(register, "avertissement")
    assert [a.identifier for a in register.donne_acte.pending] == ["decision-2025-11"]
    project.add("2025/deliberation-2025-1.md", delib(1, "2025-07-03", extra="donne_acte: [decision-2025-11]\n"))
    register = check(project)
    assert register.diagnostics == []
    assert register.donne_acte.pending == []
    assert [a.identifier for a in register.donne_acte.reported[date(2025, 7, 3)]] == ["decision-2025-11"]


def test_donne_acte_must_cite_an_existing_decision(project):
    project.add("2025/deliberation-2025-1.md", delib(1, "2025-07-03", extra="donne_acte: [decision-2025-99]\n"))
    assert "reference.unknown" in codes(check(project), "erreur")


def test_cli_check_text_and_exit_code(project):
    project.add("2025/decision-2025-11.md", VALID_DECISION)
    ok = project.registre("check", "acts")
    assert ok.returncode == 0, ok.stderr
    project.add("2025/decision-2025-11.md", VALID_DECISION.replace("date: 2025-05-30", "date: 2025-02-30"))
    bad = project.registre("check", "acts")
    assert bad.returncode == 1
    assert "acts/2025/decision-2025-11.md:4: erreur:" in bad.stdout
    assert "Traceback" not in bad.stdout + bad.stderr


def test_strict_build_fails_on_warnings(project):
    project.add("2025/deliberation-2025-1.md", delib(1))
    project.add("2025/deliberation-2025-3.md", delib(3))  # gap: warning
    assert project.build().returncode == 0
    strict = project.build("--strict")
    assert strict.returncode != 0
    assert "numérotation" in strict.stdout + strict.stderr
