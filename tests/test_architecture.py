"""The package's architecture holds: layers, no import circle, MkDocs only in the adapter.

The rule lives in ``pyproject.toml`` ([tool.importlinter]) and is checked by import-linter, which
counts imports inside functions as any other.  These tests run it on the package, prove that it
catches what it must (an upward import, a circle dodged inside a function, MkDocs below the
adapter) on a modified copy, and check that the code fingerprint covers every sub-package.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "site_plugins" / "registre"
LINT_IMPORTS = shutil.which("lint-imports")

pytestmark = pytest.mark.skipif(LINT_IMPORTS is None, reason="import-linter n'est pas installé")


def lint_imports(package_parent: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(package_parent))
    return subprocess.run([LINT_IMPORTS, "--config", str(ROOT / "pyproject.toml"), "--no-cache"], cwd=cwd,
                          env=env, capture_output=True, text=True)


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    parent = tmp_path / "src"
    shutil.copytree(PACKAGE, parent / "registre", ignore=shutil.ignore_patterns("__pycache__"))
    return parent


def append(path: Path, code: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n\n" + code + "\n", encoding="utf-8")


def test_the_package_keeps_its_contracts(tmp_path):
    result = lint_imports(PACKAGE.parent, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 kept, 0 broken" in result.stdout


def test_an_upward_import_inside_a_function_breaks_the_layers(package_copy, tmp_path):
    append(package_copy / "registre" / "domain" / "model.py",
           "def _pages():\n    from registre.site.pages import GeneratedPage\n    return GeneratedPage")
    result = lint_imports(package_copy, tmp_path)
    assert result.returncode != 0
    assert "Each layer imports only the layers below it BROKEN" in result.stdout, result.stdout
    assert "registre.domain.model -> registre.site.pages" in result.stdout, result.stdout


def test_a_circle_within_a_layer_is_refused(package_copy, tmp_path):
    # domain.recours imports domain.lifecycle; the way back, hidden in a function, closes a circle.
    append(package_copy / "registre" / "domain" / "lifecycle.py",
           "def _deadline(act):\n    from registre.domain.recours import last_day_of_recours\n"
           "    return last_day_of_recours(act, '')")
    result = lint_imports(package_copy, tmp_path)
    assert result.returncode != 0
    assert "No import circle between modules or packages, at any depth BROKEN" in result.stdout, result.stdout


def test_mkdocs_below_the_adapter_is_refused(package_copy, tmp_path):
    append(package_copy / "registre" / "build" / "incremental.py", "import mkdocs.plugins  # noqa")
    result = lint_imports(package_copy, tmp_path)
    assert result.returncode != 0
    assert "Only the adapter imports MkDocs and its theme BROKEN" in result.stdout, result.stdout


def test_no_module_imports_the_package_inside_a_function():
    """Extension points are parameters or lists of the layer above, never lazy imports."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and node.col_offset > 0:
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                if isinstance(node, ast.ImportFrom) and node.level or any(n.startswith("registre") for n in names):
                    found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert found == []


def test_every_module_sits_in_a_layer():
    """Nothing at the top of the package but the layers and the two leaves."""
    top = sorted(p.name for p in PACKAGE.iterdir() if p.name != "__pycache__" and
                 (p.suffix == ".py" or (p / "__init__.py").is_file()))
    assert top == ["__init__.py", "authoring", "build", "checks", "cli", "domain", "files", "plugin", "publish",
                   "resources.py", "seal", "site", "source"]


@pytest.mark.parametrize("changed", ["domain/model.py", "publish/steps.py", "templates/registre/act.html",
                                     "data/nomenclature-actes.csv"])
def test_the_code_fingerprint_covers_every_sub_package(package_copy, changed):
    """Caches are keyed by build.fingerprint.code_digest: an edit anywhere in the package must change it."""
    script = "from registre.build.fingerprint import code_digest; print(code_digest())"

    def digest() -> str:
        env = dict(os.environ, PYTHONPATH=str(package_copy))
        result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
        return result.stdout.strip()

    before = digest()
    target = package_copy / "registre" / changed
    target.write_bytes(target.read_bytes() + b"\n")
    assert digest() != before
