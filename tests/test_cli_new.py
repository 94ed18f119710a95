"""`registre new`: the next act file, numbered from the register, never overwriting."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path

import pytest
from conftest import DEMO_TODAY, VALID_DECISION

from registre.build.load import load_register
from registre.domain.config import load_config
from registre.domain.model import ActType
from registre.source.frontmatter import read_source
from registre.source.schema import read_act


def demo_numbers(project, act_type: ActType, year: int) -> set[int]:
    config = load_config(project.root / "mkdocs.yml")
    register = load_register(project.acts, config, run_rules=False)
    return {a.numero for a in register.acts if a.type is act_type and a.year == year}


def front_values(path: Path) -> dict:
    """The front matter as raw texts (plain scalars), without the schema's checks."""
    source = read_source(str(path), path.read_bytes())
    from registre.source.schema import to_plain
    return to_plain(source.front)


def check_json(project, *args: str) -> tuple[int, list[dict]]:
    result = project.registre("check", "--format", "json", *args)
    return result.returncode, json.loads(result.stdout)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_decision_takes_the_next_number_today_and_the_config_defaults(demo):
    numbers = demo_numbers(demo, ActType.DECISION, 2025)
    expected = max(numbers) + 1
    result = demo.registre("new", "decision")
    assert result.returncode == 0, result.stderr
    path_text = result.stdout.strip()
    assert path_text == f"acts/2025/decision-2025-{expected}.md"
    assert "À COMPLÉTER" in result.stderr and "registre check" in result.stderr
    path = demo.root / path_text
    values = front_values(path)
    assert values["type"] == "decision"
    assert values["numero"] == str(expected)
    assert values["date"] == DEMO_TODAY
    assert values["signataire"] == {"prenom": "Patrick", "nom": "PASCAL", "qualite": "Maire"}
    # The délibération of delegation is taken from the last décision of the register.
    config = load_config(demo.root / "mkdocs.yml")
    register = load_register(demo.acts, config, run_rules=False)
    last = max((a for a in register.acts if a.type is ActType.DECISION), key=lambda a: (a.date, a.numero))
    assert values["delegation"]["deliberation"] == last.delegation.deliberation.isoformat()
    assert values["objet"] == "" and values["delegation"]["alinea"] == ""
    assert values["transmission"] == {"en_attente": "true"}
    text = path.read_text(encoding="utf-8")
    assert "# objet" not in text and "objet:  # À COMPLÉTER" in text
    assert f"DÉCISION DU MAIRE N°{expected}/2025" in text
    assert "Fait à Villeneuve-la-Rivière, le 15 décembre 2025." in text
    assert "Le Maire,\n\nPatrick PASCAL" in text
    assert "tribunal administratif de Montpellier" in text  # recours default named from the config


def test_an_unfilled_file_fails_check_naming_each_line_to_complete(demo):
    path = demo.root / demo.registre("new", "decision", check=True).stdout.strip()
    code, diags = check_json(demo)
    assert code == 1
    mine = [d for d in diags if d["path"] == str(path.relative_to(demo.root))]
    lines = path.read_text(encoding="utf-8").split("\n")
    by_code = {}
    for d in mine:
        by_code.setdefault(d["code"], []).append(d)
        assert d["message"] and d["fix"]
    assert {"objet", "delegation.alinea", "publication.date"} <= {
        re.search(r"« ([a-z_.]+) »", d["message"])[1] for d in by_code["value.empty"]}
    for d in by_code["value.empty"]:
        assert "À COMPLÉTER" in lines[d["line"] - 1]  # the line named is the one to fill
    placeholders = by_code["placeholder.left"]
    assert len(placeholders) == 2  # considérants, article 1
    for d in placeholders:
        assert "À COMPLÉTER" in lines[d["line"] - 1]


def test_each_new_file_gets_the_following_number_even_before_it_is_filled(demo):
    first = demo.registre("new", "arrete", check=True).stdout.strip()
    second = demo.registre("new", "arrete", check=True).stdout.strip()
    n1 = int(re.search(r"-(\d+)\.md$", first)[1])
    assert second.endswith(f"arrete-2025-{n1 + 1}.md")
    assert n1 == max(demo_numbers(demo, ActType.ARRETE, 2025)) + 1


def test_first_number_of_a_register_comes_from_premiers_numeros(project):
    assert project.registre("new", "decision", check=True).stdout.strip() == "acts/2025/decision-2025-11.md"
    assert project.registre("new", "arrete", check=True).stdout.strip() == "acts/2025/arrete-2025-1.md"
    # Another year starts again at 1, in its own folder.
    out = project.registre("new", "deliberation", "--date", "2024-03-01", check=True).stdout.strip()
    assert out == "acts/2024/deliberation-2024-1.md"


def test_options_fill_the_file_and_accents_are_accepted(project):
    result = project.registre("new", "arrêté", "--date", "2025-06-02", "--objet",
                              "Stationnement : rue de la Poste # côté pair", "--portee", "individuel",
                              "--matiere", "6.1", check=True)
    path = project.root / result.stdout.strip()
    values = front_values(path)
    assert values["type"] == "arrete" and values["date"] == "2025-06-02"
    assert values["objet"] == "Stationnement : rue de la Poste # côté pair"  # quoted safely
    assert values["portee"] == "individuel" and values["matiere"] == "6.1"
    assert values["notification"] == {"date": ""}  # individual act: notified, not published
    assert "publication" not in values


def test_a_filled_file_passes_check(project):
    path = project.root / project.registre(
        "new", "decision", "--date", "2025-06-02", "--objet", "Contrat d'entretien de l'éclairage public",
        "--alinea", "4", "--publication", "2025-06-03", "--delegation", "2020-06-11", "--matiere", "1.1",
        check=True).stdout.strip()
    text = path.read_text(encoding="utf-8")
    text = text.replace("<!-- À COMPLÉTER : les autres visas (« Vu … ») et les considérants (« Considérant … »). -->",
                        "Considérant la nécessité d'entretenir l'éclairage public ;")
    text = text.replace("<!-- À COMPLÉTER : ce que le maire décide. -->",
                        "Un contrat d'entretien est conclu avec la société Lumière SARL.")
    path.write_text(text, encoding="utf-8")
    result = project.registre("check")
    assert result.returncode == 0, result.stdout + result.stderr
    source = read_source(str(path), path.read_bytes())
    act, diags = read_act(source, acts_root_rel="2025/decision-2025-11.md", today=date(2025, 12, 15))
    assert act is not None and act.delegation.alinea == 4 and act.publication == date(2025, 6, 3)


def test_never_overwrites(project):
    existing = project.add("2025/decision-2025-11.md", VALID_DECISION)
    before = sha(existing)
    result = project.registre("new", "decision", "--numero", "11")
    assert result.returncode == 1
    assert "déjà pris" in result.stderr and "acts/2025/decision-2025-11.md" in result.stderr
    assert "Correction" in result.stderr
    assert sha(existing) == before
    # A file named like the next act, even unreadable, is never overwritten: the number moves on.
    broken = project.add("2025/decision-2025-12.md", "pas d'en-tête\n")
    out = project.registre("new", "decision", check=True).stdout.strip()
    assert out == "acts/2025/decision-2025-13.md"
    assert broken.read_text(encoding="utf-8") == "pas d'en-tête\n"


@pytest.mark.parametrize("args, words", [
    (("new", "decret"), ["type d'acte inconnu", "deliberation, arrete ou decision"]),
    (("new", "decision", "--date", "30/05/2025"), ["n'est pas une date au format AAAA-MM-JJ"]),
    (("new", "decision", "--date", "2026-03-01"), ["postérieure à aujourd'hui", "--publication"]),
    (("new", "decision", "--alinea", "31"), ["29 alinéas"]),
    (("new", "decision", "--portee", "generale"), ["choix invalide", "valeurs possibles"]),
    (("new",), ["arguments obligatoires manquants"]),
])
def test_bad_input_gets_a_french_error_and_writes_nothing(project, args, words):
    result = project.registre(*args)
    assert result.returncode != 0
    for word in words:
        assert word in result.stderr, result.stderr
    assert not list(project.acts.rglob("*.md"))


def test_without_mkdocs_yml_the_error_says_where_to_run(tmp_path):
    from conftest import Project

    project = Project(tmp_path / "r")
    (project.root / "mkdocs.yml").unlink()
    result = project.registre("new", "decision")
    assert result.returncode == 2
    assert "mkdocs.yml introuvable" in result.stderr


def test_new_deliberation_lists_the_decisions_to_report(demo):
    path = demo.root / demo.registre("new", "deliberation", check=True).stdout.strip()
    text = path.read_text(encoding="utf-8")
    config = load_config(demo.root / "mkdocs.yml")
    pending = load_register(demo.acts, config, run_rules=False).donne_acte.pending
    assert pending
    assert f"# donne_acte: [{', '.join(a.identifier for a in pending)}]" in text
    values = front_values(path)
    assert set(values["vote"]) == {"presents", "votants", "pour", "contre", "abstentions"}


@pytest.mark.parametrize("command", ["", "check", "new", "import", "donne-acte", "registre-deliberations",
                                     "registre-arretes"])
def test_help_is_in_french(project, command):
    result = project.registre(*([command] if command else []), "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("utilisation : registre")
    assert "afficher cette aide et quitter" in result.stdout
    for english in ("usage:", "show this help", "optional arguments", "positional arguments"):
        assert english not in result.stdout


def test_check_json_for_editors_and_ci(project):
    project.add("2025/decision-2025-11.md", VALID_DECISION.replace(
        "objet: Convention ENT-école 2025-2026", "objet: À compléter"))
    code, diags = check_json(project)
    assert code == 1
    (diag,) = [d for d in diags if d["severity"] == "erreur"]
    assert set(diag) == {"path", "line", "severity", "message", "fix", "code"}
    assert diag == {"path": "acts/2025/decision-2025-11.md", "line": 5, "severity": "erreur",
                    "message": "« objet » contient encore « À COMPLÉTER ».",
                    "fix": "remplacez « À COMPLÉTER » par la valeur de l'acte signé.", "code": "placeholder.left"}
    project.add("2025/decision-2025-11.md", VALID_DECISION)
    code, diags = check_json(project)
    assert (code, diags) == (0, [])


def test_guide_commands_exist_with_their_options(project):
    guide = (Path(__file__).resolve().parent.parent / "docs" / "guide-de-saisie.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:bash|console)\n(.*?)```", guide, re.S)
    commands = [line.split("#")[0].strip().lstrip("$ ").strip() for block in blocks for line in block.split("\n")]
    commands = [c for c in commands if c.startswith("registre ")]
    assert len(commands) >= 6
    seen = set()
    for command in commands:
        words = command.split()
        sub = words[1]
        if sub.startswith("-"):
            continue
        help_text = project.registre(sub, "--help").stdout
        assert help_text.startswith("utilisation : registre"), command
        for option in (w for w in words[2:] if w.startswith("--")):
            assert option in help_text, f"{command}: {option}"
        seen.add(sub)
    assert {"new", "check", "import", "donne-acte"} <= seen
