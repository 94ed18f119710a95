"""Work done by a forked process beside the build (registre.files.forked): the kept pages checked
and the cached search parts published on another core, and what happens when that process fails.

A helper process only ever saves time: whatever it did not do, or did wrong, the build does itself.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sys
from pathlib import Path

import pytest

from conftest import Project, assert_ok, copy_demo, private_copy
from registre.build import page_cache
from registre.build.page_cache import PageCache
from registre.files.forked import Forked, ForkFailed

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="processus forkés : Linux seulement")

CACHE = ".cache/registre"


def test_the_result_comes_from_another_process():
    here = os.getpid()
    child = Forked(lambda: {"pid": os.getpid(), "valeurs": [1, "é", None]})
    result = child.result()
    assert result["valeurs"] == [1, "é", None]
    assert result["pid"] != here
    with pytest.raises(ForkFailed):
        child.result()  # once


def test_a_failing_or_killed_child_gives_no_result():
    def boom():
        raise RuntimeError("panne")
    with pytest.raises(ForkFailed):
        Forked(boom).result()
    with pytest.raises(ForkFailed):
        Forked(lambda: object()).result()  # not JSON: the child cannot send it

    def killed():
        os.kill(os.getpid(), signal.SIGKILL)
    with pytest.raises(ForkFailed):
        Forked(killed).result()


def test_the_child_runs_no_exit_handler_of_the_parent(tmp_path):
    marker = tmp_path / "sortie"
    import atexit

    def handler():
        marker.write_text("le parent seulement", encoding="utf-8")
    atexit.register(handler)
    try:
        assert Forked(lambda: 1).result() == 1
        assert not marker.exists()
    finally:
        atexit.unregister(handler)


def _kept_pages(tmp_path: Path, count: int) -> tuple[PageCache, list[str]]:
    """A page cache holding ``count`` pages, as kept by an earlier build."""
    site = tmp_path / "site"
    site.mkdir()
    cache = PageCache(tmp_path / "cache")
    keys = []
    for n in range(count):
        page = site / f"{n}.html"
        page.write_text(f"<p>page {n}</p>", encoding="utf-8")
        key = hashlib.sha256(str(n).encode()).hexdigest()
        cache.keep(key, page)
        keys.append(key)
    return cache, keys


def test_kept_pages_checked_by_a_forked_process(tmp_path, monkeypatch):
    monkeypatch.setattr(page_cache, "FORK_FROM", 2)
    _, keys = _kept_pages(tmp_path, 6)
    cache = PageCache(tmp_path / "cache")  # the next build
    damaged = cache.path(keys[2])
    with open(damaged, "r+b") as handle:
        handle.write(b"<script>")
    cache.check_all_soon()
    assert cache._soon is not None and isinstance(cache._soon[1], Forked)
    cache.wait()
    assert cache.get(keys[2]) is None and not damaged.exists()  # rendered again, never published
    assert all(cache.get(key) is not None for key in keys if key != keys[2])


def test_kept_pages_checked_here_when_the_forked_process_fails(tmp_path, monkeypatch):
    monkeypatch.setattr(page_cache, "FORK_FROM", 2)
    _, keys = _kept_pages(tmp_path, 4)
    cache = PageCache(tmp_path / "cache")
    damaged = cache.path(keys[0])
    damaged.write_bytes(b"autre chose")
    real = PageCache._verdicts

    parent = os.getpid()

    def dying(self, keys):  # the forked process dies before it answers
        if os.getpid() != parent:
            os._exit(3)
        return real(self, keys)
    monkeypatch.setattr(PageCache, "_verdicts", dying)
    cache.check_all_soon()
    assert cache._soon is not None
    cache.wait()
    assert cache.get(keys[0]) is None
    assert all(cache.get(key) is not None for key in keys[1:])


# -- the search index: cached parts published by a forked process --------------------------------

@pytest.fixture(scope="module")
def parted_template(tmp_path_factory) -> Project:
    """The demo with a search index in several parts (three acts each), built once."""
    proj = copy_demo(tmp_path_factory.mktemp("parties") / "demo")
    config = proj.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "\n      commune:" in text
    config.write_text(text.replace("\n      commune:", "\n      recherche_actes_par_index: 3\n      commune:", 1),
                      encoding="utf-8")
    assert_ok(proj.build())
    return proj


def _parts(site: Path) -> dict[str, dict[str, bytes]]:
    return {folder.name: {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
            for folder in sorted((site / "pagefind").iterdir()) if folder.is_dir()}


def test_cached_search_parts_are_published_by_another_process(parted_template, tmp_path):
    proj = private_copy(parted_template, tmp_path / "demo")
    before = _parts(proj.site)
    assert len(before) >= 4
    result = proj.build()
    assert_ok(result)
    n = len(before)
    assert f"{n} parties, 0 indexées, {n} reprises du cache (dont {n} publiées par un autre processus)" \
        in result.stderr
    assert _parts(proj.site) == before


def test_a_search_part_edited_in_the_cache_is_indexed_again_the_others_published(parted_template, tmp_path):
    proj = private_copy(parted_template, tmp_path / "demo")
    n = len(_parts(proj.site))
    cache = next((proj.root / CACHE / "pagefind").iterdir())
    entry = sorted(cache.glob("2025-2-*"))[0] / "pagefind-entry.json"
    entry.write_text('{"version":"piege"}', encoding="utf-8")
    result = proj.build()
    assert_ok(result)
    assert f"{n} parties, 1 indexées, {n - 1} reprises du cache (dont {n - 1} publiées par un autre processus)" \
        in result.stderr
    assert "piege" not in (proj.site / "pagefind/2025-2/pagefind-entry.json").read_text(encoding="utf-8")


def test_search_interface_edited_in_the_cache_is_never_published(parted_template, tmp_path):
    proj = private_copy(parted_template, tmp_path / "demo")
    ui = next((proj.root / CACHE / "pagefind").iterdir()) / "ui" / "pagefind-ui.js"
    ui.write_text("alert(1)", encoding="utf-8")
    result = proj.build()
    assert_ok(result)
    assert "alert(1)" not in (proj.site / "pagefind/pagefind-ui.js").read_text(encoding="utf-8")
    assert "publiées par un autre processus" not in result.stderr  # the helper published nothing
    assert_ok(proj.build())
    shutil.rmtree(proj.site)
    assert_ok(proj.build())  # a site emptied by hand: every part published again
    assert (proj.site / "pagefind/pagefind-ui.js").is_file()
