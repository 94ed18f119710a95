"""The séance file and its rules (issue 15): each rule with a failing and a passing case.

Expected values are worked out by hand from the law (../shared/domain/droit-des-actes.md
§1.4–1.10) in the comments, never computed by the code under test.  Calendar used below:
2025-06-27 is a Friday, 2025-07-03 a Thursday, 2025-09-12 a Friday, 2025-09-18 a Thursday.
Jours francs (L2121-11/12): neither the day the convocation is sent nor the day of the séance counts.
"""

from __future__ import annotations

import io

import pytest
from conftest import MKDOCS_YML, ROOT, VALID_DECISION, Project
from pypdf import PdfWriter
from registre.build.load import load_register
from registre.domain.config import load_config
from registre.domain.diagnostics import REMINDER_CODES

MEMBERS = ["Patrick PASCAL", "Marie DURAND", "Paul ROUX", "Anne PETIT", "Louis MOREAU", "Claire FAURE",
           "Henri BLANC", "Sophie GARNIER", "Marc CHEVALIER", "Julie FRANCOIS", "Jean MARTIN", "Luc BERNARD",
           "Emma ROBIN", "Hugo MERCIER", "Léa BOYER"]
PRESENTS = MEMBERS[:10]
POUVOIRS = [("Jean MARTIN", "Marie DURAND"), ("Luc BERNARD", "Paul ROUX")]
ABSENTS = MEMBERS[12:]


def seance(day: str = "2025-07-03", **fields) -> str:
    """A séance file: 15 members in office, 10 present, 2 proxies, 3 absent (10 + 2 + 3 = 15);
    convocation sent on Friday 27 June for Thursday 3 July: 28, 29, 30 June, 1, 2 July = 5 jours francs."""
    values = {
        "type": "seance", "date": day, "heure": '"18:30"', "lieu": "Salle du conseil municipal",
        "convocation": "2025-06-27", "membres_en_exercice": "15",
        "president": "{prenom: Patrick, nom: PASCAL, qualite: Maire}",
        "secretaires": "\n  - {prenom: Marie, nom: DURAND}",
        "presents": "[" + ", ".join(PRESENTS) + "]",
        "pouvoirs": "".join(f"\n  - {{de: {de}, a: {a}}}" for de, a in POUVOIRS),
        "absents": "[" + ", ".join(ABSENTS) + "]",
        "liste": "\n  publication: {date: 2025-07-07}",
        "proces_verbal": None,
    }
    values.update(fields)
    body = values.pop("body", "Le conseil municipal s'est réuni sous la présidence de M. Patrick PASCAL.\n")
    lines = [f"{key}: {value}" for key, value in values.items() if value is not None]
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body


def names(members) -> str:
    return "[" + ", ".join(members) + "]"


def deliberation(numero: int = 1, day: str = "2025-07-03", presents: int = 10, votants: int = 12,
                 pour: int = 11, contre: int = 1, abstentions: int = 0) -> str:
    compact = day.replace("-", "")
    return f"""\
---
type: deliberation
numero: {numero}
date: {day}
objet: Tarifs de la cantine scolaire
signataire: {{prenom: Patrick, nom: PASCAL, qualite: Maire}}
matiere: "7.1"
vote: {{presents: {presents}, votants: {votants}, pour: {pour}, contre: {contre}, abstentions: {abstentions}}}
publication: {{date: {day}}}
transmission: {{date: {day}, ar: "066-216602284-{compact}-DEL{numero:02d}-DE"}}
---

Le conseil municipal, après en avoir délibéré, fixe les tarifs.
"""


def configure(project: Project, *, habitants: int | None = None, today: str = "2025-12-15") -> None:
    text = MKDOCS_YML.format(today=today)
    if habitants is not None:
        text += f"      habitants: {habitants}\n"
    project.write_config(text)


def register_of(project: Project):
    return load_register(project.acts, load_config(project.root / "mkdocs.yml"))


def found(register, code: str) -> list:
    return [d for d in register.diagnostics if d.code == code]


def codes(register) -> set[str]:
    return {d.code for d in register.diagnostics}


def second_seance(**fields) -> str:
    """Thursday 18 September, convoked on Friday 12 September (13 to 17 September = 5 jours francs);
    its liste online on 22 September, within the week."""
    fields.setdefault("convocation", "2025-09-12")
    fields.setdefault("liste", "\n  publication: {date: 2025-09-22}")
    return seance("2025-09-18", **fields)


PV_OK = "\n  arrete_le: 2025-09-18\n  publication: {date: 2025-09-22}"


@pytest.fixture
def valid(project):
    """Two séances, the first one's PV arrêté at the second and online four days later, and a
    délibération of the first one: nothing to report."""
    configure(project, habitants=1500)
    project.add("2025/seance-2025-07-03.md", seance(proces_verbal=PV_OK), dedent=False)
    project.add("2025/seance-2025-09-18.md", second_seance(), dedent=False)
    project.add("2025/deliberation-2025-1.md", deliberation(), dedent=False)
    return project


def test_valid_seances_pass(valid):
    register = register_of(valid)
    assert register.diagnostics == []
    first, second = register.seances
    assert first.date.isoformat() == "2025-07-03" and second.date.isoformat() == "2025-09-18"
    assert first.heure == "18:30" and first.lieu == "Salle du conseil municipal"
    assert first.presents == tuple(PRESENTS) and first.absents == tuple(ABSENTS)
    assert [(p.de, p.a) for p in first.pouvoirs] == POUVOIRS
    assert first.secretaires[0].display == "Marie DURAND" and first.president.qualite == "Maire"
    assert first.liste_publication.isoformat() == "2025-07-07"
    assert first.proces_verbal.arrete_le.isoformat() == "2025-09-18"
    assert first.body.strip().startswith("Le conseil municipal s'est réuni")
    assert [a.identifier for a in register.acts] == ["deliberation-2025-1"]  # the séance is not an act
    # line of a nested key, dotted: proces_verbal is line 18 of the file, arrete_le the next one
    assert first.line_of("proces_verbal") == 18 and first.line_of("proces_verbal.arrete_le") == 19


# -- convocation (L2121-11, L2121-12) ------------------------------------------------------------

@pytest.mark.parametrize("habitants, convocation, expected", [
    # under 3,500: 3 jours francs. Sent Sunday 29 June → 30 June, 1, 2 July = 3: enough.
    (1500, "2025-06-29", None),
    # sent Monday 30 June → 1, 2 July = 2 < 3.
    (1500, "2025-06-30", "2 jours francs"),
    (3499, "2025-06-29", None),
    # 3,500 « et plus »: 5. Sent 29 June → 3 < 5; sent 27 June → 5 (see seance()).
    (3500, "2025-06-29", "3 jours francs"),
    (3500, "2025-06-27", None),
    # sent Saturday 28 June → 29, 30 June, 1, 2 July = 4 < 5.
    (12000, "2025-06-28", "4 jours francs"),
])
def test_convocation_delay(project, habitants, convocation, expected):
    configure(project, habitants=habitants)
    project.add("2025/seance-2025-07-03.md", seance(convocation=convocation), dedent=False)
    errors = found(register_of(project), "seance.convocation")
    if expected is None:
        assert errors == []
    else:
        assert len(errors) == 1 and errors[0].is_error and expected in errors[0].message
        assert errors[0].line == 6  # the line of « convocation »


@pytest.mark.parametrize("convocation, ok", [
    # urgence: never under one jour franc. Sent Tuesday 1 July → 2 July = 1: enough.
    ("2025-07-01", True),
    # sent Wednesday 2 July, the eve: no jour franc at all.
    ("2025-07-02", False),
])
def test_convocation_urgence(project, convocation, ok):
    configure(project, habitants=12000)
    project.add("2025/seance-2025-07-03.md", seance(convocation=convocation, urgence="true"), dedent=False)
    assert (found(register_of(project), "seance.convocation") == []) is ok


def test_convocation_on_the_day_or_after_is_an_error(project):
    configure(project, habitants=1500)
    project.add("2025/seance-2025-07-03.md", seance(convocation="2025-07-04"), dedent=False)
    assert [d.is_error for d in found(register_of(project), "seance.convocation")] == [True]


@pytest.mark.parametrize("convocation, expected", [
    # habitants not set: 3 jours francs assumed, with a warning while fewer than 5 (the delay
    # from 3,500 inhabitants) were given.  29 June → 3: warning only.
    ("2025-06-29", {"seance.habitants_unknown"}),
    # 30 June → 2 < 3: error, whatever the population.
    ("2025-06-30", {"seance.convocation"}),
    # 27 June → 5: right for any commune, nothing said.
    ("2025-06-27", set()),
])
def test_convocation_without_population(project, convocation, expected):
    configure(project)
    project.add("2025/seance-2025-07-03.md", seance(convocation=convocation), dedent=False)
    register = register_of(project)
    assert codes(register) & {"seance.habitants_unknown", "seance.convocation"} == expected
    assert all(not d.is_error for d in found(register, "seance.habitants_unknown"))


# -- quorum (L2121-17) -----------------------------------------------------------------------------

@pytest.mark.parametrize("membres, present, ok", [
    # 15 in office: more than half is more than 7.5, so 8.
    (15, 7, False),
    (15, 8, True),
    # 14 in office: more than 7, so 8 again.
    (14, 7, False),
    (14, 8, True),
])
def test_quorum(project, membres, present, ok):
    configure(project, habitants=1500)
    presents = MEMBERS[:present]
    absents = [m for m in MEMBERS[:membres] if m not in presents]
    project.add("2025/seance-2025-07-03.md",
                seance(membres_en_exercice=str(membres), presents=names(presents), absents=names(absents),
                       pouvoirs=None), dedent=False)
    project.add("2025/deliberation-2025-1.md", deliberation(presents=present, votants=present, pour=present,
                                                            contre=0), dedent=False)
    register = register_of(project)
    assert (found(register, "seance.quorum") == []) is ok
    assert "seance.membres_total" not in codes(register)


def test_a_seance_without_quorum_that_deliberated_nothing_is_a_record(project):
    """7 of 15 present: the council could not deliberate; the file records the meeting (the first
    convocation a second one follows), it is not an error while no délibération is dated on it."""
    configure(project, habitants=1500)
    absents = MEMBERS[7:]
    project.add("2025/seance-2025-07-03.md", seance(presents=names(MEMBERS[:7]), absents=names(absents),
                                                    pouvoirs=None), dedent=False)
    register = register_of(project)
    assert found(register, "seance.quorum") == [] and register.ok


def first_seance(day: str, present: int, convocation: str) -> str:
    """A séance of 15 members with ``present`` of them present, no proxy, nothing deliberated."""
    return seance(day=day, convocation=convocation, presents=names(MEMBERS[:present]),
                  absents=names(MEMBERS[present:]), pouvoirs=None, liste=None)


@pytest.mark.parametrize("first, ok", [
    # 7 of 15 on Monday 30 June, the second convocation's séance on Thursday 3 July: 3 days later.
    (("2025-06-30", 7, "2025-06-25"), True),
    # the first séance on Tuesday 1 July: only 2 days before the second (« à trois jours au moins
    # d'intervalle », L2121-17).
    (("2025-07-01", 7, "2025-06-27"), False),
    # the séance before had its quorum (8 of 15): no ground for a second convocation.
    (("2025-06-30", 8, "2025-06-25"), False),
    # no earlier séance in the register.
    (None, False),
])
def test_second_convocation_follows_a_seance_without_quorum(project, first, ok):
    configure(project, habitants=1500)
    if first is not None:
        day, present, convocation = first
        project.add(f"2025/seance-{day}.md", first_seance(day, present, convocation), dedent=False)
    second = seance(seconde_convocation="true", presents=names(MEMBERS[:5]), absents=names(MEMBERS[5:]),
                    pouvoirs=None)
    project.add("2025/seance-2025-07-03.md", second, dedent=False)
    project.add("2025/deliberation-2025-1.md", deliberation(presents=5, votants=5, pour=5, contre=0), dedent=False)
    register = register_of(project)
    line = second.split("\n").index("seconde_convocation: true") + 1
    errors = found(register, "seance.seconde_convocation")
    assert (errors == []) is ok, errors
    assert found(register, "seance.quorum") == [] and found(register, "seance.vote_quorum") == []
    if not ok:
        assert errors[0].is_error and errors[0].line == line and "L2121-17" in errors[0].message


def test_quorum_error_no_longer_suggests_a_false_second_convocation(project):
    configure(project, habitants=1500)
    project.add("2025/seance-2025-07-03.md", seance(presents=names(MEMBERS[:7]), absents=names(MEMBERS[7:]),
                                                    pouvoirs=None), dedent=False)
    project.add("2025/deliberation-2025-1.md", deliberation(presents=7, votants=7, pour=7, contre=0), dedent=False)
    [error] = found(register_of(project), "seance.quorum")
    assert "propre fichier" in error.fix and "seconde_convocation: true" in error.fix


# -- dates to come: prepared in advance, published on their date -----------------------------------

def test_a_seance_to_come_may_be_prepared(project):
    """Convocation sent, file written: no error; the site shows nothing of it before its date
    (tests/test_seance_pages.py)."""
    configure(project, habitants=1500, today="2025-12-15")
    project.add("2025/seance-2025-12-20.md", seance(day="2025-12-20", convocation="2025-12-12", liste=None),
                dedent=False)
    register = register_of(project)
    assert register.ok and not [d for d in register.diagnostics if d.path.endswith("seance-2025-12-20.md")]


def test_a_late_liste_scheduled_later_is_said_scheduled(project):
    # Séance of 3 July, liste due on 10 July; « publication » 22 December, after today (15 December).
    configure(project, habitants=1500, today="2025-12-15")
    project.add("2025/seance-2025-07-03.md", seance(liste="\n  publication: {date: 2025-12-22}"), dedent=False)
    [late] = found(register_of(project), "seance.liste_late")
    assert "dont la mise en ligne est prévue le 22 décembre 2025" in late.message
    assert "mise en ligne le 22" not in late.message


def test_pv_arrete_at_a_seance_whose_file_has_errors_names_that_file(project):
    configure(project, habitants=1500)
    project.add("2025/seance-2025-07-03.md", seance(proces_verbal=PV_OK), dedent=False)
    project.add("2025/seance-2025-09-18.md", second_seance().replace("lieu:", "lieux:"), dedent=False)
    register = register_of(project)
    [error] = [d for d in found(register, "seance.pv_arrete") if d.path.endswith("seance-2025-07-03.md")]
    assert "seance-2025-09-18.md" in error.message and "contient des erreurs" in error.message
    assert "aucune séance après" not in error.message


def test_a_publication_date_written_alone_shows_the_block(project):
    configure(project, habitants=1500)
    project.add("2025/seance-2025-07-03.md", seance(liste="\n  publication: 2025-07-07"), dedent=False)
    [error] = [d for d in register_of(project).diagnostics if d.code == "type.mapping"]
    assert "publication: {date: 2025-07-07}" in error.fix


@pytest.mark.parametrize("text, code", [("---\n---\n", "frontmatter.empty"),
                                        ("---\n- a\n---\n", "frontmatter.not_mapping"), ("", "file.empty")])
def test_header_errors_of_a_seance_file_speak_of_a_seance(project, text, code):
    configure(project, habitants=1500)
    project.add("2025/seance-2025-07-03.md", text, dedent=False)
    [error] = found(register_of(project), code)
    assert "type: seance" in error.fix and "l'acte" not in error.fix


# -- names: accents, lists written without brackets -------------------------------------------------

def test_a_name_written_with_and_without_an_accent_is_one_member(project):
    configure(project, habitants=1500)
    presents = PRESENTS[:9] + ["Núria SALA", "Nuria SALA"]
    project.add("2025/seance-2025-07-03.md", seance(presents=names(presents)), dedent=False)
    [error] = found(register_of(project), "seance.name_duplicate")
    assert "Nuria SALA" in error.message and "même ligne" in error.message


def test_a_member_present_and_represented_under_two_spellings(project):
    configure(project, habitants=1500)
    presents = PRESENTS[:9] + ["Céline MARTY"]
    pouvoirs = "\n  - {de: Celine MARTY, a: Marie DURAND}\n  - {de: Luc BERNARD, a: Paul ROUX}"
    project.add("2025/seance-2025-07-03.md", seance(presents=names(presents), pouvoirs=pouvoirs), dedent=False)
    assert found(register_of(project), "seance.pouvoir_mandant_present")


def test_names_separated_by_commas_without_brackets(project):
    configure(project, habitants=1500)
    project.add("2025/seance-2025-07-03.md", seance(presents=", ".join(PRESENTS)), dedent=False)
    errors = [d for d in found(register_of(project), "seance.name") if "virgule" in d.message]
    assert len(errors) == 1 and "[Patrick PASCAL, Marie DURAND]" in errors[0].fix


# -- messages ----------------------------------------------------------------------------------------

def test_convocation_messages(project):
    configure(project, habitants=12000)
    # urgence already written: the fix does not ask for it again; « 0 jour franc » in the singular.
    project.add("2025/seance-2025-07-03.md", seance(convocation="2025-07-02", urgence="true"), dedent=False)
    [error] = found(register_of(project), "seance.convocation")
    assert "0 jour franc " in error.message and "urgence: true" not in error.fix
    # five jours francs from 3 500 inhabitants: sent Sunday 29 June → 30 June, 1, 2 July = 3.
    project.add("2025/seance-2025-07-03.md", seance(convocation="2025-06-29"), dedent=False)
    [error] = found(register_of(project), "seance.convocation")
    assert "3\u202f500 habitants" in error.message and "urgence: true" in error.fix


# -- delegation (L2122-22) ------------------------------------------------------------------------

@pytest.mark.parametrize("pour, contre, refused", [(4, 8, True), (8, 4, False)])
def test_a_decision_cannot_rest_on_a_rejected_delegation(project, pour, contre, refused):
    configure(project, habitants=1500)
    project.add("2025/seance-2025-07-03.md", seance(), dedent=False)
    project.add("2025/deliberation-2025-1.md", deliberation(votants=12, pour=pour, contre=contre), dedent=False)
    decision = (VALID_DECISION.replace("deliberation: 2020-06-11", "deliberation: 2025-07-03")
                .replace("date: 2025-05-30", "date: 2025-07-30").replace("20250530", "20250730")
                .replace("2025-06-02", "2025-07-31"))
    project.add("2025/decision-2025-11.md", decision, dedent=False)
    errors = found(register_of(project), "delegation.rejetee")
    assert bool(errors) is refused
    if refused:
        assert errors[0].is_error and errors[0].line == 8


# -- proxies, présents, absents, secretaries (L2121-20, L2121-15) -------------------------------

def test_mandataire_must_be_present(project):
    configure(project, habitants=1500)
    pouvoirs = "\n  - {de: Jean MARTIN, a: Emma ROBIN}\n  - {de: Luc BERNARD, a: Paul ROUX}"
    project.add("2025/seance-2025-07-03.md", seance(pouvoirs=pouvoirs), dedent=False)
    errors = found(register_of(project), "seance.pouvoir_mandataire")
    assert len(errors) == 1 and errors[0].is_error and "Emma ROBIN" in errors[0].message
    assert errors[0].line == 13  # the line of that proxy


def test_one_proxy_per_mandataire(project):
    configure(project, habitants=1500)
    pouvoirs = "\n  - {de: Jean MARTIN, a: Marie DURAND}\n  - {de: Luc BERNARD, a: Marie DURAND}"
    project.add("2025/seance-2025-07-03.md", seance(pouvoirs=pouvoirs), dedent=False)
    errors = found(register_of(project), "seance.pouvoir_multiple")
    assert len(errors) == 1 and errors[0].is_error and "Marie DURAND" in errors[0].message


def test_mandant_is_not_present(project):
    configure(project, habitants=1500)
    # Paul ROUX is present and « gives » a proxy; Luc BERNARD then is neither present, absent nor represented.
    pouvoirs = "\n  - {de: Jean MARTIN, a: Marie DURAND}\n  - {de: Paul ROUX, a: Anne PETIT}"
    project.add("2025/seance-2025-07-03.md", seance(pouvoirs=pouvoirs), dedent=False)
    register = register_of(project)
    assert [d.is_error for d in found(register, "seance.pouvoir_mandant_present")] == [True]
    # 10 présents + 2 mandants (one of them present) + 3 absents = 14 distinct members, not 15.
    assert [d.is_error for d in found(register, "seance.membres_total")] == [False]


@pytest.mark.parametrize("absents, code", [
    (ABSENTS + ["Anne PETIT"], "seance.membre_double"),  # present and absent
    (ABSENTS + ["Jean MARTIN"], "seance.membre_double"),  # represented and absent
])
def test_presents_mandants_absents_are_disjoint(project, absents, code):
    configure(project, habitants=1500)
    project.add("2025/seance-2025-07-03.md", seance(absents=names(absents)), dedent=False)
    assert [d.is_error for d in found(register_of(project), code)] == [True]


@pytest.mark.parametrize("membres, ok", [(15, True), (16, False), (14, False)])
def test_members_add_up(project, membres, ok):
    # 10 présents + 2 représentés + 3 absents = 15.
    configure(project, habitants=1500)
    project.add("2025/seance-2025-07-03.md", seance(membres_en_exercice=str(membres)), dedent=False)
    warnings = found(register_of(project), "seance.membres_total")
    assert (warnings == []) is ok
    assert all(not d.is_error for d in warnings)


@pytest.mark.parametrize("secretaire, ok", [("{prenom: Anne, nom: PETIT}", True),
                                            ("{prenom: Emma, nom: ROBIN}", False)])
def test_secretary_is_present(project, secretaire, ok):
    configure(project, habitants=1500)
    project.add("2025/seance-2025-07-03.md", seance(secretaires=f"\n  - {secretaire}"), dedent=False)
    assert (found(register_of(project), "seance.secretaire_absent") == []) is ok


# -- délibérations of the séance ------------------------------------------------------------------

@pytest.mark.parametrize("vote, code", [
    # 11 present at the vote, the séance had 10.
    ({"presents": 11, "votants": 12, "pour": 11}, "seance.vote_presents"),
    # 13 votants for 10 present + 2 proxies = 12.
    ({"votants": 13, "pour": 12}, "seance.vote_votants"),
    # 7 present at the vote (three left the room): 7 < 8, the quorum of 15.
    ({"presents": 7, "votants": 9, "pour": 8}, "seance.vote_quorum"),
])
def test_deliberation_against_its_seance(project, vote, code):
    configure(project, habitants=1500)
    project.add("2025/seance-2025-07-03.md", seance(), dedent=False)
    project.add("2025/deliberation-2025-1.md", deliberation(**vote), dedent=False)
    errors = found(register_of(project), code)
    assert len(errors) == 1 and errors[0].is_error and errors[0].path.endswith("deliberation-2025-1.md")


@pytest.mark.parametrize("vote", [
    {"presents": 10, "votants": 12, "pour": 11},  # all present, both proxies used
    {"presents": 8, "votants": 10, "pour": 9},  # two left: 8 is still the quorum
])
def test_deliberation_agreeing_with_its_seance(project, vote):
    configure(project, habitants=1500)
    project.add("2025/seance-2025-07-03.md", seance(), dedent=False)
    project.add("2025/deliberation-2025-1.md", deliberation(**vote), dedent=False)
    assert codes(register_of(project)) & {"seance.vote_presents", "seance.vote_votants", "seance.vote_quorum"} \
        == set()


def test_deliberation_quorum_not_required_on_second_convocation(project):
    configure(project, habitants=1500)
    project.add("2025/seance-2025-07-03.md", seance(seconde_convocation="true"), dedent=False)
    project.add("2025/deliberation-2025-1.md", deliberation(presents=7, votants=9, pour=8), dedent=False)
    assert found(register_of(project), "seance.vote_quorum") == []


def test_deliberation_without_seance_file_is_a_reminder(project):
    configure(project, habitants=1500)
    project.add("2025/seance-2025-07-03.md", seance(), dedent=False)
    project.add("2025/deliberation-2025-1.md", deliberation(day="2025-07-03"), dedent=False)
    project.add("2025/deliberation-2025-2.md", deliberation(numero=2, day="2025-07-04"), dedent=False)
    missing = found(register_of(project), "seance.missing")
    assert len(missing) == 1 and missing[0].path.endswith("deliberation-2025-2.md")
    assert missing[0].is_reminder and not missing[0].is_error
    assert "seance-2025-07-04.md" in missing[0].fix


def test_deliberation_of_a_seance_file_with_errors_is_not_said_without_seance(project):
    configure(project, habitants=1500)
    project.add("2025/seance-2025-07-03.md", seance(urgence="oui"), dedent=False)
    project.add("2025/deliberation-2025-1.md", deliberation(), dedent=False)
    register = register_of(project)
    assert "value.boolean" in codes(register) and "seance.missing" not in codes(register)


# -- liste des délibérations (L2121-25) -------------------------------------------------------------

@pytest.mark.parametrize("published, code", [
    # a week from Thursday 3 July: Thursday 10 July at the latest.
    ("2025-07-10", None),
    ("2025-07-11", "seance.liste_late"),
    ("2025-07-02", "seance.liste_before"),
])
def test_liste_online_within_a_week(project, published, code):
    configure(project, habitants=1500)
    project.add("2025/seance-2025-07-03.md", seance(liste=f"\n  publication: {{date: {published}}}"), dedent=False)
    register = register_of(project)
    liste_codes = {c for c in codes(register) if c.startswith("seance.liste")}
    assert liste_codes == ({code} if code else set())
    if code == "seance.liste_late":
        assert found(register, code)[0].is_reminder and "10 juillet 2025" in found(register, code)[0].message


@pytest.mark.parametrize("today, reported", [("2025-07-10", False), ("2025-07-11", True)])
def test_liste_missing_once_the_week_is_over(project, today, reported):
    configure(project, habitants=1500, today=today)
    project.add("2025/seance-2025-07-03.md", seance(liste=None), dedent=False)
    missing = found(register_of(project), "seance.liste_missing")
    assert bool(missing) is reported
    assert all(d.is_reminder for d in missing)


# -- procès-verbal (L2121-15) -------------------------------------------------------------------------

@pytest.mark.parametrize("arrete_le", ["2025-09-17", "2025-07-03", "2025-06-12"])
def test_pv_arrete_at_a_later_seance_of_the_register(project, arrete_le):
    # 17 September: no séance that day; 3 July: the séance itself; 12 June: earlier.
    configure(project, habitants=1500)
    project.add("2025/seance-2025-07-03.md", seance(proces_verbal=f"\n  arrete_le: {arrete_le}"), dedent=False)
    project.add("2025/seance-2025-09-18.md", second_seance(), dedent=False)
    errors = found(register_of(project), "seance.pv_arrete")
    assert len(errors) == 1 and errors[0].is_error and errors[0].line == 19


@pytest.mark.parametrize("published, code", [
    # a week from Thursday 18 September: 25 September at the latest.
    ("2025-09-25", None),
    ("2025-09-26", "seance.pv_late"),
    ("2025-09-17", "seance.pv_before"),
])
def test_pv_online_within_a_week_of_its_adoption(project, published, code):
    configure(project, habitants=1500)
    pv = f"\n  arrete_le: 2025-09-18\n  publication: {{date: {published}}}"
    project.add("2025/seance-2025-07-03.md", seance(proces_verbal=pv), dedent=False)
    project.add("2025/seance-2025-09-18.md", second_seance(), dedent=False)
    register = register_of(project)
    assert {c for c in codes(register) if c.startswith("seance.pv")} == ({code} if code else set())
    if code == "seance.pv_late":
        assert found(register, code)[0].is_reminder
    if code == "seance.pv_before":
        assert found(register, code)[0].is_error


@pytest.mark.parametrize("today, reported", [("2025-09-25", False), ("2025-09-26", True)])
def test_pv_arrete_but_not_online(project, today, reported):
    configure(project, habitants=1500, today=today)
    project.add("2025/seance-2025-07-03.md", seance(proces_verbal="\n  arrete_le: 2025-09-18"), dedent=False)
    project.add("2025/seance-2025-09-18.md", second_seance(), dedent=False)
    assert bool(found(register_of(project), "seance.pv_unpublished")) is reported


def test_pv_not_arrete_at_the_next_seance(project):
    configure(project, habitants=1500)
    project.add("2025/seance-2025-07-03.md", seance(), dedent=False)  # no proces_verbal
    project.add("2025/seance-2025-09-18.md", second_seance(), dedent=False)
    register = register_of(project)
    late = found(register, "seance.pv_not_arrete")
    # the 3 July PV should have been arrêté on 18 September; the 18 September one has no next séance yet
    assert len(late) == 1 and late[0].path.endswith("seance-2025-07-03.md") and late[0].is_reminder


def test_pv_arrete_at_a_later_seance_than_the_next(project):
    configure(project, habitants=1500)
    project.add("2025/seance-2025-07-03.md", seance(proces_verbal="\n  arrete_le: 2025-10-16"), dedent=False)
    project.add("2025/seance-2025-09-18.md", second_seance(), dedent=False)
    # Thursday 16 October, convoked Friday 10 October: 11 to 15 October = 5 jours francs.
    project.add("2025/seance-2025-10-16.md", seance("2025-10-16", convocation="2025-10-10",
                                                     liste="\n  publication: {date: 2025-10-17}"), dedent=False)
    late = found(register_of(project), "seance.pv_not_arrete")
    assert [d.path.rsplit("/", 1)[-1] for d in late] == ["seance-2025-07-03.md", "seance-2025-09-18.md"]


def test_pv_with_its_signed_original(project):
    configure(project, habitants=1500)
    pdf = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(pdf)
    project.add_bytes("2025/pv-2025-07-03.pdf", pdf.getvalue())
    pv = PV_OK + "\n  original: pv-2025-07-03.pdf"
    project.add("2025/seance-2025-07-03.md", seance(proces_verbal=pv), dedent=False)
    project.add("2025/seance-2025-09-18.md", second_seance(), dedent=False)
    register = register_of(project)
    assert register.seances[0].proces_verbal.original == "2025/pv-2025-07-03.pdf"
    assert register.diagnostics == []


def test_pv_original_missing(project):
    configure(project, habitants=1500)
    pv = PV_OK + "\n  original: pv-absent.pdf"
    project.add("2025/seance-2025-07-03.md", seance(proces_verbal=pv), dedent=False)
    project.add("2025/seance-2025-09-18.md", second_seance(), dedent=False)
    errors = found(register_of(project), "original.missing")
    assert len(errors) == 1 and errors[0].line == 21


# -- the file itself ------------------------------------------------------------------------------

def test_two_seance_files_on_one_date(project):
    configure(project, habitants=1500)
    project.add("2025/seance-2025-07-03.md", seance(), dedent=False)
    project.add("archives/seance-2025-07-03.md", seance(), dedent=False)
    errors = found(register_of(project), "seance.duplicate")
    assert len(errors) == 2 and all(d.is_error for d in errors)


@pytest.mark.parametrize("change, code, line, words", [
    ({"lieux": "Salle"}, "key.unknown", 18, "vouliez-vous dire « lieu »"),
    ({"date": "2025-07-04"}, "seance.file_name", 3, "seance-2025-07-04.md"),
    ({"type": "deliberation"}, "seance.type", 2, "type: seance"),
    ({"urgence": "oui"}, "value.boolean", 18, "true"),
    ({"membres_en_exercice": "015"}, "value.leading_zero", 7, "15"),
    ({"convocation": "2025-06-31"}, "date.impossible", 6, "n'existe pas"),
    ({"heure": '"25:00"'}, "seance.heure", 4, "18:30"),
    ({"lieu": None}, "lieu.missing", 2, "lieu:"),
    ({"president": "{prenom: Patrick, nom: PASCAL}"}, "seance.member", 8, "qualite"),
    ({"presents": "[Patrick, Marie DURAND]"}, "seance.name", 11, "Prénom NOM"),
    ({"pouvoirs": "\n  - {de: Jean MARTIN}"}, "seance.pouvoir", 13, "de: Jean MARTIN, a:"),
    ({"liste": "\n  publication: {date: 2025-07-07}\n  affichage: {date: 2025-07-07}"}, "key.unknown", 18,
     "clés possibles"),
    ({"proces_verbal": "\n  publication: {date: 2025-09-22}"}, "seance.pv_arrete_missing", 19, "arrete_le"),
    ({"proces_verbal": "\n  arrete_le: 2025-09-18\n  original: ../../secret.pdf"}, "path.outside", 20, "acts/"),
])
def test_bad_seance_file(project, change, code, line, words):
    configure(project, habitants=1500)
    project.add("2025/seance-2025-07-03.md", seance(**change), dedent=False)
    register = register_of(project)
    errors = found(register, code)
    assert errors and errors[0].is_error, register.diagnostics
    assert errors[0].path.endswith("seance-2025-07-03.md")
    assert words in errors[0].message + errors[0].fix
    assert errors[0].line == line
    assert register.seances == []


def test_seance_cache_warm_equals_cold(valid, tmp_path):
    config = load_config(valid.root / "mkdocs.yml")
    cache = tmp_path / "cache"
    cold = load_register(valid.acts, config, cache_dir=cache)
    warm = load_register(valid.acts, config, cache_dir=cache)
    assert warm.files_cached == 3 and warm.files_read == 0
    assert warm.seances == cold.seances and len(warm.seances) == 2
    assert [s.lines for s in warm.seances] == [s.lines for s in cold.seances]
    assert sorted(warm.diagnostics) == sorted(cold.diagnostics)
    (valid.acts / "2025" / "seance-2025-09-18.md").write_text(second_seance(membres_en_exercice="16"),
                                                             encoding="utf-8")
    edited = load_register(valid.acts, config, cache_dir=cache)
    assert edited.files_read == 1 and edited.seances[1].membres_en_exercice == 16


def test_reminder_codes_are_the_time_only_ones():
    assert {"seance.liste_late", "seance.liste_missing", "seance.pv_late", "seance.pv_unpublished",
            "seance.pv_not_arrete", "seance.missing"} <= REMINDER_CODES
    assert not {"seance.convocation", "seance.quorum", "seance.membres_total"} & REMINDER_CODES


# -- the commands -------------------------------------------------------------------------------------

BAD = {"convocation": "2025-06-31", "lieux": "Salle"}


def test_registre_check_names_file_line_and_fix(project):
    configure(project, habitants=1500)
    project.add("2025/seance-2025-07-03.md", seance(**BAD), dedent=False)
    result = project.registre("check", "acts")
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in out
    assert "acts/2025/seance-2025-07-03.md:6: erreur: « convocation » : la date 2025-06-31 n'existe pas." in out
    assert "acts/2025/seance-2025-07-03.md:18: erreur: clé inconnue « lieux »" in out
    assert "Correction : vouliez-vous dire « lieu » ?" in out


def test_registre_check_reports_a_rule(project):
    configure(project, habitants=1500)
    project.add("2025/seance-2025-07-03.md", seance(convocation="2025-06-30"), dedent=False)
    out = project.registre("check", "acts")
    assert out.returncode != 0 and "Traceback" not in out.stdout + out.stderr
    assert "acts/2025/seance-2025-07-03.md:6: erreur: convocation envoyée le lundi 30 juin 2025 pour la séance " \
           "du jeudi 3 juillet 2025 : 2 jours francs" in out.stdout
    # sent Sunday 29 June, it would have left 30 June, 1, 2 July = 3 jours francs: the latest day
    assert "il fallait convoquer au plus tard le dimanche 29 juin 2025" in out.stdout


def test_build_refuses_a_bad_seance_file_in_french(project):
    configure(project, habitants=1500)
    project.add("2025/seance-2025-07-03.md", seance(**BAD), dedent=False)
    result = project.build()
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in out
    assert "seance-2025-07-03.md:6: erreur: « convocation » : la date 2025-06-31 n'existe pas." in out
    assert "Le registre n'est pas publiable" in out


def test_build_with_valid_seances(valid):
    result = valid.build()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr and "ERROR" not in result.stderr, result.stderr


def test_documented_example_is_a_valid_seance(project):
    """The example of docs/format-des-actes.md (« Le fichier de séance ») reads as it says."""
    doc = (ROOT / "docs" / "format-des-actes.md").read_text(encoding="utf-8")
    section = doc.split("## Le fichier de séance", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    configure(project, habitants=1500)
    project.add("2025/seance-2025-07-03.md", example, dedent=False)
    project.add("2025/seance-2025-09-18.md", second_seance(), dedent=False)
    pdf = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(pdf)
    project.add_bytes("2025/pv-2025-07-03.pdf", pdf.getvalue())
    register = register_of(project)
    assert register.diagnostics == []
    first = register.seances[0]
    assert len(first.presents) == 10 and len(first.pouvoirs) == 2 and len(first.absents) == 3
    assert first.quorum == 8
