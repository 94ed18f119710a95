"""Plugin options of large or special registers, on real builds: ``pdf: false``
(signed originals only), ``annees`` (act pages of some years only) and long
donné-acte lists (20 décisions on the délibération page, all on the séance page)."""

from __future__ import annotations

import json
import re

import pytest
from conftest import DEMO_TODAY, MKDOCS_YML, VALID_DECISION
from test_pdf import decision, register_of, signed_pdf
from test_rules import ARRETE_INDIVIDUEL, delib
from test_site import text_of


def configure(project, options: str) -> None:
    """The test mkdocs.yml with extra options of the registre plugin (its block is last)."""
    project.write_config(MKDOCS_YML.format(today=DEMO_TODAY) + "".join(f"      {line}\n"
                                                                       for line in options.splitlines()))


def built(project):
    result = project.build()
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def downloads_section(html: str) -> str | None:
    if 'id="telecharger-titre"' not in html:
        return None
    return html.split('id="telecharger-titre"', 1)[1].split("</section>", 1)[0]


def linked_decisions(html: str) -> list[str]:
    """Identifiers of the décisions ``html`` links to (relative URLs: ``../decision-2025-11/``)."""
    return re.findall(r'href="[^"]*?(decision-2025-\d+)/"', html)


def ledger_lines(project) -> list[dict]:
    return [json.loads(line) for line in (project.acts / "registre.lock").read_text(encoding="utf-8").splitlines()
            if line.startswith("{")]


# -- pdf: false ------------------------------------------------------------------

def test_pdf_false_publishes_the_signed_originals_only(project):
    configure(project, "pdf: false")
    original = signed_pdf()
    project.add_bytes("2025/decision-2025-11-signee.pdf", original)
    project.add("2025/decision-2025-11.md",
                VALID_DECISION.replace("---\n\n#", "original: decision-2025-11-signee.pdf\n---\n\n#"))
    project.add("2025/decision-2025-12.md", decision(12))
    assert register_of(project).diagnostics == []
    built(project)

    with_original = downloads_section(project.page("actes/decision-2025-11"))
    assert with_original is not None
    assert 'href="decision-2025-11-original.pdf"' in with_original and "Acte signé (original)" in with_original
    assert "PDF/A" not in with_original and 'href="decision-2025-11.pdf"' not in with_original
    assert (project.site / "actes/decision-2025-11/decision-2025-11-original.pdf").read_bytes() == original

    page = project.page("actes/decision-2025-12")
    assert downloads_section(page) is None and "Télécharger" not in text_of(page)
    assert "Décision du maire n°12/2025" in text_of(page)  # the page itself is there

    assert sorted(p.name for p in project.site.glob("actes/*/*.pdf")) == ["decision-2025-11-original.pdf"]
    assert not list((project.root / ".cache" / "registre").glob("pdf/*/*.pdf"))

    project.registre("seal", check=True)
    files = {line["acte"]: line["fichiers"] for line in ledger_lines(project)}
    assert set(files) == {"decision-2025-11", "decision-2025-12"}
    assert [f["role"] for f in files["decision-2025-11"]] == ["original"]
    assert files["decision-2025-12"] == []


# -- annees ----------------------------------------------------------------------

ARRETE_2024 = ARRETE_INDIVIDUEL.replace("2025-", "2024-").replace("20250303", "20240303")


def test_annees_builds_the_act_pages_of_those_years_and_lists_every_act(project):
    configure(project, "annees: [2025]")
    project.add("2024/arrete-2024-1.md", ARRETE_2024)
    project.add("2025/decision-2025-11.md", VALID_DECISION)
    project.add("2025/deliberation-2025-1.md", delib(1, "2025-07-03", extra="donne_acte: [decision-2025-11]\n"))
    assert [d for d in register_of(project).diagnostics if d.code != "seance.missing"] == []  # no séance file
    result = built(project)
    assert "seules les pages des actes de 2025 sont construites" in result.stderr

    assert (project.site / "actes/decision-2025-11/index.html").is_file()
    assert (project.site / "actes/decision-2025-11/decision-2025-11.pdf").is_file()
    assert (project.site / "actes/deliberation-2025-1/index.html").is_file()
    assert not (project.site / "actes/arrete-2024-1").exists()  # neither page nor PDF

    # The register-wide pages, feeds and exports still hold the acts of 2024.
    assert "2024" in text_of(project.page("registre"))
    assert "actes/arrete-2024-1/" in project.page("registre/2024/arrete")
    assert "Permission de voirie pour un échafaudage" in text_of(project.page("registre/2024/arrete"))
    assert "actes/arrete-2024-1/" in (project.site / "flux/actes.atom").read_text(encoding="utf-8")
    assert "actes/arrete-2024-1/" in (project.site / "flux/arrete.rss").read_text(encoding="utf-8")
    exported = json.loads((project.site / "donnees/actes.json").read_text(encoding="utf-8"))
    assert "arrete-2024-1" in json.dumps(exported)


@pytest.mark.parametrize("value", ["[deux-mille-vingt-cinq]", "[2025, l'an dernier]"])
def test_annees_with_something_else_than_a_year_fails_the_build_in_french(project, value):
    configure(project, f"annees: {value}")
    project.add("2025/decision-2025-11.md", VALID_DECISION)
    result = project.build()
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "annees" in output and "n'est pas une année" in output, output
    assert "Traceback" not in output


# -- long donné-acte lists --------------------------------------------------------

def test_deliberation_page_lists_20_decisions_and_links_to_the_seance_for_all(project):
    configure(project, "pdf: false")  # no PDF needed here: 26 acts build in seconds
    numbers = range(11, 36)  # 25 décisions
    for numero in numbers:
        project.add(f"2025/decision-2025-{numero}.md", decision(numero))
    listed = ", ".join(f"decision-2025-{n}" for n in numbers)
    project.add("2025/deliberation-2025-1.md", delib(1, "2025-07-03", extra=f"donne_acte: [{listed}]\n"))
    assert [d for d in register_of(project).diagnostics if d.code != "seance.missing"] == []  # no séance file
    built(project)

    page = project.page("actes/deliberation-2025-1")
    section = page.split('id="donne-acte-titre"', 1)[1].split("</section>", 1)[0]
    shown = linked_decisions(section)
    assert shown == [f"decision-2025-{n}" for n in numbers][:20]
    text = text_of(section)
    assert "5 autres décisions" in text
    assert "toutes les décisions (25) sur la page de la séance du 3 juillet 2025" in text
    assert re.search(r'href="(\.\./)*seances/2025-07-03/"', section)

    seance = project.page("seances/2025-07-03")
    on_seance = set(linked_decisions(seance))
    assert on_seance == {f"decision-2025-{n}" for n in numbers}


def test_deliberation_page_lists_every_decision_up_to_20(project):
    configure(project, "pdf: false")
    numbers = range(11, 31)  # exactly 20
    for numero in numbers:
        project.add(f"2025/decision-2025-{numero}.md", decision(numero))
    listed = ", ".join(f"decision-2025-{n}" for n in numbers)
    project.add("2025/deliberation-2025-1.md", delib(1, "2025-07-03", extra=f"donne_acte: [{listed}]\n"))
    built(project)
    section = project.page("actes/deliberation-2025-1").split('id="donne-acte-titre"', 1)[1].split("</section>")[0]
    assert linked_decisions(section) == [f"decision-2025-{n}" for n in numbers]
    assert "toutes les décisions" not in text_of(section)
