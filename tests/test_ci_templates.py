"""The CI templates a commune copies (GitHub Actions, GitLab CI) and the pre-commit hook.

The templates pass yamllint; their shell steps, all but the deployment to
Pages, run for real with bash in a temporary git clone of the demo register
(with a bare repository as « origin », so that the sealed ledger is pushed).
The package is already installed here: ``REGISTRE=registre`` with no index
makes the install step a no-op instead of a download.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, copy_demo

GITHUB = ROOT / "ci" / "github" / "publier.yml"
GITLAB = ROOT / "ci" / "gitlab" / ".gitlab-ci.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
LINT_CONFIG = """\
extends: default
rules:
  line-length: {max: 120}
  truthy: {check-keys: false}  # « on: » of GitHub Actions
"""
DAY = "2025-12-15"


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, Path]:
    """(working clone of the demo register, bare « origin » it pushes to)."""
    work = copy_demo(tmp_path / "mairie").root
    text = (work / "mkdocs.yml").read_text(encoding="utf-8")
    # « Today » comes from the runner (REGISTRE_DATE here), as in CI, not from mkdocs.yml.
    (work / "mkdocs.yml").write_text(re.sub(r"\n\s*date_reference: .*", "", text, count=1), encoding="utf-8")
    (work / "acts" / "registre.lock").unlink(missing_ok=True)
    (work / ".gitignore").write_text("site/\npublic/\n.cache/\n", encoding="utf-8")
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


def base_env(**extra: str) -> dict:
    env = dict(os.environ)
    for name in list(env):
        if name.startswith(("GITHUB_", "CI_", "GIT_")):
            del env[name]
    env.update(NO_MKDOCS_2_WARNING="1", PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
               REGISTRE="registre", REGISTRE_DATE=DAY)
    # The steps' « registre » and « mkdocs » run this checkout's code, whatever pip last installed.
    env["PYTHONPATH"] = str(ROOT / "site_plugins") + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def bash(script: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True)


# -- lint --------------------------------------------------------------------

def test_no_early_exit_reader_after_a_pipe():
    """Under « bash -eo pipefail » (GitHub's run steps), « ldconfig -p | grep -q x » fails now and then:
    grep -q stops at the first match, ldconfig gets SIGPIPE and the pipeline's status is 141, so the
    step took the « not installed » branch (sudo apt-get) at random. A reader must read to the end."""
    templates = [GITHUB, GITLAB, *sorted((ROOT / "site_plugins" / "registre" / "init_templates").rglob("*.yml"))]
    assert len(templates) >= 4
    for path in templates:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            assert not re.search(r"\|\s*(grep -q|head)\b", line), f"{path}:{number}: {line.strip()}"


@pytest.mark.parametrize("path", [GITHUB, GITLAB, HOOKS], ids=lambda p: p.name)
def test_templates_pass_yamllint(path):
    from yamllint import linter
    from yamllint.config import YamlLintConfig

    problems = list(linter.run(path.read_text(encoding="utf-8"), YamlLintConfig(LINT_CONFIG), str(path)))
    assert problems == [], [f"{p.line}: {p.message}" for p in problems]


# -- GitHub Actions ------------------------------------------------------------

def github_workflow() -> dict:
    data = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    return data


def github_run_steps(data: dict) -> list[dict]:
    steps = data["jobs"]["publier"]["steps"]
    return [s for s in steps if "run" in s]


def test_github_workflow_runs_on_push_and_every_day_and_may_push_the_ledger():
    data = github_workflow()
    on = data["on"]
    assert on["push"]["branches"] == ["main"]
    cron = on["schedule"][0]["cron"]
    minute, hour, day, month, weekday = cron.split()
    assert (day, month, weekday) == ("*", "*", "*") and minute.isdigit() and hour.isdigit()  # once a day
    assert data["permissions"]["contents"] == "write" and data["permissions"]["pages"] == "write"
    assert data["env"]["TZ"] == "Europe/Paris"
    uses = [s.get("uses", "") for s in data["jobs"]["publier"]["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    names = [s["name"] for s in github_run_steps(data)]
    assert [n.split(" (")[0] for n in names] == ["Installer le logiciel registre", "Vérifier les actes",
                                                 "Générer les PDF des actes", "Sceller les actes publiés",
                                                 "Construire le site"]
    # The PDF store is kept between runs, restored before « registre pdf » renders what is missing.
    steps = data["jobs"]["publier"]["steps"]
    cache = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/cache@"))
    assert steps[cache]["with"]["path"].rstrip("/") == ".cache/registre"
    assert "hashFiles('acts/**'" in steps[cache]["with"]["key"] and steps[cache]["with"]["restore-keys"]
    assert cache < next(i for i, s in enumerate(steps) if s.get("run") == "registre pdf")


def run_github(steps: list[dict], work: Path, env: dict, names: tuple[str, ...] = ()) -> dict[str, subprocess.CompletedProcess]:
    results = {}
    for step in steps:
        if names and not step["name"].startswith(names):
            continue
        result = bash(step["run"], work, {**env, **{k: str(v) for k, v in step.get("env", {}).items()}})
        results[step["name"].split(" (")[0]] = result
        if result.returncode != 0:
            break
    return results


def test_github_steps_check_seal_push_and_build_the_demo(repo):
    work, origin = repo
    data = github_workflow()
    env = base_env(**{k: str(v) for k, v in data["env"].items() if k != "REGISTRE"}, GITHUB_REF_NAME="main",
                   GITHUB_ACTIONS="true", CI="true")
    results = run_github(github_run_steps(data), work, env)
    for name, result in results.items():
        assert result.returncode == 0, f"{name}\n{result.stdout}\n{result.stderr}"
    assert len(results) == 5
    # « registre pdf » rendered every PDF ahead: seal and build reuse them.
    assert re.search(r"PDF des actes : [1-9]\d* générés", results["Générer les PDF des actes"].stdout)
    assert "registre : PDF des actes : 0 générés" in results["Construire le site"].stderr
    # The ledger was sealed, committed and pushed back.
    assert git(origin, "log", "-1", "--format=%s", "main").startswith("Scellement des actes publiés au ")
    assert "[skip ci]" in git(origin, "log", "-1", "--format=%s", "main")
    sealed = git(origin, "show", "main:acts/registre.lock").splitlines()
    assert any('"decision-2025-11"' in line for line in sealed)
    # The site is built, ready for the Pages artifact.
    page = (work / "site" / "actes" / "decision-2025-11" / "index.html").read_text(encoding="utf-8")
    assert "Convention de partenariat" in page
    # A second run has nothing to seal: no new commit.
    head = git(origin, "rev-parse", "main")
    again = run_github(github_run_steps(data), work, env, names=("Sceller",))
    assert again["Sceller les actes publiés"].returncode == 0
    assert git(origin, "rev-parse", "main") == head


def test_github_daily_run_puts_scheduled_acts_online(repo):
    work, origin = repo
    data = github_workflow()
    steps = github_run_steps(data)
    env = base_env(TZ="Europe/Paris", GITHUB_REF_NAME="main")
    assert bash("registre new decision --objet 'Tarifs de la cantine scolaire' --alinea 2 "
                "--publication 2025-12-16 --matiere 7.1", work, env).returncode == 0
    path = work / "acts" / "2025" / "decision-2025-14.md"
    if not path.exists():  # the demo may hold more décisions: take the file just created
        path = max((work / "acts" / "2025").glob("decision-2025-*.md"), key=lambda p: p.stat().st_mtime)
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"<!-- À COMPLÉTER[^>]*-->", "Texte de la décision.", text)
    path.write_text(text, encoding="utf-8")
    git(work, "add", ".")
    git(work, "commit", "-q", "-m", f"Nouvelle décision ({path.name})")
    identifier = path.stem
    today = run_github(steps, work, env, names=("Vérifier", "Sceller", "Construire"))
    assert all(r.returncode == 0 for r in today.values()), {k: r.stdout + r.stderr for k, r in today.items()}
    assert not (work / "site" / "actes" / identifier).exists()  # scheduled for tomorrow
    sealed_today = git(origin, "show", "main:acts/registre.lock")
    assert f'"{identifier}"' not in sealed_today
    tomorrow = run_github(steps, work, {**env, "REGISTRE_DATE": "2025-12-16"}, names=("Sceller", "Construire"))
    assert all(r.returncode == 0 for r in tomorrow.values())
    assert (work / "site" / "actes" / identifier / "index.html").is_file()
    assert f'"{identifier}"' in git(origin, "show", "main:acts/registre.lock")


def test_github_check_step_annotates_the_broken_line_and_fails(repo):
    work, _ = repo
    data = github_workflow()
    act = work / "acts" / "2025" / "decision-2025-12.md"
    act.write_text(act.read_text(encoding="utf-8").replace("alinea: 4", "alinea: quatre"), encoding="utf-8")
    line = next(i for i, l in enumerate(act.read_text(encoding="utf-8").split("\n"), 1) if "alinea:" in l)
    results = run_github(github_run_steps(data), work, base_env(GITHUB_REF_NAME="main"), names=("Vérifier",))
    result = results["Vérifier les actes"]
    assert result.returncode == 1
    assert f"::error file=acts/2025/decision-2025-12.md,line={line},title=registre check::" in result.stdout
    assert "Correction :" in result.stdout
    assert not (work / "registre-check.json").exists()


def late_acknowledgement(work: Path) -> None:
    """Décision 12 of 16 June 2025 still waits for its acknowledgement on 15 December: 182 days."""
    act = work / "acts" / "2025" / "decision-2025-12.md"
    text = act.read_text(encoding="utf-8")
    old = 'transmission:\n  date: 2025-06-17\n  ar: "066-216602284-20250616-DEC2025_12-AU"\n'
    assert old in text
    act.write_text(text.replace(old, "transmission:\n  en_attente: true\n"), encoding="utf-8")
    git(work, "commit", "-q", "-am", "Décision 12 : accusé de réception attendu")


def test_github_publication_is_not_stopped_by_a_late_acknowledgement(repo, tmp_path):
    work, _ = repo
    late_acknowledgement(work)
    data = github_workflow()
    summary = tmp_path / "resume.md"
    env = base_env(**{k: str(v) for k, v in data["env"].items() if k != "REGISTRE"}, GITHUB_REF_NAME="main",
                   GITHUB_ACTIONS="true", CI="true", GITHUB_STEP_SUMMARY=str(summary))
    results = run_github(github_run_steps(data), work, env)
    assert len(results) == 5
    for name, result in results.items():
        assert result.returncode == 0, f"{name}\n{result.stdout}\n{result.stderr}"
    check = results["Vérifier les actes"].stdout
    assert "::warning file=acts/2025/decision-2025-12.md,line=16,title=registre check::" in check
    assert "transmission en attente depuis 182 jours" in check
    report = summary.read_text(encoding="utf-8")
    assert "### Rappels (ne bloquent pas la publication)" in report
    assert "`acts/2025/decision-2025-12.md:16` : transmission en attente depuis 182 jours" in report
    # Every act is published, the late one with the truth: not executory yet.
    page = (work / "site" / "actes" / "decision-2025-12" / "index.html").read_text(encoding="utf-8")
    assert "pas encore : transmission au représentant de l'État en attente" in page
    assert (work / "site" / "actes" / "decision-2025-11" / "index.html").is_file()


# -- GitLab CI -------------------------------------------------------------------

def gitlab_config() -> dict:
    return yaml.safe_load(GITLAB.read_text(encoding="utf-8"))


def expand(value: str, env: dict) -> str:
    return re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m[1], ""), value)


def gitlab_job(name: str, work: Path, env: dict) -> subprocess.CompletedProcess:
    data = gitlab_config()
    job = data[name]
    variables = {k: expand(str(v), env) for k, v in data["variables"].items() if k != "REGISTRE"}
    script = "\n".join(data["default"]["before_script"] + job["script"])
    return bash(script, work, {**env, **variables})


def gitlab_env(work: Path, origin: Path, branch: str = "main") -> dict:
    return base_env(CI="true", GITLAB_CI="true", CI_PIPELINE_SOURCE="push", CI_COMMIT_BRANCH=branch,
                    CI_DEFAULT_BRANCH="main", CI_PROJECT_DIR=str(work), CI_SERVER_HOST="gitlab.example.org",
                    CI_PROJECT_PATH="mairie/registre", REGISTRE_DEPOT=str(origin))


def test_gitlab_pipeline_shape():
    data = gitlab_config()
    assert data["stages"] == ["verifier", "publier"]
    pages = data["pages"]
    assert pages["artifacts"]["paths"] == ["public"]
    assert [r["if"] for r in pages["rules"]] == ["$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"]  # push and schedule
    verifier = data["verifier"]
    assert verifier["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert any("merge_request_event" in r["if"] for r in verifier["rules"])
    assert data["variables"]["TZ"] == "Europe/Paris"
    # The PDF store is kept between runs and filled by « registre pdf » before the build.
    assert any(c["paths"] == [".cache/registre/"] for c in pages["cache"])
    script = pages["script"]
    assert script.index("registre pdf") < next(i for i, line in enumerate(script) if "mkdocs build" in line)
    # The daily run is a GitLab « pipeline schedule »: its setting is documented in the file.
    assert "Pipeline schedules" in GITLAB.read_text(encoding="utf-8")


def test_gitlab_pages_job_checks_seals_pushes_and_builds(repo):
    work, origin = repo
    result = gitlab_job("pages", work, gitlab_env(work, origin))
    assert result.returncode == 0, result.stdout + result.stderr
    assert git(origin, "log", "-1", "--format=%s", "main").startswith("Scellement des actes publiés au ")
    assert (work / "public" / "actes" / "decision-2025-11" / "index.html").is_file()
    assert (work / "public" / "index.html").is_file()


def test_gitlab_pages_job_is_not_stopped_by_a_late_acknowledgement(repo):
    work, origin = repo
    late_acknowledgement(work)
    result = gitlab_job("pages", work, gitlab_env(work, origin))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "transmission en attente depuis 182 jours" in result.stdout + result.stderr
    assert (work / "public" / "actes" / "decision-2025-12" / "index.html").is_file()


def test_gitlab_check_job_writes_a_code_quality_report(repo):
    work, origin = repo
    env = gitlab_env(work, origin, branch="correction-arrete")
    clean = gitlab_job("verifier", work, env)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    # The demo's one reminder (its liste of 3 July went online late) is reported as a minor issue.
    clean_report = json.loads((work / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    assert [(r["severity"], r["location"]["path"]) for r in clean_report] == [
        ("minor", "acts/2025/seance-2025-07-03.md")]
    act = work / "acts" / "2025" / "arrete-2025-1.md"
    act.write_text(act.read_text(encoding="utf-8").replace("date: 2025-05-12", "date: 2025-02-30", 1),
                   encoding="utf-8")
    broken = gitlab_job("verifier", work, env)
    assert broken.returncode == 1
    report = json.loads((work / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    errors = [r for r in report if r["severity"] == "major"]
    assert errors and errors[0]["location"]["path"] == "acts/2025/arrete-2025-1.md"
    assert errors[0]["location"]["lines"]["begin"] == 4
    assert "n'existe pas" in errors[0]["description"] and "Correction :" in errors[0]["description"]
    assert len({r["fingerprint"] for r in report}) == len(report)


# -- pre-commit ------------------------------------------------------------------

def test_pre_commit_manifest_is_valid():
    pytest.importorskip("pre_commit")
    from pre_commit.clientlib import load_manifest

    (hook,) = load_manifest(str(HOOKS))
    assert hook["id"] == "registre-check"
    assert hook["entry"] == "registre check"
    assert hook["pass_filenames"] is False and hook["always_run"] is True


def test_pre_commit_runs_registre_check_before_each_commit(repo, tmp_path):
    if shutil.which("pre-commit") is None:
        pytest.skip("pre-commit absent")
    work, _ = repo
    (hook,) = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    # The hook of the manifest, run from the installed package (no download in tests).
    local = {"repos": [{"repo": "local", "hooks": [{**{k: hook[k] for k in ("id", "name", "entry",
                                                                                 "pass_filenames", "always_run")},
                                                      "language": "system"}]}]}
    (work / ".pre-commit-config.yaml").write_text(yaml.safe_dump(local, allow_unicode=True), encoding="utf-8")
    git(work, "add", ".pre-commit-config.yaml")
    git(work, "commit", "-q", "-m", "pre-commit")
    env = base_env(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-cache"))
    assert subprocess.run(["pre-commit", "install"], cwd=work, env=env, capture_output=True).returncode == 0
    act = work / "acts" / "2025" / "deliberation-2025-1.md"
    act.write_text(act.read_text(encoding="utf-8").replace("pour: 12", "pour: 11"), encoding="utf-8")
    git(work, "add", str(act))
    refused = subprocess.run(["git", "commit", "-m", "vote corrigé"], cwd=work, env=env, capture_output=True,
                             text=True)
    assert refused.returncode != 0
    output = refused.stdout + refused.stderr
    assert "acts/2025/deliberation-2025-1.md" in output and "vote" in output
    act.write_text(act.read_text(encoding="utf-8").replace("pour: 11", "pour: 12"), encoding="utf-8")
    git(work, "add", str(act))
    subject = "Délibération n°1/2025 : texte relu"
    act.write_text(act.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    git(work, "add", str(act))
    accepted = subprocess.run(["git", "commit", "-m", subject], cwd=work, env=env, capture_output=True, text=True)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert git(work, "log", "-1", "--format=%s") == subject
