"""`registre donne-acte`: the décisions to report to the council, grouped by L2122-22 alinéa."""

from __future__ import annotations

import re

import pytest
from conftest import VALID_DECISION

from registre.build.load import load_register
from registre.domain.config import load_config
from registre.domain.delegations import ALINEAS


def report_of(project):
    config = load_config(project.root / "mkdocs.yml")
    return load_register(project.acts, config).donne_acte


def sections(markdown: str) -> dict[int, list[str]]:
    """alinéa → the table rows under its « ### Article L2122-22, alinéa N° » heading."""
    result: dict[int, list[str]] = {}
    current = None
    for line in markdown.split("\n"):
        heading = re.match(r"### Article L2122-22, alinéa (\d+)° — ", line)
        if heading:
            current = int(heading[1])
            result[current] = []
        elif current is not None and line.startswith("| ") and not line.startswith("| Décision"):
            result[current].append(line)
    return result


def test_reported_at_each_demo_seance(demo):
    report = report_of(demo)
    assert report.reported, "the demo register reports décisions at a séance"
    for seance in report.seances:
        result = demo.registre("donne-acte", "--seance", seance.isoformat())
        assert result.returncode == 0, result.stderr
        decisions = report.reported.get(seance, [])
        found = sections(result.stdout)
        assert sum(len(rows) for rows in found.values()) == len(decisions)
        for act in decisions:
            rows = found[act.delegation.alinea]
            assert any(f"n°{act.numero}/{act.year}" in row and act.objet[:40] in row for row in rows), rows
        assert (f"{len(decisions)} décisions" if len(decisions) > 1 else f"{len(decisions)} décision") in result.stdout
        if decisions:
            carrier = report.reported_by[decisions[0].identifier]
            assert f"Donné acte : délibération n°{carrier.numero}/{carrier.year}." in result.stdout


def test_next_council_lists_the_pending_decisions_only(demo):
    report = report_of(demo)
    result = demo.registre("donne-acte")
    assert result.returncode == 0, result.stderr
    assert "## À rapporter au prochain conseil municipal" in result.stdout
    rows = [row for rows in sections(result.stdout).values() for row in rows]
    assert len(rows) == len(report.pending)
    for act in report.pending:
        assert any(f"n°{act.numero}/{act.year}" in row for row in rows)
    for acts in report.reported.values():
        for act in acts:
            assert f"n°{act.numero}/{act.year}" not in result.stdout
    # Published décisions link to their page on the site.
    assert "](https://registre.example.org/actes/decision-" in result.stdout


def test_groups_are_ordered_by_alinea_and_labelled(project):
    for numero, alinea, day in ((11, 5, "2025-06-01"), (12, 4, "2025-06-10"), (13, 5, "2025-06-20")):
        text = VALID_DECISION.replace("numero: 11", f"numero: {numero}").replace("alinea: 4", f"alinea: {alinea}")
        text = text.replace("date: 2025-05-30", f"date: {day}").replace("20250530", day.replace("-", ""))
        text = text.replace("DEC2025_11", f"DEC2025_{numero}")
        text = text.replace("objet: Convention ENT-école 2025-2026", f"objet: Objet | n°{numero} *important*")
        project.add(f"2025/decision-2025-{numero}.md", text)
    result = project.registre("donne-acte")
    assert result.returncode == 0, result.stderr
    found = sections(result.stdout)
    assert list(found) == [4, 5]
    assert f"### Article L2122-22, alinéa 4° — {ALINEAS[4]}" in result.stdout
    assert [re.search(r"n°(\d+)/", row)[1] for row in found[5]] == ["11", "13"]  # by date
    for row in found[4] + found[5]:
        assert row.count(" | ") == 3, row  # « | » of an objet cannot break the table
        assert r"Objet \| n°" in row and r"\*important\*" in row


def test_next_seance_date_keeps_decisions_up_to_it(project):
    for numero, day in ((11, "2025-06-01"), (12, "2025-09-10")):
        text = VALID_DECISION.replace("numero: 11", f"numero: {numero}").replace("date: 2025-05-30", f"date: {day}")
        text = text.replace("20250530", day.replace("-", "")).replace("DEC2025_11", f"DEC2025_{numero}")
        project.add(f"2025/decision-2025-{numero}.md", text.replace("2025-06-02", "2025-09-11"))
    result = project.registre("donne-acte", "--seance", "2025-07-01")
    assert result.returncode == 0, result.stderr
    assert "## À rapporter à la séance du 1er juillet 2025" in result.stdout
    assert "n°11/2025" in result.stdout and "n°12/2025" not in result.stdout


def test_unknown_past_seance_is_a_french_error(demo):
    report = report_of(demo)
    day = report.seances[-1].replace(day=2) if report.seances[-1].day != 2 else report.seances[-1].replace(day=3)
    result = demo.registre("donne-acte", "--seance", day.isoformat())
    assert result.returncode == 1
    assert "aucune séance du conseil municipal" in result.stderr and "Correction" in result.stderr


def test_pdf_for_the_convocation(demo, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("weasyprint")
    report = report_of(demo)
    seance = max(report.reported)
    out = tmp_path / "convocation" / "donne-acte.pdf"
    result = demo.registre("donne-acte", "--seance", seance.isoformat(), "--pdf", str(out))
    assert result.returncode == 0, result.stderr
    assert "PDF écrit" in result.stderr
    assert out.read_bytes().startswith(b"%PDF")
    reader = pypdf.PdfReader(str(out))
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert round(width) == 595 and round(height) == 842  # A4
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Décisions du maire prises par délégation du conseil municipal" in text
    assert "Villeneuve-la-Rivière" in text
    for act in report.reported[seance]:
        assert f"n°{act.numero}/{act.year}" in text
        assert f"alinéa {act.delegation.alinea}°" in text


def test_pdf_name_must_end_in_pdf(demo):
    result = demo.registre("donne-acte", "--pdf", "liste.md")
    assert result.returncode == 1
    assert "doit finir par « .pdf »" in result.stderr
    assert not (demo.root / "liste.md").exists()
