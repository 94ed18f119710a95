"""The fallback engine (issue 16): the demo register built with ProperDocs, the
maintained fork of MkDocs 1.6, gives the site MkDocs gives.

Both builds run as a commune would run them (``mkdocs build``,
``properdocs build -f mkdocs.yml``) on two copies of the demo in two folders,
each with an empty cache and the same date.  Every file but Pagefind's index is
compared byte for byte: the one difference allowed is the
``<meta name="generator">`` tag of the HTML pages, which names the engine.
Pagefind's index is not byte-reproducible (it orders its filter files
differently at each run), so it is left out of the byte comparison and compared
by what it says, as ``registre verify`` does (``site_rebuild.compare_sites``).
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from conftest import DEMO_TODAY, _env, assert_ok, copy_demo

pytestmark = pytest.mark.slow

GENERATOR = re.compile(rb'<meta name="generator" content="([^"]*)">')


def build(engine: str, root: Path, *extra: str) -> subprocess.CompletedProcess:
    env = _env()
    env["REGISTRE_DATE"] = DEMO_TODAY
    command = [sys.executable, "-m", engine, "build", "--clean", *extra]
    if engine == "properdocs":
        # ProperDocs still reads mkdocs.yml by itself but announces the end of that fallback.
        command += ["--config-file", "mkdocs.yml"]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, env=env)


def site_files(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in site.rglob("*")
            if p.is_file() and not p.relative_to(site).as_posix().startswith("pagefind/")}


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    if importlib.util.find_spec("properdocs") is None:
        pytest.fail("ProperDocs absent : installez les dépendances de test (pip install --require-hashes "
                    "-r requirements.lock), qui le contiennent.")
    built = {}
    for engine in ("mkdocs", "properdocs"):
        demo = copy_demo(tmp_path_factory.mktemp(engine) / "demo")
        result = build(engine, demo.root)
        assert result.returncode == 0, result.stdout + result.stderr
        built[engine] = (demo, result.stdout + result.stderr)
    return built


def test_properdocs_runs_the_registre_plugin(two_builds):
    """The plugin is loaded by its ``mkdocs.plugins`` entry point and its messages reach the log."""
    demo, log = two_builds["properdocs"]
    assert "registre : PDF des actes" in log, log
    assert len(list((demo.site / "actes").glob("*/*.pdf"))) >= 10
    assert list((demo.site / "pagefind").glob("*/pagefind.js"))  # the search index, one part per year


def test_properdocs_builds_the_same_files_as_mkdocs_but_the_generator_tag(two_builds):
    mkdocs_site, properdocs_site = two_builds["mkdocs"][0].site, two_builds["properdocs"][0].site
    expected, actual = site_files(mkdocs_site), site_files(properdocs_site)
    assert sorted(expected) == sorted(actual)
    assert any(name.endswith(".pdf") for name in expected) and "sitemap.xml" in expected

    material = metadata.version("mkdocs-material")
    tags = {"mkdocs": f"mkdocs-{metadata.version('mkdocs')}, mkdocs-material-{material}".encode(),
            "properdocs": f"mkdocs-ProperDocs {metadata.version('properdocs')}, mkdocs-material-{material}".encode()}
    identical, tag_only, other = [], [], []
    for name, path in expected.items():
        a, b = path.read_bytes(), actual[name].read_bytes()
        if a == b:
            identical.append(name)
            continue
        if GENERATOR.findall(a) == [tags["mkdocs"]] and GENERATOR.findall(b) == [tags["properdocs"]] \
                and GENERATOR.sub(b"", a) == GENERATOR.sub(b"", b):
            tag_only.append(name)
        else:
            other.append(name)
    assert other == []
    # Every HTML page carries the tag; nothing else does.
    assert sorted(tag_only) == sorted(name for name in expected if name.endswith(".html"))
    assert all(not name.endswith(".html") for name in identical) and len(identical) > 20


def test_properdocs_search_index_says_what_mkdocs_index_says(two_builds):
    from registre.build.site_rebuild import compare_sites

    result = compare_sites(two_builds["mkdocs"][0].site, two_builds["properdocs"][0].site)
    assert result.missing == [] and result.extra == []
    assert [name for name in result.different if name.startswith("pagefind/")] == []
    assert all(name.endswith(".html") for name in result.different)


def test_registre_verify_rebuilds_a_properdocs_site_with_properdocs(tmp_path):
    """A register switched to ProperDocs still verifies: the rebuild uses the engine named by the
    site's generator tag (with MkDocs, every HTML page would differ by that tag)."""
    demo = copy_demo(tmp_path / "demo")
    assert_ok(demo.registre("seal"))
    assert_ok(build("properdocs", demo.root))
    result = demo.registre("verify", "site")
    assert result.returncode == 0, result.stdout + result.stderr
    assert ": 0 erreur" in result.stdout and "fichier publié différent" not in result.stdout + result.stderr

    page = demo.site / "registre" / "index.html"  # a page changed on the server is still caught
    page.write_bytes(page.read_bytes().replace(b"</body>", b"<p>ajout</p></body>"))
    result = demo.registre("verify", "site")
    assert result.returncode == 1
    assert "site/registre/index.html:1: erreur: fichier publié différent" in result.stdout
    assert ": 1 erreur" in result.stdout + result.stderr


def test_properdocs_strict_failure_keeps_the_previous_site(tmp_path):
    """``--strict`` with a warning: ProperDocs aborts after the build, and the site already online
    stays as it was (ProperDocs counts warnings on its own logger, not on « mkdocs »)."""
    demo = copy_demo(tmp_path / "demo")
    assert_ok(build("properdocs", demo.root))
    home = demo.site / "index.html"  # marked, to tell the site online from a new build of it
    home.write_bytes(home.read_bytes() + b"<!-- site en ligne -->")
    before = home.read_bytes()
    page = demo.root / "docs" / "integrite.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[lien](inexistant.md)\n", encoding="utf-8")
    result = build("properdocs", demo.root, "--strict")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "inexistant.md" in result.stderr
    assert "le site précédent est conservé tel quel" in result.stderr
    assert home.read_bytes() == before


def test_switching_engine_with_a_warm_cache_renders_every_page_again(tmp_path):
    """Built with MkDocs, then with ProperDocs in the same folder: the page cache is keyed by the
    engine, so no page rendered by MkDocs (and naming it) is taken into ProperDocs's site."""
    demo = copy_demo(tmp_path / "demo")
    assert_ok(build("mkdocs", demo.root))
    assert_ok(build("properdocs", demo.root))
    pages = sorted(demo.site.rglob("*.html"))
    assert len(pages) > 30
    named = {p.relative_to(demo.site).as_posix(): GENERATOR.findall(p.read_bytes()) for p in pages}
    assert {name: tags for name, tags in named.items()
            if len(tags) != 1 or not tags[0].startswith(b"mkdocs-ProperDocs ")} == {}
