"""Issue 15, part 4: delegations last for a mandate, transmission on paper, modes of publicity of
communes under 3,500 inhabitants (L2122-22, L2131-1 IV CGCT).

Each rule has a failing and a passing case, checked in-process on the real domain code; the act page
(paper transmission, affichage) and `registre new decision` run through the real commands.  Expected
dates are worked out by hand in the comments, never computed by the code under test.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import MKDOCS_YML, VALID_DECISION, assert_ok
from pypdf import PdfReader
from test_site import text_of

from registre.build.load import load_register
from registre.domain.config import load_config
from registre.domain.lifecycle import executory_date, made_known
from registre.domain.model import TransmissionMode, TransmissionStatus
from registre.domain.recours import last_day_of_recours

# -- helpers ---------------------------------------------------------------------------------


def configure(project, extra: str = "", today: str = "2025-12-15") -> None:
    """The test mkdocs.yml with ``extra`` lines (already indented by six spaces) in the registre block."""
    text = MKDOCS_YML.format(today=today)
    text = text.replace("      tribunal:\n", extra + "      tribunal:\n", 1)
    project.write_config(text)


def check(project):
    return load_register(project.acts, load_config(project.root / "mkdocs.yml"))


def errors(register, code: str):
    return [d for d in register.diagnostics if d.code == code and d.is_error]


def line_of(text: str, start: str) -> int:
    """1-based line of the file starting with ``start`` (counted on the text we wrote)."""
    return next(i for i, line in enumerate(text.split("\n"), 1) if line.startswith(start))


DECISION = """\
---
type: decision
numero: {numero}
date: {date}
objet: Location d'un local communal
signataire: {{prenom: Patrick, nom: PASCAL, qualite: Maire}}
matiere: "3.3"
delegation: {{deliberation: {deleg}, alinea: 5}}
publication: {{date: {date}}}
transmission: {{date: {date}, ar: "066-216602284-{compact}-DEC{numero}-AU"}}
---

Le maire décide de louer le local.
"""


def decision(numero: int, day: str, deleg: str) -> str:
    return DECISION.format(numero=numero, date=day, deleg=deleg, compact=day.replace("-", ""))


DELEGATION_DELIB = """\
---
type: deliberation
numero: {numero}
date: {date}
objet: Délégations d'attributions du conseil municipal au maire (article L2122-22 du CGCT)
signataire: {{prenom: Anne, nom: DUVAL, qualite: Maire}}
matiere: "5.4"
vote: {{presents: 15, votants: 15, pour: 15, contre: 0, abstentions: 0}}
publication: {{date: {date}}}
transmission: {{date: {date}, ar: "066-216602284-{compact}-DEL{numero}-DE"}}
---

Le conseil municipal délègue au maire, pour la durée de son mandat, les attributions suivantes.
"""


def delegation_delib(numero: int, day: str) -> str:
    return DELEGATION_DELIB.format(numero=numero, date=day, compact=day.replace("-", ""))


MANDATS = "      mandats: [2020-05-23, 2026-03-28]\n"
TODAY_2026 = "2026-06-15"


# -- 1. delegations last for a mandate (L2122-22) -----------------------------------------------

def test_decision_citing_a_delegation_of_the_previous_mandate_is_an_error(project):
    configure(project, MANDATS, today=TODAY_2026)
    # Décision of 20 April 2026: the council installed on 28 March 2026 is in office; the délibération
    # of 11 June 2020 belongs to the mandate installed on 23 May 2020, which ended on 27 March 2026.
    text = decision(1, "2026-04-20", "2020-06-11")
    project.add("2026/decision-2026-1.md", text)
    found = errors(check(project), "delegation.mandat")
    assert len(found) == 1, found
    diag = found[0]
    assert diag.path.endswith("acts/2026/decision-2026-1.md")
    assert diag.line == line_of(text, "delegation:") == 8
    assert "11 juin 2020" in diag.message and "28 mars 2026" in diag.message and "mandat" in diag.message
    assert "Correction" in diag.format() and "deliberation: AAAA-MM-JJ" in diag.fix


def test_the_fix_names_the_delegation_of_the_current_mandate_found_in_the_register(project):
    configure(project, MANDATS, today=TODAY_2026)
    project.add("2026/deliberation-2026-1.md", delegation_delib(1, "2026-04-02"))
    project.add("2026/decision-2026-1.md", decision(1, "2026-04-20", "2020-06-11"))
    (diag,) = errors(check(project), "delegation.mandat")
    assert "2 avril 2026" in diag.fix and "deliberation: 2026-04-02" in diag.fix, diag.fix


@pytest.mark.parametrize("day,deleg", [
    ("2026-04-20", "2026-04-02"),  # new mandate, délégation voted by the new council
    ("2026-04-20", "2026-03-28"),  # délégation voted at the installation séance itself (same day)
    ("2025-05-30", "2020-06-11"),  # previous mandate, in force on 30 May 2025
    ("2026-03-27", "2020-06-11"),  # last day of the previous mandate (the next installation is 28 March)
])
def test_decision_citing_a_delegation_of_its_own_mandate_passes(project, day, deleg):
    configure(project, MANDATS, today=TODAY_2026)
    project.add(f"{day[:4]}/decision-{day[:4]}-1.md", decision(1, day, deleg))
    register = check(project)
    assert not errors(register, "delegation.mandat"), register.diagnostics
    assert [d for d in register.diagnostics if d.is_error] == []


def test_delegation_before_the_first_installation_listed_is_an_error(project):
    configure(project, MANDATS, today=TODAY_2026)
    # 30 May 2025 is in the mandate installed on 23 May 2020; a délibération of 10 January 2019 is older.
    project.add("2025/decision-2025-1.md", decision(1, "2025-05-30", "2019-01-10"))
    assert len(errors(check(project), "delegation.mandat")) == 1


def test_without_mandats_nothing_changes(project):
    configure(project, "", today=TODAY_2026)
    project.add("2026/decision-2026-1.md", decision(1, "2026-04-20", "2020-06-11"))
    register = check(project)
    assert [d for d in register.diagnostics if d.is_error] == [], register.diagnostics


def test_a_delegation_after_the_decision_stays_the_order_error_only(project):
    configure(project, MANDATS, today=TODAY_2026)
    project.add("2026/decision-2026-1.md", decision(1, "2026-04-20", "2026-05-02"))
    register = check(project)
    assert errors(register, "delegation.order") and not errors(register, "delegation.mandat")


def _new_decision(project, day: str) -> str:
    result = project.registre("new", "decision", "--date", day)
    assert_ok(result)
    return (project.root / result.stdout.strip()).read_text(encoding="utf-8")


def test_registre_new_decision_proposes_the_current_mandate_delegation(project):
    configure(project, MANDATS, today=TODAY_2026)
    # The register: a décision of the old mandate citing 11 June 2020, then the new council's
    # délibération of delegation of 2 April 2026.  On 20 April 2026 the proposal is 2 April 2026.
    project.add("2026/decision-2026-1.md", decision(1, "2026-03-10", "2020-06-11"))
    project.add("2026/deliberation-2026-1.md", delegation_delib(1, "2026-04-02"))
    text = _new_decision(project, "2026-04-20")
    assert re.search(r"^  deliberation: 2026-04-02 ", text, re.M), text
    assert "délibération n°1/2026" in text


def test_registre_new_decision_leaves_the_delegation_to_complete_when_the_mandate_has_none(project):
    configure(project, MANDATS, today=TODAY_2026)
    project.add("2026/decision-2026-1.md", decision(1, "2026-03-10", "2020-06-11"))
    text = _new_decision(project, "2026-04-20")
    line = next(l for l in text.split("\n") if l.startswith("  deliberation:"))
    assert "2020-06-11" not in line
    assert "À COMPLÉTER" in line and "conseil installé le 28 mars 2026" in line
    # The file is refused until completed.
    assert project.registre("check").returncode != 0


def test_registre_new_decision_does_not_propose_a_rejected_delegation(project):
    """The council rejected the délégation of 2 April 2026 (4 pour, 11 contre); a décision cited it
    anyway (an error of its own).  On 20 April the proposal is not that date: nothing of the new
    mandate is left to propose."""
    configure(project, MANDATS, today=TODAY_2026)
    rejected = delegation_delib(1, "2026-04-02").replace("pour: 15, contre: 0", "pour: 4, contre: 11")
    project.add("2026/deliberation-2026-1.md", rejected)
    project.add("2026/decision-2026-1.md", decision(1, "2026-04-10", "2026-04-02"))
    assert errors(check(project), "delegation.rejetee")
    text = _new_decision(project, "2026-04-20")
    line = next(l for l in text.split("\n") if l.startswith("  deliberation:"))
    assert "2026-04-02" not in line and "À COMPLÉTER" in line


def test_registre_new_decision_without_mandats_takes_the_last_decision(project):
    configure(project, "", today=TODAY_2026)
    project.add("2026/decision-2026-1.md", decision(1, "2026-03-10", "2020-06-11"))
    text = _new_decision(project, "2026-04-20")
    assert re.search(r"^  deliberation: 2020-06-11 ", text, re.M), text


# -- 2. transmission on paper ------------------------------------------------------------------

PAPER = VALID_DECISION.replace('transmission: {date: 2025-06-02, ar: "066-216602284-20250530-DEC2025_11-AU"}',
                               "transmission: {date: 2025-06-04, mode: papier}")


def test_paper_transmission_is_valid_and_modelled(project):
    assert "mode: papier" in PAPER
    project.add("2025/decision-2025-11.md", PAPER)
    register = check(project)
    assert register.diagnostics == []
    (act,) = register.acts
    assert act.transmission.status is TransmissionStatus.TRANSMIS
    assert act.transmission.mode is TransmissionMode.PAPIER and act.transmission.ar is None
    # Publication 2 June 2025, paper receipt at the préfecture 4 June 2025: executory on the later, 4 June.
    assert str(executory_date(act)) == "2025-06-04"


@pytest.mark.parametrize("transmission,code,line_start", [
    ('{date: 2025-06-04, mode: papier, ar: "066-216602284-20250530-DEC2025_11-AU"}', "transmission.paper_ar",
     "transmission:"),
    ("{mode: papier}", "transmission.incomplete", "transmission:"),
    ("{date: 2025-06-04, mode: courrier}", "transmission.mode", "transmission:"),
    ("{date: 2025-06-04, mode: papier, en_attente: true}", "transmission.form", "transmission:"),
])
def test_paper_transmission_errors(project, transmission, code, line_start):
    text = VALID_DECISION.replace('{date: 2025-06-02, ar: "066-216602284-20250530-DEC2025_11-AU"}', transmission)
    project.add("2025/decision-2025-11.md", text)
    found = errors(check(project), code)
    assert found, check(project).diagnostics
    assert found[0].line == line_of(text, line_start) and found[0].fix


def test_paper_transmission_on_the_act_page_pdf_and_export(project):
    configure(project)
    project.add("2025/decision-2025-11.md", PAPER)
    assert_ok(project.build())
    page = text_of(project.page("actes/decision-2025-11/"))
    assert "transmis au représentant de l'État sur papier, reçu le 4 juin 2025" in page
    assert "accusé de réception papier de la préfecture" in page
    assert "Exécutoire depuis le 4 juin 2025" in page
    pdf = next((project.site / "actes" / "decision-2025-11").glob("*.pdf"))
    pdf_text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages)
    assert "transmis au représentant de l'État sur papier, reçu le 4 juin 2025" in pdf_text
    assert "exécutoire depuis le 4 juin 2025" in pdf_text
    records = json.loads((project.site / "donnees" / "actes.json").read_text(encoding="utf-8"))
    record = next(r for r in (records["actes"] if isinstance(records, dict) else records)
                  if r["identifiant"] == "decision-2025-11")
    assert record["transmission"]["mode"] == "papier" and record["transmission"]["date"] == "2025-06-04"
    assert record["transmission"]["accuse_reception"] is None and record["executoire_le"] == "2025-06-04"


# -- 3. modes of publicity under 3,500 inhabitants (L2131-1 IV) -----------------------------------

AFFICHAGE = "      habitants: 1500\n      publicite: {mode: affichage, deliberation: 2022-06-30}\n"
PAPIER = "      habitants: 1500\n      publicite: {mode: papier, deliberation: 2022-06-30}\n"

DELIB = """\
---
type: deliberation
numero: 1
date: 2025-04-10
objet: Tarifs de la cantine scolaire
signataire: {prenom: Patrick, nom: PASCAL, qualite: Maire}
matiere: "7.1"
vote: {presents: 12, votants: 15, pour: 13, contre: 1, abstentions: 1}
publication: {date: 2025-04-12}
transmission: {date: 2025-04-11, ar: "066-216602284-20250410-DEL01-DE"}
---

Le conseil municipal, après en avoir délibéré, fixe les tarifs.
"""
WITH_AFFICHAGE = DELIB.replace("publication: {date: 2025-04-12}\n",
                               "publication: {date: 2025-04-12}\naffichage: {date: 2025-04-14}\n")
WITH_PAPIER = DELIB.replace("publication: {date: 2025-04-12}", "publication: {date: 2025-04-12, mode: papier}")


@pytest.mark.parametrize("habitants", ["      habitants: 3500\n", "      habitants: 12000\n", ""])
def test_affichage_is_refused_at_or_above_3500_inhabitants_or_without_the_population(project, habitants):
    configure(project, habitants + "      publicite: {mode: affichage, deliberation: 2022-06-30}\n")
    project.add("2025/deliberation-2025-1.md", WITH_AFFICHAGE)
    result = project.registre("check")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    config_line = line_of((project.root / "mkdocs.yml").read_text(encoding="utf-8"), "      publicite:")
    assert f"mkdocs.yml:{config_line}: erreur" in output, output
    assert "3 500 habitants" in output and "Correction" in output
    assert ("habitants: 1500" in output) if not habitants else ("12000" in output or "3500" in output)


def test_affichage_under_3500_inhabitants_is_accepted(project):
    configure(project, AFFICHAGE)
    project.add("2025/deliberation-2025-1.md", WITH_AFFICHAGE)
    register = check(project)
    assert [d for d in register.diagnostics if d.is_error] == [], register.diagnostics
    (act,) = register.acts
    # Affichage on 14 April 2025, transmission on 11 April: made known on the 14th, executory on the 14th.
    assert str(made_known(act)) == "2025-04-14" and str(executory_date(act)) == "2025-04-14"
    # Recours: 14 April + 2 months = 14 June, + 1 day (délai franc) = Sunday 15 June 2025 → Monday 16 June.
    assert str(last_day_of_recours(act, "66")) == "2025-06-16"


def test_affichage_mode_act_without_affichage_is_an_error(project):
    configure(project, AFFICHAGE)
    project.add("2025/deliberation-2025-1.md", DELIB)
    (diag,) = errors(check(project), "publicite.affichage_missing")
    assert diag.line == line_of(DELIB, "publication:")
    assert "30 juin 2022" in diag.message and "affichage:" in diag.fix and "date: AAAA-MM-JJ" in diag.fix


def test_papier_mode(project):
    configure(project, PAPIER)
    project.add("2025/deliberation-2025-1.md", WITH_PAPIER)
    register = check(project)
    assert [d for d in register.diagnostics if d.is_error] == [], register.diagnostics
    (act,) = register.acts
    assert act.publication_papier
    # Paper publication 12 April 2025, transmission 11 April: executory on 12 April.
    assert str(executory_date(act)) == "2025-04-12"
    # 12 April + 2 months = 12 June, + 1 day = Friday 13 June 2025 (a working day).
    assert str(last_day_of_recours(act, "66")) == "2025-06-13"


def test_papier_mode_act_without_mode_papier_is_an_error(project):
    configure(project, PAPIER)
    project.add("2025/deliberation-2025-1.md", DELIB)
    (diag,) = errors(check(project), "publicite.papier_missing")
    assert diag.line == line_of(DELIB, "publication:") and "mode: papier" in diag.fix


def test_affichage_on_a_commune_publishing_electronically_is_an_error(project):
    configure(project)
    project.add("2025/deliberation-2025-1.md", WITH_AFFICHAGE)
    (diag,) = errors(check(project), "publicite.mode")
    assert diag.line == line_of(WITH_AFFICHAGE, "affichage:") and "publicite: {mode: affichage" in diag.fix


def test_wrong_mode_under_the_chosen_one_is_an_error(project):
    configure(project, AFFICHAGE)
    project.add("2025/deliberation-2025-1.md", WITH_PAPIER)
    (diag,) = errors(check(project), "publicite.mode")
    assert diag.line == line_of(WITH_PAPIER, "publication:")


def test_acts_before_the_choosing_deliberation_and_individual_acts_need_no_affichage(project):
    configure(project, "      habitants: 1500\n      publicite: {mode: affichage, deliberation: 2025-05-01}\n")
    project.add("2025/deliberation-2025-1.md", DELIB)  # 10 April 2025, before the choice of 1 May 2025
    project.add("2025/arrete-2025-1.md", """\
        ---
        type: arrete
        numero: 1
        date: 2025-06-03
        objet: Permission de voirie pour un échafaudage
        portee: individuel
        signataire: {prenom: Patrick, nom: PASCAL, qualite: Maire}
        matiere: "6.1"
        notification: {date: 2025-06-05}
        transmission: {non_requise: "acte individuel hors L2131-2"}
        ---

        Le maire autorise l'entreprise Bâti-Sud à installer un échafaudage.
        """)
    register = check(project)
    assert [d for d in register.diagnostics if d.is_error] == [], register.diagnostics


@pytest.mark.parametrize("affichage,code", [("2025-04-09", "dates.order"), ("2025-12-16", "dates.not_yet")])
def test_affichage_dates(project, affichage, code):
    configure(project, AFFICHAGE)  # today: 15 December 2025
    text = WITH_AFFICHAGE.replace("affichage: {date: 2025-04-14}", f"affichage: {{date: {affichage}}}")
    project.add("2025/deliberation-2025-1.md", text)
    (diag,) = errors(check(project), code)
    assert diag.line == line_of(text, "affichage:")


def test_affichage_on_the_built_site(project):
    configure(project, AFFICHAGE)
    project.add("2025/deliberation-2025-1.md", WITH_AFFICHAGE)
    assert_ok(project.build())
    page = text_of(project.page("actes/deliberation-2025-1/"))
    assert "Texte publié pour information" in page
    assert ("la publicité légale de cet acte est son affichage en mairie le 14 avril 2025" in page), page
    assert "Publicité légale affiché en mairie le 14 avril 2025" in page
    assert "Mis en ligne le 12 avril 2025 (pour information)" in page
    assert "Exécutoire depuis le 14 avril 2025" in page
    assert "jusqu'au lundi 16 juin 2025" in page
    assert "à compter de l'affichage en mairie" in page
    home = text_of(project.page(""))
    assert "rend ses actes publics par affichage en mairie" in home and "30 juin 2022" in home
    assert "publiés pour information" in home
    register_page = text_of(project.page("registre/"))
    assert "publiés pour information" in register_page
    pdf = next((project.site / "actes" / "deliberation-2025-1").glob("*.pdf"))
    pdf_text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages)
    assert "publicité légale : affichage en mairie le 14 avril 2025" in pdf_text


def test_electronic_commune_pages_say_nothing_of_affichage(project):
    configure(project)
    project.add("2025/deliberation-2025-1.md", DELIB)
    assert_ok(project.build())
    page = text_of(project.page("actes/deliberation-2025-1/"))
    assert "pour information" not in page and "Exécutoire depuis le 12 avril 2025" in page
    assert "pour information" not in text_of(project.page(""))
