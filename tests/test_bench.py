"""The benchmark's instruments: the synthetic register and the measures of bench/run.py."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402
import run  # noqa: E402

N = 150
# The subprocesses run this checkout's registre, whatever `pip install -e` last pointed at.
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "site_plugins") + os.pathsep + os.environ.get("PYTHONPATH", "")}


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def register(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "n150"
    generate.generate(N, out)
    return out


def _acts(register: Path) -> dict[str, tuple[dict, str]]:
    acts = {}
    for path in sorted((register / "acts").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            head, body = text[4:].split("\n---\n", 1)
            meta = yaml.safe_load(head)
            if meta["type"] != "seance":
                acts[path.stem] = (meta, body)
    return acts


def _seances(register: Path) -> dict:
    seances = {}
    for path in sorted((register / "acts").rglob("seance-*.md")):
        head, _, body = path.read_text(encoding="utf-8")[4:].partition("\n---\n")
        meta = yaml.safe_load(head)
        seances[meta["date"]] = (meta, body)
    return seances


def test_same_n_and_seed_give_identical_files(register, tmp_path):
    again = tmp_path / "again"
    generate.generate(N, again)
    assert _digest(again) == _digest(register)
    other = tmp_path / "other-seed"
    generate.generate(N, other, seed=7)
    assert _digest(other) != _digest(register)


def test_registre_check_finds_nothing_to_report(register):
    result = subprocess.run([sys.executable, "-m", "registre.cli", "check", "acts", "--format", "json"],
                            cwd=register, capture_output=True, text=True, env=ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == [], result.stdout  # no error and no warning


def test_every_kind_of_act_is_there(register):
    acts = _acts(register)
    assert len(acts) == N
    kinds = {(meta["type"], meta.get("portee")) for meta, _ in acts.values()}
    assert kinds == {("deliberation", None), ("decision", None), ("arrete", "reglementaire"),
                     ("arrete", "individuel"), ("arrete", "espece")}
    metas = [meta for meta, _ in acts.values()]
    assert any("vote" in m for m in metas)
    assert any(m.get("donne_acte") for m in metas)
    assert all("delegation" in m for m in metas if m["type"] == "decision")
    assert any(m.get("masquer") for m in metas)
    assert any("non_requise" in m["transmission"] for m in metas)
    assert any("ar" in m["transmission"] for m in metas)
    annexes = [a["fichier"] for m in metas for a in m.get("annexes", [])]
    assert any(a.endswith(".md") for a in annexes) and any(a.endswith(".pdf") for a in annexes)


def test_one_seance_file_per_seance_consistent_with_its_deliberations(register):
    """Worked out from the files, without the registre package: the séance rules a clean register meets."""
    acts = _acts(register)
    seances = _seances(register)
    deliberation_days = sorted({meta["date"] for meta, _ in acts.values() if meta["type"] == "deliberation"})
    assert sorted(seances) == deliberation_days and len(seances) >= 10
    config = yaml.safe_load((register / "mkdocs.yml").read_text(encoding="utf-8"))
    options = next(p["registre"] for p in config["plugins"] if isinstance(p, dict) and "registre" in p)
    assert options["habitants"] >= 3500  # five jours francs of convocation (L2121-12)
    days = sorted(seances)
    for index, day in enumerate(days):
        meta, body = seances[day]
        members = meta["membres_en_exercice"]
        presents = meta["presents"]
        mandants = [p["de"] for p in meta.get("pouvoirs", [])]
        mandataires = [p["a"] for p in meta.get("pouvoirs", [])]
        absents = meta.get("absents", [])
        everyone = presents + mandants + absents
        assert len(everyone) == len(set(everyone)) == members, day
        assert set(mandataires) <= set(presents) and len(mandataires) == len(set(mandataires)), day
        assert len(presents) > members / 2, day  # quorum (L2121-17)
        assert (day - meta["convocation"]).days - 1 >= 5, day  # jours francs: neither end counts
        secretary = meta["secretaires"][0]
        assert f"{secretary['prenom']} {secretary['nom']}" in presents, day
        president = meta["president"]
        assert f"{president['prenom']} {president['nom']}" in presents, day
        assert 0 < (meta["liste"]["publication"]["date"] - day).days <= 7, day  # L2121-25
        for act, _ in (a for a in acts.values() if a[0]["type"] == "deliberation" and a[0]["date"] == day):
            vote = act.get("vote")
            if vote:
                assert members / 2 < vote["presents"] <= len(presents), (day, act["numero"])
                assert vote["votants"] <= vote["presents"] + len(mandants), (day, act["numero"])
        pv = meta.get("proces_verbal")
        if index + 1 < len(days):  # arrêté at the next séance, online within the week (L2121-15)
            assert pv["arrete_le"] == days[index + 1], day
            assert 0 < (pv["publication"]["date"] - pv["arrete_le"]).days <= 7, day
            assert "Procès-verbal de la séance" in body and len(body) > 500, day
        else:
            assert pv is None and body.strip() == "", day


def test_bodies_are_french_prose_of_realistic_length(register):
    for name, (meta, body) in _acts(register).items():
        size = len(body.encode())
        assert 1500 <= size <= 4000, (name, size)
        assert "Vu " in body and "**Article 1 :**" in body, name
        assert re.search(r"\*\*(ARRÊTE|DÉCIDE|DÉLIBÈRE)\*\*", body), name


def test_numbers_consecutive_per_type_and_year_in_date_order(register):
    series: dict[tuple[str, int], list[tuple[int, date]]] = {}
    for meta, _ in _acts(register).values():
        series.setdefault((meta["type"], meta["date"].year), []).append((meta["numero"], meta["date"]))
    for key, items in series.items():
        items.sort()
        assert [n for n, _ in items] == list(range(1, len(items) + 1)), key
        assert [d for _, d in items] == sorted(d for _, d in items), key


def test_ar_identifiers_are_valid_for_the_commune(register):
    from registre.domain.ar import check_ar

    seen = 0
    for meta, _ in _acts(register).values():
        ar = meta["transmission"].get("ar")
        if ar:
            assert check_ar(ar, departement="066", siren="216602284", act_date=meta["date"]) == [], ar
            seen += 1
    assert seen > N // 3


def test_pdf_annexes_are_readable(register):
    from pypdf import PdfReader

    pdfs = sorted((register / "acts").rglob("*.pdf"))
    assert pdfs
    for pdf in pdfs:
        assert "Villeneuve-la-Rivière" in PdfReader(pdf).pages[0].extract_text()


def test_project_folder_copies_the_repository_config(register):
    config = yaml.safe_load((register / "mkdocs.yml").read_text(encoding="utf-8"))
    plugins = {next(iter(p)) if isinstance(p, dict) else p: p for p in config["plugins"]}
    options = plugins["registre"]["registre"]
    assert options["date_reference"] == "2025-12-31"
    assert options["siret"] == "21660228400012"
    assert (register / "docs" / "index.md").exists()
    manifest = json.loads((register / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["n"] == N and generate.is_current(register, N) and not generate.is_current(register, N + 1)


def test_dates_spread_over_one_year_per_ten_thousand_acts():
    import random

    years = {a.year for a in generate.plan(25_000, random.Random(1))}
    assert years == {2023, 2024, 2025}
    assert {a.year for a in generate.plan(10_000, random.Random(1))} == {2025}


def test_extra_act_is_the_next_arrete_and_checks_clean(register, tmp_path):
    import shutil

    copy = tmp_path / "plus-one"
    shutil.copytree(register, copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    rel, text = generate.extra_act(manifest)
    assert rel == f"acts/2025/arrete-2025-{manifest['next_arrete']['numero']}.md"
    (copy / rel).write_text(text, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "registre.cli", "check", "acts"], cwd=copy,
                            capture_output=True, text=True, env=ENV)
    assert result.returncode == 0 and f"{N + 1} actes lus" in result.stdout + result.stderr, result.stderr


def test_lower_bound_reads_and_renders_every_act(register):
    result = run.lower_bound(register)
    assert result["acts"] == N
    assert result["annexes_skipped"] == sum(1 for p in (register / "acts").rglob("*-annexe.md"))
    assert result["extensions"][:3] == ["toc", "tables", "fenced_code"]
    assert "admonition" in result["extensions"]
    assert result["html_bytes"] > N * 1500


def test_tree_sampler_sums_children(tmp_path):
    script = ("import subprocess, sys, time\n"
              "kids = [subprocess.Popen([sys.executable, '-c', 'x = bytearray(80 * 2**20); import time; "
              "time.sleep(1.5)']) for _ in range(2)]\n"
              "[k.wait() for k in kids]\n")
    result = run.measure([sys.executable, "-c", script], tmp_path, label="test-sampler")
    assert result["tree_peak_rss"] >= 160 * 2**20
    assert result["processes_at_peak"] >= 3
    assert result["largest_process_rss"] < result["tree_peak_rss"]


def test_tree_sampler_counts_memory_shared_by_a_fork_once(tmp_path):
    """A forked process shares its parent's pages (the build's render processes): summed RSS would
    count them twice, summed PSS once."""
    script = ("import os, time\n"
              "x = bytearray(os.urandom(1)) * (200 * 2**20)\n"
              "pid = os.fork()\n"
              "time.sleep(2)\n"
              "os._exit(0) if pid == 0 else os.waitpid(pid, 0)\n")
    result = run.measure([sys.executable, "-c", script], tmp_path, label="test-sampler-fork")
    assert result["processes_at_peak"] >= 3  # time, python and its fork
    assert 200 * 2**20 <= result["tree_peak_rss"] < 300 * 2**20


def test_site_stats_and_results_table(tmp_path):
    site = tmp_path / "site"
    for ident, size in (("arrete-2025-1", 1000), ("arrete-2025-2", 3000)):
        (site / "actes" / ident).mkdir(parents=True)
        (site / "actes" / ident / "index.html").write_bytes(b"x" * size)
    (site / "search").mkdir()
    (site / "search" / "search_index.json").write_bytes(b"{}" * 50)
    stats = run.site_stats(site)
    assert (stats["act_pages"], stats["act_page_max"], stats["act_page_mean"]) == (2, 3000, 2000)
    assert stats["act_page_max_id"] == "arrete-2025-2" and stats["lunr_index_bytes"] == 100
    assert run.search_cost(site, "x")["search_bytes"] is None  # no Pagefind: the column reads n/a
    record = {"n": 10_000, "date": "2025-12-01T10:00:00", "commit": "abc", **stats, "search_bytes": None,
              "build": {"wall_s": 100.0, "peak_rss": 2 * 2**30}, "lower_bound": {"wall_s": 20.0},
              "ratio_lower_bound": 5.0, "check": {"wall_s": 10.0}, "check_per_1000_s": 1.0,
              "incremental": {"wall_s": 10.0}, "incremental_ratio": 0.1, "machine": run.machine()}
    text = run.render_markdown({"sizes": {"10000": record}})
    assert "| 10\u202f000 |" in text and "n/a" in text
    assert "construction ≤ 4 × la borne inférieure | 5.0 × | **non atteint**" in text
    assert "ajout d'un acte ≤ 15 % de la construction complète | 10 % | atteint" in text
