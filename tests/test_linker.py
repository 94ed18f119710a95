"""Cached files published as hard links (registre/linker.py), by a helper process or here."""

from __future__ import annotations

import os

import pytest

from registre.files import hard_links as linker


@pytest.mark.parametrize("threshold", [1, 10_000], ids=["processus auxiliaire", "ce processus"])
def test_links_are_made_folders_created_and_files_already_there_replaced(tmp_path, monkeypatch, threshold):
    monkeypatch.setattr(linker, "HELPER_THRESHOLD", threshold)
    sources = []
    for i in range(20):
        source = tmp_path / "cache" / f"{i}.html"
        source.parent.mkdir(exist_ok=True)
        source.write_text(f"page {i}", encoding="utf-8")
        sources.append(source)
    pairs = [(str(s), str(tmp_path / "site" / "actes" / f"acte-{i}" / "index.html")) for i, s in enumerate(sources)]
    stale = tmp_path / "site" / "actes" / "acte-3" / "index.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("ancienne page", encoding="utf-8")  # --dirty: replaced, not written into
    linker.link_files(pairs)
    for source, target in pairs:
        assert os.stat(source).st_ino == os.stat(target).st_ino
    assert sources[3].read_text(encoding="utf-8") == "page 3"
    with pytest.raises(OSError, match="absent"):
        linker.link_files([(str(tmp_path / "absent"), str(tmp_path / "site" / "x"))])
