"""A secretary's day: `registre new` → fill → `registre check` → commit → `mkdocs build` → online."""

from __future__ import annotations

import re
import subprocess

from conftest import DEMO_TODAY


def git(project, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=project.root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def fill(text: str, values: dict[str, str], body: dict[str, str]) -> str:
    """Type the values after the colon of the lines marked « À COMPLÉTER », as staff do."""
    lines = []
    for line in text.split("\n"):
        match = re.match(r"^(\s*)([a-z_]+):\s+# À COMPLÉTER", line)
        if match and match[2] in values:
            line = f"{match[1]}{match[2]}: {values[match[2]]}"
        lines.append(line)
    text = "\n".join(lines)
    for placeholder, replacement in body.items():
        text = re.sub(rf"<!-- À COMPLÉTER : {re.escape(placeholder)}[^>]*-->", replacement, text)
    return text


def test_new_act_fill_check_commit_build(project):
    git(project, "init", "-q", "-b", "main")
    git(project, "config", "user.name", "Secrétariat de mairie")
    git(project, "config", "user.email", "mairie@example.org")
    (project.root / ".gitignore").write_text("site/\n", encoding="utf-8")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "Registre vide")

    created = project.registre("new", "decision", check=True)
    rel = created.stdout.strip()
    assert rel == "acts/2025/decision-2025-11.md"
    path = project.root / rel
    assert project.registre("check").returncode == 1  # not publishable until filled

    objet = "Contrat de maintenance des cloches de l'église Saint-Martin"
    path.write_text(fill(path.read_text(encoding="utf-8"),
                         {"objet": objet, "alinea": "4", "date": DEMO_TODAY, "deliberation": "2020-06-11",
                          "matiere": '"1.1"'},
                         {"date": "11 juin 2020", "les autres visas": "Considérant la nécessité d'entretenir les cloches ;",
                          "ce que le maire décide": "Un contrat de maintenance est conclu avec la société "
                                                    "Campanaire SARL pour 450 € HT par an."}),
                    encoding="utf-8")
    check = project.registre("check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "0 erreur," in check.stdout

    git(project, "add", rel)
    git(project, "commit", "-q", "-m", "Décision du maire n°11/2025")
    assert git(project, "status", "--porcelain") == ""
    assert git(project, "log", "-1", "--name-only", "--format=%s").split("\n") == [
        "Décision du maire n°11/2025", "", rel]

    build = project.build("--strict")
    assert build.returncode == 0, build.stdout + build.stderr
    page = project.page("actes/decision-2025-11")
    assert "Décision du maire n°11/2025" in page
    assert "Contrat de maintenance des cloches de l&#39;église Saint-Martin" in page or objet in page
    assert "Campanaire SARL" in page
    assert "Patrick" in page and "PASCAL" in page
    assert "À COMPLÉTER" not in page
    listing = project.page("registre/2025/decision")
    assert "actes/decision-2025-11/" in listing
