"""Act pages rendered by extra processes (registre.build.render_share, registre.plugin.render_workers).

The same site, byte for byte, whether the act pages are rendered by MkDocs' process alone or
shared with forked processes; what those processes log is counted by ``--strict``; an error in
one of them stops the build with its message and keeps the previous site.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest

from conftest import DEMO_TODAY, VALID_DECISION, Project, assert_ok, copy_demo
from registre.build import render_share
from registre.build.render_share import MIN_PAGES_PER_WORKER, ShareError, blocks, worker_count

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="processus forkés : Linux seulement")


def digests(site: Path) -> dict[str, str]:
    """SHA-256 of every file of a site, Pagefind's output aside (not reproducible byte for byte)."""
    return {path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(site.rglob("*")) if path.is_file() and "pagefind" not in path.relative_to(site).parts}


def build(proj: Project, workers: str, *extra: str):
    os.environ["REGISTRE_RENDER_WORKERS"] = workers
    try:
        return proj.build(*extra)
    finally:
        del os.environ["REGISTRE_RENDER_WORKERS"]


def fragments(site: Path) -> int:
    """Pages in the search index: one Pagefind fragment file each."""
    return sum(1 for _ in site.glob("pagefind/*/fragment/*.pf_fragment"))


def test_the_same_site_with_or_without_render_workers(tmp_path):
    alone = copy_demo(tmp_path / "seul")
    shared = copy_demo(tmp_path / "partage")
    assert_ok(build(alone, "0"))
    result = build(shared, "3")
    assert_ok(result)
    # 12 online act pages: 3 per process, the engine's keeps the last block of the search order.
    assert "pages d'actes : 3 rendues ici, 9 par 3 autres processus" in result.stderr
    expected = digests(alone.site)
    assert len([p for p in expected if p.startswith("actes/") and p.endswith("/index.html")]) >= 12
    assert digests(shared.site) == expected
    # Every act page is in the search index, whoever rendered it.
    assert fragments(shared.site) == fragments(alone.site) == 12
    # The other processes kept their pages in the page cache: the next build renders none, same bytes.
    again = build(shared, "3")
    assert_ok(again)
    assert "pages d'actes : 12 reprises du cache, 0 à construire" in again.stderr
    assert digests(shared.site) == expected


def test_a_warning_in_a_render_process_counts_for_strict(tmp_path):
    proj = copy_demo(tmp_path / "demo")
    assert_ok(build(proj, "0"))
    before = digests(proj.site)
    # The oldest act in the search order goes to the first extra process.
    act = proj.acts / "2025" / "deliberation-2025-1.md"
    assert act.exists(), sorted(p.name for p in (proj.acts / "2025").iterdir())
    act.write_text(act.read_text(encoding="utf-8") + "\nVoir [le plan](plan-inexistant.md).\n", encoding="utf-8")
    result = build(proj, "11", "--strict")
    # Only the edited act page is rendered (the others are kept): by the extra process.
    assert "pages d'actes : 0 rendue ici, 1 par un autre processus" in result.stderr
    assert result.returncode != 0
    assert "plan-inexistant.md" in result.stderr
    assert "construction refusée en mode strict (--strict) : 1 avertissement" in result.stdout + result.stderr
    assert result.stderr.count("contains a link") == 1  # logged once, by the engine's process
    assert digests(proj.site) == before  # the previous site stays
    # Same outcome in one process.
    alone = build(proj, "0", "--strict")
    assert alone.returncode != 0 and "plan-inexistant.md" in alone.stderr


def test_an_error_in_a_render_process_stops_the_build(tmp_path):
    proj = copy_demo(tmp_path / "demo")
    assert_ok(build(proj, "0"))
    before = digests(proj.site)
    text = (proj.root / "mkdocs.yml").read_text(encoding="utf-8")
    (proj.root / "mkdocs.yml").write_text(
        text.replace("markdown_extensions:\n", "markdown_extensions:\n  - pymdownx.snippets:\n"
                                               "      check_paths: true\n", 1), encoding="utf-8")
    assert "pymdownx.snippets" in (proj.root / "mkdocs.yml").read_text(encoding="utf-8")
    act = proj.acts / "2025" / "deliberation-2025-1.md"
    act.write_text(act.read_text(encoding="utf-8") + '\n--8<-- "annexe-absente.txt"\n', encoding="utf-8")
    result = build(proj, "11")  # mkdocs.yml changed: every act page is rendered, one per process
    assert "pages d'actes : 1 rendue ici, 11 par 11 autres processus" in result.stderr
    assert result.returncode != 0
    assert "erreur pendant le rendu des pages d'actes (page actes/" in result.stderr
    assert "annexe-absente.txt" in result.stderr
    assert "REGISTRE_RENDER_WORKERS=0" in result.stderr
    assert "Traceback" not in result.stderr
    assert digests(proj.site) == before


def test_a_render_process_that_dies_is_reported(tmp_path):
    """The listener of a process that stops without a word (killed, out of memory)."""
    from registre.plugin.render_workers import RenderWorkers

    class Dying:
        def enter_worker(self):
            os._exit(3)

    written: list[str] = []
    workers = RenderWorkers(lambda uri, digest: written.append(uri))
    workers.start(None, None, None, [[object(), object()]], Dying())
    errors = workers.wait()
    assert written == []
    assert len(errors) == 1
    assert "s'est arrêté avant la fin (code 3, 0 page sur 2)" in errors[0]
    assert "REGISTRE_RENDER_WORKERS=0" in errors[0]


def test_a_wrong_worker_count_is_refused_in_french(tmp_path):
    proj = Project(tmp_path / "registre", today=DEMO_TODAY)
    proj.add("2025/decision-2025-11.md", VALID_DECISION)
    for value in ("deux", "-1", "１", "1000"):
        result = build(proj, value)
        assert result.returncode != 0, value
        assert f"REGISTRE_RENDER_WORKERS vaut « {value} » : il faut un nombre entier de 0 à 64" in result.stderr
        assert "Traceback" not in result.stderr
    assert_ok(build(proj, "2"))  # more processes than act pages: one page each, at most


def test_blocks_are_consecutive_and_even():
    assert blocks(list(range(10)), 3) == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert blocks([1, 2], 4) == [[1], [2], [], []]
    assert blocks([1, 2], 0) == []
    assert sum(blocks(list(range(1001)), 4), []) == list(range(1001))


def test_how_many_processes(monkeypatch):
    monkeypatch.setattr(render_share, "fork_available", lambda: True)
    monkeypatch.setattr(render_share, "_cores", lambda: 2)
    monkeypatch.setattr(render_share, "_memory", lambda: (8 << 30, 500 << 20))
    assert worker_count(10_000, {}) == 1  # one per spare core
    assert worker_count(2 * MIN_PAGES_PER_WORKER - 1, {}) == 1
    assert worker_count(MIN_PAGES_PER_WORKER - 1, {}) == 0  # too few pages to be worth a process
    monkeypatch.setattr(render_share, "_cores", lambda: 16)
    assert worker_count(10_000, {}) == render_share.MAX_WORKERS
    monkeypatch.setattr(render_share, "_memory", lambda: (1200 << 20, 500 << 20))
    assert worker_count(10_000, {}) == 1  # room for one more copy of the build only
    monkeypatch.setattr(render_share, "_memory", lambda: (900 << 20, 500 << 20))
    assert worker_count(10_000, {}) == 0
    # Plenty of free memory, but the 4 Gio budget: 1.6 Gio resident when the pages are shared out
    # (100,000 acts) leaves no room for (1 + 2) × 1.6 = 4.8 Gio; 1.3 Gio does (3.9 Gio).
    monkeypatch.setattr(render_share, "_cores", lambda: 2)
    monkeypatch.setattr(render_share, "_memory", lambda: (24 << 30, 1640 << 20))
    assert worker_count(100_000, {}) == 0
    assert worker_count(100_000, {"REGISTRE_RENDER_WORKERS": "1"}) == 1  # asked for: done
    monkeypatch.setattr(render_share, "_memory", lambda: (24 << 30, 1330 << 20))
    assert worker_count(100_000, {}) == 1
    assert worker_count(5, {"REGISTRE_RENDER_WORKERS": "8"}) == 5  # asked: at most one per page
    assert worker_count(10_000, {"REGISTRE_RENDER_WORKERS": "0"}) == 0
    monkeypatch.setattr(render_share, "fork_available", lambda: False)
    assert worker_count(10_000, {"REGISTRE_RENDER_WORKERS": "2"}) == 0
    with pytest.raises(ShareError):
        worker_count(10, {"REGISTRE_RENDER_WORKERS": "x"})


def test_a_page_rendered_with_a_warning_is_not_kept(tmp_path):
    """Without it, a second ``--strict`` build would publish the cached page and pass, where a
    build without cache fails: the page cache would change the result."""
    proj = copy_demo(tmp_path / "demo")
    assert_ok(build(proj, "0"))
    act = proj.acts / "2025" / "arrete-2025-2.md"
    act.write_text(act.read_text(encoding="utf-8") + "\nVoir [le plan](plan-inexistant.md).\n", encoding="utf-8")
    for attempt in range(2):
        result = build(proj, "0", "--strict")
        assert result.returncode != 0, attempt
        assert "pages d'actes : 11 reprises du cache, 1 à construire" in result.stderr, attempt
        assert "plan-inexistant.md" in result.stderr, attempt
    # Without --strict the site is published with the warning, and the page is still not kept.
    assert_ok(build(proj, "0"))
    result = build(proj, "0")
    assert_ok(result)
    assert "pages d'actes : 11 reprises du cache, 1 à construire" in result.stderr
    assert "plan-inexistant.md" in result.stderr


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_links_between_acts_resolve_whoever_renders_them(tmp_path):
    """A relative link to another act's page, or from a Markdown annex to its act, gives the
    page's address and no warning: in one process, with other processes, and when the page
    linked to is kept from an earlier build."""
    sites = {}
    for name, workers in (("seul", "0"), ("partage", "3")):
        proj = copy_demo(tmp_path / name)
        _append(proj.acts / "2025" / "decision-2025-11.md",
                "\nVoir [la délibération 1](../deliberation-2025-1/index.md).\n")
        _append(proj.acts / "2025" / "decision-2025-11-convention-ent-ecole.md",
                "\nRetour à [la décision](../../index.md).\n")
        result = build(proj, workers, "--strict")
        assert_ok(result)
        assert "not found among documentation files" not in result.stderr
        assert 'href="../deliberation-2025-1/"' in proj.page("actes/decision-2025-11")
        sites[name] = digests(proj.site)
    assert sites["partage"] == sites["seul"]
    # Warm: only the edited act is rendered, the act it links to is kept.
    proj = copy_demo(tmp_path / "chaud")
    assert_ok(build(proj, "0"))
    _append(proj.acts / "2025" / "decision-2025-11.md",
            "\nVoir [la délibération 1](../deliberation-2025-1/index.md).\n")
    _append(proj.acts / "2025" / "decision-2025-11-convention-ent-ecole.md",
            "\nRetour à [la décision](../../index.md).\n")
    result = build(proj, "0", "--strict")
    assert_ok(result)
    assert "pages d'actes : 11 reprises du cache, 1 à construire" in result.stderr
    assert digests(proj.site) == sites["seul"]


def test_anchor_checks_and_navigation_warnings_with_render_workers(tmp_path):
    proj = copy_demo(tmp_path / "demo")
    with (proj.root / "mkdocs.yml").open("a", encoding="utf-8") as handle:
        handle.write("\nvalidation:\n  anchors: warn\n")
    _append(proj.acts / "2025" / "deliberation-2025-1.md", "\nVoir [plus bas](#nexiste-pas).\n")
    for workers in ("0", "3"):
        result = build(proj, workers, "--strict")
        assert result.returncode != 0, workers
        assert "there is no such anchor on this page" in result.stderr, workers
    # A warning of a page of the navigation: logged once, not once per process.
    proj = copy_demo(tmp_path / "nav")
    _append(proj.root / "docs" / "integrite.md", "\nVoir [absent](absent.md).\n")
    result = build(proj, "3")
    assert_ok(result)
    assert "autres processus" in result.stderr
    assert result.stderr.count("contains a link 'absent.md'") == 1


def test_a_warning_after_the_pages_keeps_no_page_with_annees(tmp_path):
    """MkDocs checks anchors once every page is written: such a warning names no page being
    rendered, so no page of that build is kept, even in a build of some years (annees)."""
    proj = copy_demo(tmp_path / "demo")
    text = (proj.root / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("  - registre:\n", "  - registre:\n      annees: [2025]\n", 1)
    (proj.root / "mkdocs.yml").write_text(text + "\nvalidation:\n  anchors: warn\n", encoding="utf-8")
    _append(proj.root / "docs" / "integrite.md", "\nVoir [la démo](index.md#nexiste-pas).\n")
    for attempt in range(2):
        result = build(proj, "0", "--strict")
        assert result.returncode != 0, attempt
        assert "nexiste-pas" in result.stderr, attempt
    assert "pages d'actes : 12 reprises du cache" not in result.stderr
    assert "pages d'actes :" not in result.stderr  # none kept: all rendered, nothing said of the cache


def test_properdocs_with_render_workers_counts_their_warnings(tmp_path):
    import importlib.util
    import subprocess

    from conftest import _env
    assert importlib.util.find_spec("properdocs") is not None, "ProperDocs : pip install -r requirements.lock"
    proj = copy_demo(tmp_path / "demo")
    _append(proj.acts / "2025" / "arrete-2025-1.md", "\nVoir [absent](../absent/index.md).\n")
    env = _env() | {"REGISTRE_RENDER_WORKERS": "3"}
    for attempt in range(2):
        result = subprocess.run([sys.executable, "-m", "properdocs", "build", "--clean", "--strict",
                                 "--config-file", "mkdocs.yml"], cwd=proj.root, capture_output=True, text=True,
                                env=env)
        assert "autres processus" in result.stderr or attempt == 1
        assert result.returncode != 0, (attempt, result.stderr[-2000:])
        assert "absent/index.md" in result.stderr
