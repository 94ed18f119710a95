"""Counts are written as a French reader reads them: « 1 acte », « 12 actes », « 0 erreur » — never « (s) »."""

from __future__ import annotations

import re
import tokenize
from pathlib import Path

import pytest
from conftest import VALID_DECISION, assert_ok

from registre.domain.plurals import counted

PACKAGE = Path(__file__).resolve().parent.parent / "site_plugins" / "registre"


@pytest.mark.parametrize("count, word, expected", [
    (0, "erreur", "0 erreur"),  # French: singular for 0 and 1
    (1, "avertissement", "1 avertissement"),
    (2, "avertissement", "2 avertissements"),
    (1, "acte publié", "1 acte publié"),
    (12, "acte publié", "12 actes publiés"),
    (3, "décision du maire", "3 décisions du maire"),  # the complement stays singular
    (2, "fichier vérifié", "2 fichiers vérifiés"),
    (4, "acte scellé", "4 actes scellés"),
    (5, "présent", "5 présents"),
    (2, "travail", "2 travaux"),
])
def test_counted(count, word, expected):
    assert counted(count, word) == expected


def _texts(path: Path):
    """(line, text) a person may read: every line of a template, every string literal of the code."""
    if path.suffix != ".py":
        yield from enumerate(path.read_text(encoding="utf-8").split("\n"), 1)
        return
    with path.open("rb") as source:
        for token in tokenize.tokenize(source.readline):
            if token.type == tokenize.STRING or token.type == getattr(tokenize, "FSTRING_MIDDLE", -1):
                yield token.start[0], token.string


def test_no_s_in_parentheses_anywhere_a_person_reads():
    """Templates of the site, the PDFs, the text templates, and every string of the code."""
    pattern = re.compile(r"\w\((s|e|es)\)")  # « acte(s) », « publié(e) », « scellé(es) »
    found = []
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix not in {".py", ".html", ".md", ".txt", ".j2", ".js"} or "__pycache__" in path.parts \
                or path.parent.name == "fonts":  # the fonts' licence (OFL) is quoted as it is written
            continue
        if path.is_relative_to(PACKAGE / "init_templates" / "demo"):  # the demo acts: staff's texts, as acts/
            continue
        for number, text in _texts(path):
            if pattern.search(text.replace("http(s)", "").replace("acte(s)", "acte")
                              if path.name == "plurals.py" else text.replace("http(s)", "")):
                found.append(f"{path.relative_to(PACKAGE)}:{number}: {text.strip()}")
    assert found == []


def test_check_counts_one_act_and_several(project):
    project.add("2025/decision-2025-11.md", VALID_DECISION)
    one = project.registre("check", "acts")
    assert one.returncode == 0, one.stdout + one.stderr
    assert re.search(r"^1 acte lu dans .* : 0 erreur, 0 avertissement\.$", one.stdout, re.M), one.stdout
    project.add("2025/decision-2025-12.md", VALID_DECISION.replace("numero: 11", "numero: 12"))
    two = project.registre("check", "acts")
    assert re.search(r"^2 actes lus dans .* : 0 erreur, 0 avertissement\.$", two.stdout, re.M), two.stdout


def test_register_page_counts_acts(project):
    project.add("2025/decision-2025-11.md", VALID_DECISION)
    assert_ok(project.build())
    assert "1 acte publié par" in project.page("registre")
    project.add("2025/decision-2025-12.md", VALID_DECISION.replace("numero: 11", "numero: 12"))
    assert_ok(project.build())
    assert "2 actes publiés par" in project.page("registre")
