"""A failed build never leaves a partial site; two builds at once, a full disk or a site folder that
cannot be written give a French error, never a traceback; a French line follows MkDocs's English
abort messages; `mkdocs serve` rebuilds when an act changes (issue 13 §2 and §3)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT, VALID_DECISION, Project, _env, assert_ok, copy_demo, private_copy


@pytest.fixture(scope="module")
def built_template(tmp_path_factory) -> Project:
    proj = copy_demo(tmp_path_factory.mktemp("safety") / "demo")
    result = proj.build()
    assert_ok(result)
    return proj


@pytest.fixture
def built(built_template, tmp_path) -> Project:
    return private_copy(built_template, tmp_path / "demo")


def snapshot(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def build_with(proj: Project, patch: str, *args: str) -> subprocess.CompletedProcess:
    """`mkdocs build` in a subprocess where ``patch`` (Python) has run first: a fault injected."""
    script = textwrap.dedent(patch) + "\nimport sys\nfrom mkdocs.__main__ import cli\n" \
        "sys.argv = ['mkdocs', 'build', '--clean', *sys.argv[1:]]\ncli()\n"
    return subprocess.run([sys.executable, "-c", script, *args], cwd=proj.root, capture_output=True, text=True,
                          env=_env())


def no_leftovers(proj: Project) -> None:
    import time

    for _ in range(50):  # the old site is deleted in the background
        if not [p for p in proj.root.iterdir() if p.name.startswith(".site.")]:
            return
        time.sleep(0.1)
    raise AssertionError(sorted(p.name for p in proj.root.iterdir()))


def test_crash_midway_keeps_the_previous_complete_site(built):
    before = snapshot(built.site)
    built.add("2025/decision-2025-14.md", VALID_DECISION.replace("numero: 11", "numero: 14"))
    result = build_with(built, """
        import registre.build.incremental as incremental
        def boom(build):
            raise RuntimeError("panne simulée au milieu de la construction")
        incremental.run_steps = boom
    """)
    assert result.returncode != 0
    assert snapshot(built.site) == before  # not one file less, not one changed
    assert "le site précédent est conservé tel quel" in result.stderr
    no_leftovers(built)
    ok = built.build()
    assert_ok(ok)
    assert (built.site / "actes/decision-2025-14/index.html").is_file()
    no_leftovers(built)


def test_full_disk_is_a_french_error_and_keeps_the_site(built):
    before = snapshot(built.site)
    result = build_with(built, """
        import errno, mkdocs.utils
        def full(content, output_path):
            raise OSError(errno.ENOSPC, "No space left on device", output_path)
        mkdocs.utils.write_file = full
    """)
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert "registre : construction interrompue : erreur du système" in result.stderr
    assert "No space left on device" in result.stderr and "libérez de l'espace disque" in result.stderr
    assert snapshot(built.site) == before


def test_site_folder_that_cannot_be_written_is_a_french_error(built):
    shutil.rmtree(built.site)
    built.site.write_text("un fichier, pas un dossier", encoding="utf-8")
    result = built.build()
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert "Traceback" not in out
    assert "existe et n'est pas un dossier" in out
    assert built.site.read_text(encoding="utf-8") == "un fichier, pas un dossier"


def test_swap_failing_is_a_french_error(built):
    before = snapshot(built.site)
    result = build_with(built, """
        import errno, registre.build.old_site as old_site
        def refuse(*args):
            raise OSError(errno.EROFS, "Read-only file system")
        old_site.os.rename = refuse
    """)
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert "Traceback" not in out, out
    assert "Read-only file system" in out
    assert snapshot(built.site) == before


def test_second_build_at_once_gets_a_french_error(built):
    sys.path.insert(0, str(ROOT / "site_plugins"))
    from registre.build.old_site import acquire_lock

    lock = acquire_lock(built.root / ".cache/registre")  # as a build running in another process
    try:
        result = built.build()
    finally:
        lock.release()
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "une autre construction de ce registre est en cours" in out, out
    assert "Traceback" not in out
    assert f"processus {os.getpid()}" in out


def test_two_builds_started_together_never_crash(built):
    built.add("2025/decision-2025-14.md", VALID_DECISION.replace("numero: 11", "numero: 14"))
    command = [sys.executable, "-m", "mkdocs", "build", "--clean"]
    runs = [subprocess.Popen(command, cwd=built.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=_env()) for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    for (out, err), run in zip(outputs, runs):
        assert "Traceback" not in out + err, err
        assert run.returncode == 0 or "une autre construction de ce registre est en cours" in err
    assert any(run.returncode == 0 for run in runs)
    assert (built.site / "actes/decision-2025-14/index.html").is_file()


def test_french_line_after_mkdocs_abort_messages(built):
    broken = built.add("2025/decision-2025-14.md", VALID_DECISION.replace("numero: 11", "numero: 14")
                       .replace("date: 2025-05-30", "date: 2025-02-30"))
    result = built.build()
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert "Aborted with a BuildError!" in result.stdout + result.stderr
    assert lines[-1].startswith("registre : construction interrompue par l'erreur ci-dessus ; le site précédent "
                                "est conservé tel quel"), result.stderr
    broken.unlink()
    page = built.root / "docs/index.md"  # a link to a missing page: a MkDocs warning, not an error
    page.write_text(page.read_text(encoding="utf-8") + "\n[Lien cassé](page-absente.md)\n", encoding="utf-8")
    before = snapshot(built.site)
    strict = built.build("--strict")
    assert strict.returncode != 0
    assert "in strict mode!" in strict.stdout + strict.stderr
    last = strict.stderr.strip().splitlines()[-1]
    assert last.startswith("registre : construction refusée en mode strict (--strict) : "), strict.stderr
    assert "avertissement" in last
    assert snapshot(built.site) == before  # a refused build does not replace the site either


def test_mkdocs_serve_watches_the_acts_folder(built):
    from mkdocs.config import load_config
    from mkdocs.livereload import LiveReloadServer

    config = load_config(str(built.root / "mkdocs.yml"))
    plugin = config.plugins["registre"]
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(built.root / "site"))
    try:
        config.plugins.on_serve(server, config=config, builder=lambda: None)
        watched = {Path(path).resolve() for path in server._watched_paths}
    finally:
        server.server_close()
    assert (built.root / "acts").resolve() in watched
    assert plugin is not None
