"""`registre init DOSSIER`: a commune's repository that builds, seals and verifies as created (issue 16).

Expected values are written by hand: the Luhn keys below were worked out on paper, the tribunals
read from article R221-3 of the code de justice administrative.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from test_ci_templates import LINT_CONFIG, base_env, bash, expand, git, run_github

from registre.authoring.new_register import (DEMO_ACTS, InitError, Installed, https_remote, installed_registre,
                                             render_manual_ci)
from registre.domain.identifiers import siret_problem
from registre.domain.tribunaux import tribunal_for, tribunaux

DAY = "2025-12-15"
# SIREN 214503005: from the right 5,0,0,3,0,5,4,1,2; doubled every second (0,6,1,2 after -9) = 9,
# others 5+0+0+4+2 = 11: 20, a multiple of 10.  SIRET 21450300500016: 15 + 15 = 30.
SIRET = "21450300500016"
SIREN = "214503005"
COMMIT = "0123456789abcdef0123456789abcdef01234567"
LOGICIEL = f"registre @ git+https://forge.example.org/outils/registre.git@{COMMIT}"
OPTIONS = ["--commune", "Saint-Martin-sur-Loire", "--siret", SIRET, "--departement", "45", "--habitants", "1234",
           "--maire-prenom", "Claire", "--maire-nom", "Durand", "--installation", "2020-05-25",
           "--adresse", "https://registre.test/"]


def env(**extra: str) -> dict:
    result = dict(os.environ)
    result.update(PYTHONPATH=str(ROOT / "site_plugins") + os.pathsep + result.get("PYTHONPATH", ""),
                  REGISTRE_DATE=DAY, NO_MKDOCS_2_WARNING="1")
    result.update(extra)
    return result


def registre(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "registre.cli", *args], cwd=cwd, env=env(), capture_output=True,
                          text=True, stdin=subprocess.DEVNULL)


def init(tmp_path: Path, *extra: str, name: str = "registre") -> subprocess.CompletedProcess:
    return registre("init", name, *OPTIONS, "--logiciel", LOGICIEL, *extra, cwd=tmp_path)


def commit_all(work: Path, message: str) -> None:
    git(work, "add", ".")
    git(work, "-c", "user.name=Mairie", "-c", "user.email=mairie@example.org", "commit", "-q", "-m", message)


def no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stderr, result.stderr


# -- SIRET, tribunal --------------------------------------------------------------------------------

def test_siret_luhn_key():
    assert siret_problem(SIRET) is None
    assert siret_problem("214 503 005 00016") is None  # as printed on an avis de situation
    assert siret_problem("21660228400012") is None  # Villeneuve-la-Rivière, the demo
    wrong_key = siret_problem("21450300500017")
    assert wrong_key and "clé de contrôle" in wrong_key.message and "21450300500017" in wrong_key.message
    swapped = siret_problem("21450300500061")  # two digits inverted: 16 → 61
    assert swapped and "inversés" in swapped.message
    short = siret_problem("2145030050001")
    assert short and "14 chiffres" in short.message and "13" in short.message


def test_wrong_siret_is_a_french_error_and_writes_nothing(tmp_path):
    options = [o if o != SIRET else "21450300500017" for o in OPTIONS]
    result = registre("init", "registre", *options, "--logiciel", LOGICIEL, cwd=tmp_path)
    assert result.returncode == 1
    no_traceback(result)
    assert "registre init : erreur : --siret : le SIRET « 21450300500017 » n'est pas valide" in result.stderr
    assert "Correction :" in result.stderr
    assert not (tmp_path / "registre").exists()


@pytest.mark.parametrize("code, tribunal, town", [
    ("66", "tribunal administratif de Montpellier", "34063 Montpellier"),
    ("066", "tribunal administratif de Montpellier", "34063 Montpellier"),
    ("07", "tribunal administratif de Nîmes", "30941 Nîmes"),  # not Lyon since 2006
    ("7", "tribunal administratif de Nîmes", "30941 Nîmes"),
    ("2a", "tribunal administratif de Bastia", "20407 Bastia"),
    ("2B", "tribunal administratif de Bastia", "20407 Bastia"),
    ("45", "tribunal administratif d'Orléans", "45057 Orléans"),
    ("92", "tribunal administratif de Cergy-Pontoise", "95027 Cergy-Pontoise"),
    ("93", "tribunal administratif de Montreuil", "93100 Montreuil"),
    ("94", "tribunal administratif de Melun", "77008 Melun"),
    ("91", "tribunal administratif de Versailles", "78011 Versailles"),
    ("36", "tribunal administratif de Limoges", "87000 Limoges"),
    ("974", "tribunal administratif de La Réunion", "Saint-Denis"),
    ("976", "tribunal administratif de Mayotte", "97600 Mamoudzou"),
])
def test_tribunal_derived_from_the_departement(code, tribunal, town):
    entry = tribunal_for(code)
    assert entry is not None and entry.tribunal == tribunal and town in entry.adresse


def test_table_covers_every_departement():
    expected = {f"{n:02d}" for n in range(1, 96) if n != 20} | {"2A", "2B"} | {str(n) for n in range(971, 977)}
    assert set(tribunaux()) == expected
    assert tribunal_for("20") is None and tribunal_for("977") is None and tribunal_for("Loiret") is None
    assert all(e.adresse and e.tribunal.startswith("tribunal administratif d") for e in tribunaux().values())


def test_unknown_departement_is_refused(tmp_path):
    options = [o if o != "45" else "96" for o in OPTIONS]
    result = registre("init", "registre", *options, "--logiciel", LOGICIEL, cwd=tmp_path)
    assert result.returncode == 1
    no_traceback(result)
    assert "« 96 » n'est pas un code de département connu" in result.stderr


# -- the folder ---------------------------------------------------------------------------------------

def test_non_empty_folder_is_refused(tmp_path):
    folder = tmp_path / "registre"
    folder.mkdir()
    (folder / "notes.txt").write_text("à garder\n", encoding="utf-8")
    result = init(tmp_path)
    assert result.returncode == 1
    no_traceback(result)
    assert "n'est pas vide (notes.txt)" in result.stderr and "Correction :" in result.stderr
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "à garder\n"


def test_missing_options_without_a_terminal_are_named(tmp_path):
    result = registre("init", "registre", "--commune", "Saint-Martin-sur-Loire", "--logiciel", LOGICIEL, cwd=tmp_path)
    assert result.returncode == 1
    no_traceback(result)
    assert "il manque --siret, --departement, --habitants, --maire-prenom" in result.stderr
    assert not (tmp_path / "registre").exists()


# -- what it writes -------------------------------------------------------------------------------------

PLACEHOLDERS = ("VOTRE-ORGANISATION", "VOTRE-GROUPE", "@v0.1.0", "<!-- À COMPLÉTER", "# À COMPLÉTER", "((", "(%", "None")


def test_created_repository(tmp_path):
    result = init(tmp_path)
    assert result.returncode == 0, result.stderr
    work = tmp_path / "registre"
    files = sorted(str(p.relative_to(work)) for p in work.rglob("*") if p.is_file())
    assert files == [".github/workflows/publier.yml", ".gitignore", ".gitlab-ci.yml", "README.md", "acts/.gitkeep",
                     "docs/accessibilite.md", "docs/aide.md", "docs/index.md", "mkdocs.yml", "requirements.lock"]
    assert (work / ".gitignore").read_text(encoding="utf-8").split() == ["site/", ".cache/", "public/"]
    config = yaml.safe_load((work / "mkdocs.yml").read_text(encoding="utf-8"))
    block = next(p["registre"] for p in config["plugins"] if isinstance(p, dict))
    assert block["commune"] == "Saint-Martin-sur-Loire" and block["siret"] == SIRET and block["departement"] == "45"
    assert block["habitants"] == 1234 and [str(d) for d in block["mandats"]] == ["2020-05-25"]
    assert block["tribunal"] == {"nom": "tribunal administratif d'Orléans",
                                 "adresse": "28 rue de la Bretonnerie, 45057 Orléans Cedex 1"}
    assert block["signataire"] == {"prenom": "Claire", "nom": "DURAND", "qualite": "Maire"}
    assert "demo" not in block and config["site_url"] == "https://registre.test/"
    assert f"SIREN : {SIREN}" in result.stdout
    for path in work.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            for placeholder in PLACEHOLDERS:
                assert placeholder not in text, f"{path.relative_to(work)} : « {placeholder} »"
    assert "Villeneuve" not in "".join(p.read_text(encoding="utf-8") for p in (work / "docs").iterdir())
    readme = (work / "README.md").read_text(encoding="utf-8")
    for needed in ("Settings > Pages", "Source : « GitHub Actions »", "60 jours sans activité",
                   "Enable workflow", "Pipeline schedules", "REGISTRE_JETON", COMMIT):
        assert needed in readme, needed


def generated_workflows(work: Path) -> tuple[dict, dict]:
    github = yaml.safe_load((work / ".github" / "workflows" / "publier.yml").read_text(encoding="utf-8"))
    gitlab = yaml.safe_load((work / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    return github, gitlab


def test_generated_workflows_pass_yamllint_and_install_this_registre(tmp_path):
    from yamllint import linter
    from yamllint.config import YamlLintConfig

    assert init(tmp_path).returncode == 0
    work = tmp_path / "registre"
    for path in (work / ".github" / "workflows" / "publier.yml", work / ".gitlab-ci.yml"):
        problems = list(linter.run(path.read_text(encoding="utf-8"), YamlLintConfig(LINT_CONFIG), str(path)))
        assert problems == [], [f"{path.name}:{p.line}: {p.message}" for p in problems]
    github, gitlab = generated_workflows(work)
    assert github["env"]["REGISTRE"] == LOGICIEL and gitlab["variables"]["REGISTRE"] == LOGICIEL
    steps = github["jobs"]["publier"]["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@") and steps[0]["with"]["fetch-depth"] == 0
    assert gitlab["variables"]["GIT_DEPTH"] == 0
    assert any(s.get("with", {}).get("path") == ".cache/registre/" for s in steps)
    assert any(c["paths"] == [".cache/registre/"] for c in gitlab["pages"]["cache"])
    assert github["on"]["schedule"][0]["cron"].endswith("* * *")
    runs = [s.get("run", "") for s in steps]
    order = [next(i for i, r in enumerate(runs) if word in r)
             for word in ("registre check", "registre pdf", "registre seal", "mkdocs build")]
    assert order == sorted(order)
    assert next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/deploy-pages@")) > order[-1]
    script = gitlab["pages"]["script"]
    assert [next(i for i, line in enumerate(script) if word in line)
            for word in ("registre check", "registre pdf", "registre seal", "mkdocs build")] == [0, 1, 2, 4]


def test_project_ci_templates_are_the_init_templates_for_a_copy_by_hand():
    """ci/ is what init writes, with the values a commune fills by hand: one source for both."""
    for forge, path in (("github", ROOT / "ci" / "github" / "publier.yml"),
                        ("gitlab", ROOT / "ci" / "gitlab" / ".gitlab-ci.yml")):
        assert render_manual_ci(forge) == path.read_text(encoding="utf-8"), (
            f"{path.relative_to(ROOT)} diffère de site_plugins/registre/init_templates/ : reportez la modification "
            "dans le modèle, puis régénérez ci/ avec "
            f"render_manual_ci('{forge}') (registre.authoring.new_register)")


def test_packaged_demo_acts_are_the_project_demo():
    """--demo copies the project's demo acts, shipped in the package (init_templates/demo/acts)."""
    project = {p.relative_to(ROOT / "acts"): p.read_bytes() for p in (ROOT / "acts").rglob("*")
               if p.is_file() and p.name != "registre.lock"}
    packaged = {p.relative_to(DEMO_ACTS): p.read_bytes() for p in DEMO_ACTS.rglob("*") if p.is_file()}
    assert packaged == project, ("les actes de démonstration du paquet diffèrent de acts/ : recopiez acts/ dans "
                                 "site_plugins/registre/init_templates/demo/acts/ (sans registre.lock)")


# -- end to end -----------------------------------------------------------------------------------------

def fill(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"date:  # À COMPLÉTER[^\n]*", f"date: {DAY}", text)
    text = re.sub(r"<!-- À COMPLÉTER[^>]*-->", "Les tarifs de la cantine scolaire sont fixés à 3,20 euros.", text)
    path.write_text(text, encoding="utf-8")


def test_init_new_check_seal_build_verify(tmp_path):
    assert init(tmp_path).returncode == 0
    work = tmp_path / "registre"
    git(work, "init", "-q", "-b", "main")
    commit_all(work, "Registre des actes")
    created = registre("new", "decision", "--objet", "Tarifs de la cantine scolaire", "--alinea", "2",
                       "--delegation", "2020-06-11", "--matiere", "7.1", cwd=work)
    assert created.returncode == 0, created.stderr
    act = work / created.stdout.strip()
    assert act == work / "acts" / "2025" / "decision-2025-1.md"
    text = act.read_text(encoding="utf-8")
    assert "nom: DURAND" in text and f'045-{SIREN}-20251215' in text and "tribunal administratif d'Orléans" in text
    unfilled = registre("check", cwd=work)
    assert unfilled.returncode == 1 and "À COMPLÉTER" in unfilled.stdout + unfilled.stderr
    fill(act)
    checked = registre("check", cwd=work)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "1 acte lu" in checked.stdout + checked.stderr and "0 erreur" in checked.stdout + checked.stderr
    commit_all(work, "Décision n°1/2025")
    sealed = registre("seal", cwd=work)
    assert sealed.returncode == 0, sealed.stdout + sealed.stderr
    ledger = (work / "acts" / "registre.lock").read_text(encoding="utf-8").splitlines()
    assert len(ledger) == 1 and '"decision-2025-1"' in ledger[0]
    commit_all(work, "Scellement")
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=work, env=env(),
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    page = (work / "site" / "actes" / "decision-2025-1" / "index.html").read_text(encoding="utf-8")
    assert "Tarifs de la cantine scolaire" in page and "Saint-Martin-sur-Loire" in page
    assert "tribunal administratif d&#39;Orléans" in page or "tribunal administratif d'Orléans" in page
    home = (work / "site" / "index.html").read_text(encoding="utf-8")
    assert "Saint-Martin-sur-Loire" in home and "Loiret" in home
    assert (work / "site" / "accessibilite" / "index.html").is_file() and (work / "site" / "aide" / "index.html").is_file()
    verified = registre("verify", "site", cwd=work)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "1 acte scellé" in verified.stdout + verified.stderr and "0 erreur" in verified.stdout + verified.stderr


def test_demo_register_is_adapted_to_the_commune(tmp_path):
    assert init(tmp_path, "--demo").returncode == 0
    work = tmp_path / "registre"
    acts = sorted(p.name for p in (work / "acts" / "2025").glob("*.md"))
    assert acts == sorted(p.name for p in (DEMO_ACTS / "2025").glob("*.md"))
    decision = (work / "acts" / "2025" / "decision-2025-12.md").read_text(encoding="utf-8")
    assert f'ar: "045-{SIREN}-20250616-DEC2025_12-AU"' in decision
    assert "nom: \"DURAND\"" in decision and "PASCAL" not in decision and "Villeneuve" not in decision
    assert "Le Maire de la commune de Saint-Martin-sur-Loire," in decision
    block = next(p["registre"] for p in yaml.safe_load((work / "mkdocs.yml").read_text(encoding="utf-8"))["plugins"]
                 if isinstance(p, dict))
    assert block["demo"] is True and block["premiers_numeros"] == {"decision": {2025: 11}}
    checked = registre("check", cwd=work)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "12 actes lus" in checked.stdout + checked.stderr


def pipeline_repo(tmp_path: Path) -> tuple[Path, Path]:
    """The generated demo register in git, with a bare « origin » for the ledger's push."""
    assert init(tmp_path, "--demo").returncode == 0
    work = tmp_path / "registre"
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "--bare", "-q", "-b", "main", str(origin))
    git(work, "init", "-q", "-b", "main")
    git(work, "config", "user.name", "Secrétariat de mairie")
    git(work, "config", "user.email", "mairie@example.org")
    git(work, "add", ".")
    git(work, "commit", "-q", "-m", "Registre des actes")
    git(work, "remote", "add", "origin", str(origin))
    git(work, "push", "-q", "origin", "main")
    return work, origin


def test_generated_github_steps_run_against_a_git_repository(tmp_path):
    work, origin = pipeline_repo(tmp_path)
    github, _ = generated_workflows(work)
    steps = [s for s in github["jobs"]["publier"]["steps"] if "run" in s]
    run_env = base_env(**{k: str(v) for k, v in github["env"].items() if k != "REGISTRE"}, GITHUB_REF_NAME="main",
                       GITHUB_ACTIONS="true", CI="true")
    results = run_github(steps, work, run_env)
    for name, result in results.items():
        assert result.returncode == 0, f"{name}\n{result.stdout}\n{result.stderr}"
    assert len(results) == 5
    assert git(origin, "log", "-1", "--format=%s", "main").startswith("Scellement des actes publiés au ")
    assert '"decision-2025-12"' in git(origin, "show", "main:acts/registre.lock")
    page = (work / "site" / "actes" / "decision-2025-12" / "index.html").read_text(encoding="utf-8")
    assert "Saint-Martin-sur-Loire" in page


def test_generated_gitlab_pages_job_runs_against_a_git_repository(tmp_path):
    work, origin = pipeline_repo(tmp_path)
    _, gitlab = generated_workflows(work)
    run_env = base_env(CI="true", GITLAB_CI="true", CI_PIPELINE_SOURCE="schedule", CI_COMMIT_BRANCH="main",
                       CI_DEFAULT_BRANCH="main", CI_PROJECT_DIR=str(work), CI_SERVER_HOST="gitlab.example.org",
                       CI_PROJECT_PATH="mairie/registre", REGISTRE_DEPOT=str(origin))
    variables = {k: expand(str(v), run_env) for k, v in gitlab["variables"].items() if k != "REGISTRE"}
    result = bash("\n".join(gitlab["default"]["before_script"] + gitlab["pages"]["script"]), work,
                  {**run_env, **variables})
    assert result.returncode == 0, result.stdout + result.stderr
    assert git(origin, "log", "-1", "--format=%s", "main").startswith("Scellement des actes publiés au ")
    assert (work / "public" / "actes" / "decision-2025-12" / "index.html").is_file()


# -- which registre the CI installs ------------------------------------------------------------------------

class FakeDistribution:
    def __init__(self, version: str, direct_url: dict | None):
        self.version = version
        self._direct = None if direct_url is None else json.dumps(direct_url)

    def read_text(self, name: str) -> str | None:
        return self._direct if name == "direct_url.json" else None


def test_released_version_is_pinned():
    assert installed_registre(FakeDistribution("0.3.1", None)).requirement == "registre==0.3.1"


def test_vcs_install_is_pinned_to_its_commit():
    info = {"url": "https://forge.example.org/outils/registre.git",
            "vcs_info": {"vcs": "git", "commit_id": COMMIT, "requested_revision": "main"}}
    assert installed_registre(FakeDistribution("0.1.0", info)).requirement == LOGICIEL


def test_archive_install_keeps_its_hash():
    info = {"url": "https://forge.example.org/registre-0.2.0.tar.gz",
            "archive_info": {"hashes": {"sha256": "ab" * 32}}}
    assert installed_registre(FakeDistribution("0.2.0", info)).requirement == (
        "registre @ https://forge.example.org/registre-0.2.0.tar.gz#sha256=" + "ab" * 32)
    with pytest.raises(InitError, match="archive locale"):
        installed_registre(FakeDistribution("0.2.0", {"url": "file:///tmp/registre.tar.gz", "archive_info": {}}))


def test_editable_checkout_uses_its_origin_and_head(tmp_path):
    checkout = tmp_path / "registre-src"
    checkout.mkdir()
    git(checkout, "init", "-q", "-b", "main")
    (checkout / "pyproject.toml").write_text("[project]\nname = 'registre'\n", encoding="utf-8")
    commit_all(checkout, "registre")
    head = git(checkout, "rev-parse", "HEAD")
    editable = {"url": checkout.as_uri(), "dir_info": {"editable": True}}
    with pytest.raises(InitError) as refused:  # no origin: the CI could not install it
        installed_registre(FakeDistribution("0.1.0", editable))
    assert "n'a pas de dépôt distant « origin »" in refused.value.message and "--logiciel" in refused.value.fix
    git(checkout, "remote", "add", "origin", "git@github.com:mairies/registre.git")
    installed = installed_registre(FakeDistribution("0.1.0", editable))
    assert installed.requirement == f"registre @ git+https://github.com/mairies/registre.git@{head}"
    assert any("n'est sur aucune branche" in w for w in installed.warnings)  # never pushed
    (checkout / "pyproject.toml").write_text("[project]\nname = 'registre'\nversion = '0.2'\n", encoding="utf-8")
    assert any("modifications non enregistrées" in w for w in installed_registre(
        FakeDistribution("0.1.0", editable)).warnings)
    with pytest.raises(InitError, match="n'est pas un dépôt git"):
        installed_registre(FakeDistribution("0.1.0", {"url": (tmp_path / "ailleurs").as_uri(), "dir_info": {}}))


def test_https_remote():
    assert https_remote("git@gitlab.com:mairie/registre.git") == "https://gitlab.com/mairie/registre.git"
    assert https_remote("ssh://git@forge.example.org/a/registre.git") == "https://forge.example.org/a/registre.git"
    assert https_remote("https://github.com/a/registre.git") == "https://github.com/a/registre.git"


def test_logiciel_option_is_checked():
    assert installed_registre(override="registre==0.2.0") == Installed("registre==0.2.0",
                                                                        "registre==0.2.0 (indiqué avec --logiciel)")
    with pytest.raises(InitError, match="que pip comprend"):
        installed_registre(override="requests==2.0")


# -- reproducible installs -------------------------------------------------------------------------

def _pins(text: str) -> list[tuple[str, str]]:
    """(name, version) of each pinned line (a universal lock may pin a name twice, under two markers)."""
    return re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", text, re.M)


def test_the_new_repository_installs_its_dependencies_from_a_lock_with_hashes(tmp_path):
    result = init(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    work = tmp_path / "registre"
    lock = (work / "requirements.lock").read_text(encoding="utf-8")
    pins = _pins(lock)
    assert {"mkdocs", "mkdocs-material", "weasyprint", "pydyf", "nh3", "pyyaml"} <= {name for name, _ in pins}
    # Every pin carries its hashes, and the versions are those the project itself is tested with.
    assert len(pins) >= 40 and lock.count("--hash=sha256:") >= len(pins)
    project = set(_pins((ROOT / "requirements.lock").read_text(encoding="utf-8")))
    assert [pin for pin in pins if pin not in project] == []
    for workflow in (work / ".github" / "workflows" / "publier.yml", work / ".gitlab-ci.yml"):
        text = workflow.read_text(encoding="utf-8")
        assert "--require-hashes -r requirements.lock" in text and '--no-deps "$REGISTRE"' in text
