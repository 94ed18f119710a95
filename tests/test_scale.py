"""What lets a large register build (issue 4), on real builds: the search index in
parts, one build per year merged into one site, blocks rendered once per build.

Speed itself is measured by bench/run.py, never here."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from datetime import date
from pathlib import Path

from conftest import VALID_DECISION, Project, copy_demo
from test_options import built, configure
from test_rules import ARRETE_INDIVIDUEL, delib

from registre.build.load import load_register
from registre.domain.config import load_config
from registre.publish.search import search_parts

PAGEFIND_OPTIONS = "recherche_actes_par_index: 2"


def two_year_register(root: Path, options: str = PAGEFIND_OPTIONS) -> Project:
    project = Project(root)
    project.add("2024/deliberation-2024-1.md", delib(1, "2024-04-11"))
    project.add("2024/deliberation-2024-2.md", delib(2, "2024-06-20"))
    project.add("2024/arrete-2024-1.md", ARRETE_INDIVIDUEL.replace("2025-", "2024-").replace("20250303", "20240303"))
    project.add("2025/deliberation-2025-1.md", delib(1, "2025-04-10"))
    project.add("2025/arrete-2025-1.md", ARRETE_INDIVIDUEL)
    project.add("2025/decision-2025-11.md", VALID_DECISION)
    configure(project, options)
    return project


def files(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in site.rglob("*") if p.is_file()}


def pagefind_records(bundle: Path) -> list[dict]:
    """Pagefind's record of each page of a bundle (gzip'd JSON), in URL order."""
    records = []
    for path in (bundle / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        records.append(json.loads(data[len(b"pagefind_dcd"):]))
    return sorted(records, key=lambda r: r["url"])


def is_pagefind_part(rel: str) -> bool:
    return re.match(r"pagefind/\d{4}-\d+/", rel) is not None


# -- search index in parts ------------------------------------------------------

def test_search_parts_follow_years_and_dates(tmp_path):
    project = two_year_register(tmp_path / "r")
    register = load_register(project.acts, load_config(project.root / "mkdocs.yml"))
    parts = search_parts(register)
    assert [(p.name, p.identifiers) for p in parts] == [
        ("2024-1", ("arrete-2024-1", "deliberation-2024-1")),
        ("2024-2", ("deliberation-2024-2",)),
        ("2025-1", ("arrete-2025-1", "deliberation-2025-1")),
        ("2025-2", ("decision-2025-11",)),
    ]
    # A year's acts in date order, so an act added at the end of the year changes its last part only.
    dates = {a.identifier: a.date for a in register.online}
    for part in parts:
        assert [dates[i] for i in part.identifiers] == sorted(dates[i] for i in part.identifiers)


def _parts_of(days: list[str], size: int) -> list[tuple[str, tuple[str, ...]]]:
    from types import SimpleNamespace

    from registre.domain.model import ActType

    acts = [SimpleNamespace(date=date.fromisoformat(d), year=int(d[:4]), type=ActType.ARRETE, numero=i,
                            identifier=f"arrete-{d[:4]}-{i}") for i, d in enumerate(days, start=1)]
    register = SimpleNamespace(config=SimpleNamespace(search_part_size=size), online=acts)
    return [(p.name, p.identifiers) for p in search_parts(register)]


def test_large_years_are_cut_at_month_boundaries():
    # Within the size, a year is one part.
    assert _parts_of(["2025-01-05", "2025-03-01", "2025-12-01"], 3) == [
        ("2025-1", ("arrete-2025-1", "arrete-2025-2", "arrete-2025-3"))]
    # Beyond: consecutive months share a part up to the size; a month larger than the size is cut.
    days = ["2025-01-05", "2025-01-20", "2025-02-03", "2025-03-01", "2025-03-02", "2025-03-03", "2025-03-04",
            "2025-03-05", "2025-11-30", "2025-12-01", "2025-12-19", "2025-12-30"]
    parts = _parts_of(days, 3)
    assert [ids for _, ids in parts] == [
        ("arrete-2025-1", "arrete-2025-2", "arrete-2025-3"),  # January and February
        ("arrete-2025-4", "arrete-2025-5", "arrete-2025-6"),  # March, cut
        ("arrete-2025-7", "arrete-2025-8", "arrete-2025-9"),  # the rest of March and November
        ("arrete-2025-10", "arrete-2025-11", "arrete-2025-12")]  # December
    # An act dated back in December changes December's parts only, not the parts before them.
    again = _parts_of(days + ["2025-12-18"], 3)
    assert again[:3] == parts[:3] and len(again) == 5


def test_each_part_indexes_its_acts_and_the_search_page_lists_the_parts(tmp_path):
    project = two_year_register(tmp_path / "r")
    result = built(project)
    assert "4 parties, 4 indexées, 0 reprises du cache" in result.stderr
    site = project.site
    for name, acts in {"2024-1": ["arrete-2024-1", "deliberation-2024-1"], "2024-2": ["deliberation-2024-2"],
                       "2025-1": ["arrete-2025-1", "deliberation-2025-1"], "2025-2": ["decision-2025-11"]}.items():
        assert [r["url"] for r in pagefind_records(site / "pagefind" / name)] == [f"/actes/{a}/" for a in acts]
        assert not (site / "pagefind" / name / "pagefind-component-ui.js").exists()  # UI once, in pagefind/
    assert (site / "pagefind" / "pagefind-component-ui.js").is_file()
    html = project.page("recherche")
    parts = json.loads(re.search(r'data-registre-parts="([^"]*)"', html)[1].replace("&#34;", '"'))
    assert [p["chemin"] for p in parts] == ["pagefind/2024-1/", "pagefind/2024-2/", "pagefind/2025-1/",
                                           "pagefind/2025-2/"]
    assert "data-registre-all-years" in html and 'id="registre-portee"' in html
    # Rebuilt unchanged: every part comes from the cache; one act changed: only its part is indexed again.
    assert "4 parties, 0 indexées, 4 reprises du cache" in built(project).stderr
    path = project.acts / "2025" / "decision-2025-11.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Article 1", "Article premier"), encoding="utf-8")
    assert "4 parties, 1 indexées, 3 reprises du cache" in built(project).stderr


# -- one build per year, merged -------------------------------------------------

def test_year_builds_merged_equal_one_build(tmp_path):
    """The design for a register too large for one machine (README): one job per year with
    ``annees: [year]``, the site folders copied over one another, give the site of one full build."""
    project = two_year_register(tmp_path / "r")
    full = tmp_path / "full"
    assert project.build("-d", str(full)).returncode == 0
    year_sites = []
    for year in (2024, 2025):
        configure(project, f"{PAGEFIND_OPTIONS}\nannees: [{year}]")
        shutil.rmtree(project.root / ".cache", ignore_errors=True)  # separate machines: no shared cache
        target = tmp_path / f"y{year}"
        result = project.build("-d", str(target))
        assert result.returncode == 0, result.stdout + result.stderr
        year_sites.append(target)
    merged = tmp_path / "merged"
    for site in year_sites:
        shutil.copytree(site, merged, dirs_exist_ok=True)

    a, b = files(full), files(merged)
    assert {r for r in a if not is_pagefind_part(r)} == {r for r in b if not is_pagefind_part(r)}
    # Each year-build wrote only its own acts.
    assert not any(rel.startswith("actes/arrete-2025-1/") for rel in files(year_sites[0]))
    assert not any(rel.startswith("actes/arrete-2024-1/") for rel in files(year_sites[1]))
    # Files both year-builds write (register-wide pages, exports…) are the same in both: the merge
    # does not depend on the order of the copies.
    y1, y2 = files(year_sites[0]), files(year_sites[1])
    for rel in set(y1) & set(y2):
        if not is_pagefind_part(rel):
            assert y1[rel].read_bytes() == y2[rel].read_bytes(), rel
    # Every file equal, byte for byte, but Pagefind's (its output is not byte-deterministic): the
    # parts hold the same pages with the same text, filters, metadata and sort keys.
    for rel in a:
        if not is_pagefind_part(rel):
            assert a[rel].read_bytes() == b[rel].read_bytes(), rel
    parts = sorted({rel.split("/")[1] for rel in a if is_pagefind_part(rel)})
    assert parts == ["2024-1", "2024-2", "2025-1", "2025-2"]
    assert parts == sorted({rel.split("/")[1] for rel in b if is_pagefind_part(rel)})
    for name in parts:
        assert pagefind_records(full / "pagefind" / name) == pagefind_records(merged / "pagefind" / name), name


# -- blocks rendered once per build ------------------------------------------------

def test_shared_blocks_rendered_once_give_the_same_pages(tmp_path, monkeypatch):
    monkeypatch.setenv("REGISTRE_PAGE_CACHE", "0")  # every act page rendered, by both builds
    demo = copy_demo(tmp_path / "demo")
    assert demo.build("-d", str(tmp_path / "cached")).returncode == 0
    monkeypatch.setenv("REGISTRE_BLOCK_CACHE", "0")
    assert demo.build("-d", str(tmp_path / "plain")).returncode == 0
    cached, plain = files(tmp_path / "cached"), files(tmp_path / "plain")
    assert {r for r in cached if not is_pagefind_part(r)} == {r for r in plain if not is_pagefind_part(r)}
    act_pages = [rel for rel in cached if re.fullmatch(r"actes/[a-z]+-\d{4}-\d+/index\.html", rel)]
    assert len(act_pages) >= 10
    for rel in cached:
        if rel.endswith(".html"):
            one = re.sub(r"\s+", " ", cached[rel].read_text(encoding="utf-8"))
            other = re.sub(r"\s+", " ", plain[rel].read_text(encoding="utf-8"))
            assert one == other, rel
    # The act pages did come from the cache (its blocks are indented differently).
    assert any(cached[rel].read_bytes() != plain[rel].read_bytes() for rel in act_pages)


# -- act pages kept from one build to the next ------------------------------------

def test_warm_build_equals_cold_build_after_changes(tmp_path, monkeypatch):
    """Act pages kept by content (registre/page_cache.py): after editing one act, the warm build
    renders only the pages whose inputs changed — the act itself and the délibération whose donné
    acte shows its objet — and writes the same bytes as a build that renders every page."""
    demo = copy_demo(tmp_path / "demo")
    first = demo.build("-d", str(tmp_path / "first"))
    assert first.returncode == 0, first.stderr
    path = demo.acts / "2025" / "decision-2025-11.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("objet: Convention de partenariat", "objet: Convention de partenariat modifiée"),
                    encoding="utf-8")
    warm = demo.build("-d", str(tmp_path / "warm"))
    assert warm.returncode == 0, warm.stderr
    total = len(list((tmp_path / "first" / "actes").glob("*/index.html")))
    assert f"pages d'actes : {total - 2} reprises du cache, 2 à construire" in warm.stderr
    assert re.search(r"fichiers des actes : \d+ repris du cache, 1 lu\.", warm.stderr), warm.stderr
    # Listings, matière and annex pages are kept too: those that show the edited act are rendered again.
    kept, rendered = map(int, re.search(r"listes et annexes : (\d+) reprises du cache, (\d+) à construire",
                                        warm.stderr).groups())
    assert kept > 0 and 0 < rendered < kept, warm.stderr
    monkeypatch.setenv("REGISTRE_PAGE_CACHE", "0")
    monkeypatch.setenv("REGISTRE_ACT_CACHE", "0")
    cold = demo.build("-d", str(tmp_path / "cold"))
    assert cold.returncode == 0, cold.stderr
    assert "reprises du cache, " not in cold.stderr.split("pages d'actes", 1)[-1][:40]
    assert "fichiers des actes" not in cold.stderr
    a, b = files(tmp_path / "warm"), files(tmp_path / "cold")
    assert set(a) == set(b)
    different = [rel for rel in a if a[rel].read_bytes() != b[rel].read_bytes()]
    assert different == []
    assert "Convention de partenariat modifiée" in (tmp_path / "warm" / "actes" / "deliberation-2025-4" /
                                                   "index.html").read_text(encoding="utf-8")
