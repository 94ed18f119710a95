"""Work done by a forked process beside the build (registre.files.forked): the kept pages checked
and the cached search parts published on another core, and what happens when that process fails.

A helper process only ever saves time: whatever it did not do, or did wrong, the build does itself.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sys
from pathlib import Path

import pytest

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
