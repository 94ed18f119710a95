"""Shared fixtures: throw-away registers built with the real MkDocs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Test this checkout's code, whatever `pip install -e` last pointed at.
sys.path.insert(0, str(ROOT / "site_plugins"))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
# The demo register is dated 2025; checks and builds run "today" = this date.
DEMO_TODAY = "2025-12-15"


MKDOCS_YML = """\
site_name: Registre de test
site_url: https://registre.test/
theme:
  name: material
  language: fr
  font: false
nav:
  - Accueil: index.md
plugins:
  - registre:
      commune: Villeneuve-la-Rivière
      siret: "21660228400012"
      departement: "66"
      date_reference: "{today}"
      tribunal:
        nom: tribunal administratif de Montpellier
        adresse: 6 rue Pitot, 34063 Montpellier Cedex 2
      signataire: {{prenom: Patrick, nom: PASCAL, qualite: Maire}}
      premiers_numeros:
        decision:
          2025: 11
"""

VALID_DECISION = """\
---
type: decision
numero: 11
date: 2025-05-30
objet: Convention ENT-école 2025-2026
signataire: {prenom: Patrick, nom: PASCAL, qualite: Maire}
matiere: "8.1"
delegation: {deliberation: 2020-06-11, alinea: 4}
publication: {date: 2025-06-02}
transmission: {date: 2025-06-02, ar: "066-216602284-20250530-DEC2025_11-AU"}
---

# Décision du maire n°11/2025

**Article 1 :** de conclure une convention de partenariat.
"""


class Project:
    """A register in a temporary folder: mkdocs.yml, docs/, acts/."""

    def __init__(self, root: Path, today: str = DEMO_TODAY):
        self.root = root
        self.acts = root / "acts"
        self.site = root / "site"
        (root / "docs").mkdir(parents=True, exist_ok=True)
        (root / "docs" / "index.md").write_text("---\ntemplate: registre/home.html\n---\n\nBienvenue.\n",
                                                encoding="utf-8")
        self.acts.mkdir(exist_ok=True)
        self.write_config(today=today)

    @classmethod
    def existing(cls, root: Path) -> "Project":
        """A register already on disk (copied or built), left as it is."""
        proj = cls.__new__(cls)
        proj.root, proj.acts, proj.site = root, root / "acts", root / "site"
        return proj

    def write_config(self, text: str | None = None, today: str = DEMO_TODAY) -> None:
        (self.root / "mkdocs.yml").write_text(text or MKDOCS_YML.format(today=today), encoding="utf-8")

    def add(self, rel: str, text: str, *, dedent: bool = True) -> Path:
        path = self.acts / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if dedent else text, encoding="utf-8")
        return path

    def add_bytes(self, rel: str, data: bytes) -> Path:
        path = self.acts / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def registre(self, *args: str, check: bool = False) -> subprocess.CompletedProcess:
        """Run the real `registre` command in the project folder."""
        result = subprocess.run([sys.executable, "-m", "registre.cli", *args], cwd=self.root,
                                capture_output=True, text=True, env=_env())
        if check and result.returncode != 0:
            raise AssertionError(result.stdout + result.stderr)
        return result

    def build(self, *extra: str) -> subprocess.CompletedProcess:
        """Run the real `mkdocs build` in the project folder."""
        return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--clean", *extra], cwd=self.root,
                              capture_output=True, text=True, env=_env())

    def page(self, uri: str) -> str:
        return (self.site / uri / "index.html").read_text(encoding="utf-8") if not uri.endswith(".html") \
            else (self.site / uri).read_text(encoding="utf-8")


def private_copy(template: "Project", folder: Path) -> "Project":
    """A private copy of a register built once for a module, free to modify (hard links of a
    build's cache kept as links: ``symlinks=True`` keeps symbolic ones as they are)."""
    shutil.copytree(template.root, folder, symlinks=True)
    return Project.existing(folder)


def assert_ok(result: subprocess.CompletedProcess) -> None:
    """A command that must succeed; its whole output otherwise."""
    assert result.returncode == 0, result.stdout + result.stderr


def _env() -> dict:
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env["PYTHONPATH"] = str(ROOT / "site_plugins") + os.pathsep + env.get("PYTHONPATH", "")
    return env


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path / "registre")


def copy_demo(root: Path, sealed: bool = False) -> Project:
    """Copy the repository's demo register (acts/, docs/, mkdocs.yml) into ``root``,
    with the build's "today" pinned to :data:`DEMO_TODAY`.

    The demo ships sealed (``acts/registre.lock``, written by ``registre seal`` on
    :data:`DEMO_TODAY`).  A copy keeps that sealed register only with ``sealed=True``;
    by default it is dropped, so that a test may edit the demo's acts (a copy never
    sealed: ``registre seal`` starts a new register, as in test_integrity)."""
    root.mkdir(parents=True)
    for name in ("acts", "docs"):
        shutil.copytree(ROOT / name, root / name)
    if not sealed:
        (root / "acts" / "registre.lock").unlink(missing_ok=True)
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("  - registre:\n", f"  - registre:\n      date_reference: \"{DEMO_TODAY}\"\n", 1)
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    return Project.existing(root)


@pytest.fixture
def demo(tmp_path: Path) -> Project:
    """A private copy of the demo register, free to modify (without its sealed register)."""
    return copy_demo(tmp_path / "demo")


@pytest.fixture
def sealed_demo(tmp_path: Path) -> Project:
    """A private copy of the demo register as shipped, sealed register included."""
    return copy_demo(tmp_path / "demo", sealed=True)


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory) -> Project:
    """The demo register as shipped (sealed), built once for the whole session (read-only!)."""
    proj = copy_demo(tmp_path_factory.mktemp("built") / "demo", sealed=True)
    result = proj.build()
    assert result.returncode == 0, result.stdout + result.stderr
    return proj
