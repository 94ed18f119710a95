"""The public website built by the real MkDocs from a small register (issue 2)."""

from __future__ import annotations

import re

from conftest import VALID_DECISION
from test_rules import ARRETE_INDIVIDUEL, delib


def text_of(html: str) -> str:
    """Visible text, whitespace collapsed (good enough to assert on content)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'").replace("&#x27;", "'")


def build_small(project, today="2025-12-15"):
    project.write_config(today=today)
    decision = VALID_DECISION.replace("---\n\n#", "annexes:\n  - {fichier: convention.md, titre: Convention ENT}\n"
                                                  "  - {fichier: budget.pdf, titre: Budget}\n---\n\n#")
    project.add("2025/decision-2025-11.md", decision)
    project.add("2025/convention.md", "# Convention de partenariat\n\nArticle 1 - Objet de la convention.\n")
    project.add_bytes("2025/budget.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")
    project.add("2025/deliberation-2025-1.md", delib(1, "2025-07-03", extra="donne_acte: [decision-2025-11]\n"))
    project.add("2025/arrete-2025-1.md", ARRETE_INDIVIDUEL)
    result = project.build()
    assert result.returncode == 0, result.stdout + result.stderr
    return project


def test_act_page_answers_at_a_glance(project):
    build_small(project)
    page = text_of(project.page("actes/decision-2025-11"))
    for expected in (
        "Décision du maire n°11/2025", "du 30 mai 2025", "Convention ENT-école 2025-2026",
        "Exécutoire depuis le 2 juin 2025",  # later of publication (2 juin) and transmission (2 juin)
        "Recours possible jusqu'au jeudi 3 août 2025".replace("jeudi 3 août", "lundi 4 août"),
        "Patrick PASCAL, Maire", "Mis en ligne le 2 juin 2025",
        "066-216602284-20250530-DEC2025_11-AU", "de conclure une convention de partenariat",
        "tribunal administratif de Montpellier (6 rue Pitot, 34063 Montpellier Cedex 2)",
        "deux mois à compter de sa publication", "Télérecours",
        "délibération du 11 juin 2020, article L2122-22, 4°",
        "séance du 3 juillet 2025",
    ):
        assert expected in page, expected


def test_recours_deadline_examples_on_pages(project):
    """Published 30 May 2025 → until Thursday 31 July 2025 (domain reference example)."""
    project.add("2025/decision-2025-11.md", VALID_DECISION.replace("publication: {date: 2025-06-02}",
                                                                   "publication: {date: 2025-05-30}")
                .replace("transmission: {date: 2025-06-02", "transmission: {date: 2025-05-30"))
    assert project.build().returncode == 0
    assert "jusqu'au jeudi 31 juillet 2025" in text_of(project.page("actes/decision-2025-11"))


def test_individual_act_runs_from_notification(project):
    """Listed once put online (publication); executory and challengeable from notification."""
    build_small(project)
    page = text_of(project.page("actes/arrete-2025-1"))
    assert "Exécutoire depuis le 5 mars 2025" in page  # notification 5 mars, transmission 4 mars
    assert "deux mois à compter de sa notification" in page
    assert "jusqu'au mardi 6 mai 2025" in page  # 5 mars + 2 mois + 1 jour


def test_annexes_are_published(project):
    build_small(project)
    page = project.page("actes/decision-2025-11")
    assert 'href="annexes/convention/"' in page
    assert 'href="annexes/budget.pdf" download' in page
    assert (project.site / "actes/decision-2025-11/annexes/budget.pdf").read_bytes().startswith(b"%PDF")
    assert "Article 1 - Objet de la convention." in text_of(project.page("actes/decision-2025-11/annexes/convention"))


def test_register_pages_by_year_and_type_newest_first(project):
    build_small(project)
    index = text_of(project.page("registre"))
    assert "2025 1 délibération 1 arrêté 1 décision du maire" in index
    project.add("2025/deliberation-2025-2.md", delib(2, "2025-09-18"))
    assert project.build().returncode == 0
    listing = project.page("registre/2025/deliberation")
    assert listing.index("Délibération n°2/2025") < listing.index("Délibération n°1/2025")
    assert 'href="../../../actes/deliberation-2025-1/"' in listing


def test_acts_stay_out_of_the_navigation(project):
    build_small(project)
    home = project.page("")
    assert "actes/decision-2025-11/" in home  # latest acts on the home page
    nav = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>', project.page("registre"), re.S).group(0)
    assert "decision-2025-11" not in nav


def test_donne_acte_page(project):
    build_small(project)
    page = text_of(project.page("donne-acte"))
    assert "Séance du 3 juillet 2025" in page
    assert "Décision du maire n°11/2025" in page
    assert "Aucune décision en attente de compte rendu." in page


def test_seance_page_lists_deliberations_and_donne_acte(project):
    build_small(project)
    page = text_of(project.page("seances/2025-07-03"))
    assert "Liste des délibérations examinées" in page and "Délibération n°1/2025" in page
    assert "Décision du maire n°11/2025" in page


def test_scheduled_act_is_checked_but_not_online(project):
    project.add("2025/decision-2025-11.md", VALID_DECISION.replace("publication: {date: 2025-06-02}",
                                                                   "publication: {date: 2025-12-20}"))
    project.write_config(today="2025-12-15")
    assert project.build().returncode == 0
    assert not (project.site / "actes/decision-2025-11").exists()
    assert "decision-2025-11" not in project.page("")
    project.write_config(today="2025-12-20")
    assert project.build().returncode == 0
    assert (project.site / "actes/decision-2025-11/index.html").exists()


def test_build_fails_with_french_message_naming_the_file(project):
    project.add("2025/decision-2025-11.md", VALID_DECISION.replace("delegation: {deliberation: 2020-06-11, "
                                                                   "alinea: 4}\n", ""))
    result = project.build()
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "acts/2025/decision-2025-11.md" in output and "délégation" in output
    assert "Traceback" not in output
    assert not (project.site / "actes").exists()


def test_pages_are_french(project):
    build_small(project)
    assert '<html lang="fr"' in project.page("actes/decision-2025-11")
