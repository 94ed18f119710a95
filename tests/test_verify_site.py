"""`registre verify SITE`: every published file, byte for byte, and the ledger's history (issue 13 §2)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import VALID_DECISION, Project, _env, assert_ok, copy_demo, private_copy

LEDGER = "acts/registre.lock"


@pytest.fixture(scope="module")
def verified_template(tmp_path_factory) -> Project:
    """The demo (décision 11/2025 has a Markdown annex), sealed and built once."""
    proj = copy_demo(tmp_path_factory.mktemp("verify") / "demo")
    (proj.root / LEDGER).unlink(missing_ok=True)
    seal = proj.registre("seal")
    assert_ok(seal)
    build = proj.build()
    assert_ok(build)
    return proj


@pytest.fixture
def verified(verified_template, tmp_path) -> Project:
    return private_copy(verified_template, tmp_path / "demo")


def flip_byte(path: Path, offset: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    position = len(data) // 2 if offset is None else offset
    data[position] ^= 0x01
    path.write_bytes(bytes(data))


def test_untouched_site_verifies_with_every_file_compared(verified):
    result = verified.registre("verify", "site")
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "0 erreur, 0 avertissement" in out
    every_file = [p for p in verified.site.rglob("*") if p.is_file()]
    assert f"{len(every_file)} fichiers vérifiés" in out, out


# Each file a resident may read or download, edited as on a compromised server.
EDITS = {
    "page d'acte": ("actes/decision-2025-12/index.html",
                    lambda p: p.write_text(p.read_text(encoding="utf-8").replace("Article", "Articie", 1),
                                           encoding="utf-8")),
    "page d'annexe": ("actes/decision-2025-11/annexes/decision-2025-11-convention-ent-ecole/index.html",
                      lambda p: p.write_text(p.read_text(encoding="utf-8").replace("Article", "Articie", 1),
                                             encoding="utf-8")),
    "actes.json": ("donnees/actes.json", lambda p: p.write_bytes(p.read_bytes().replace(b"2025", b"2024", 1))),
    "export CSV": ("donnees/deliberations.csv", lambda p: p.write_bytes(p.read_bytes() + b"\n")),
    "flux": ("flux/actes.atom", lambda p: flip_byte(p)),
    "PDF": ("actes/decision-2025-12/decision-2025-12.pdf", lambda p: flip_byte(p)),
    "plan du site": ("sitemap.xml", lambda p: flip_byte(p)),
    "liste du registre": ("registre/index.html", lambda p: flip_byte(p)),
    "feuille de style": ("assets/registre/registre.css", lambda p: p.write_bytes(p.read_bytes() + b"/* */")),
}


@pytest.mark.parametrize("what", sorted(EDITS))
def test_any_edited_published_file_is_an_error(verified, what):
    rel, edit = EDITS[what]
    target = verified.site / rel
    before = target.read_bytes()
    edit(target)
    assert target.read_bytes() != before
    result = verified.registre("verify", "site")
    assert result.returncode == 1, result.stdout + result.stderr
    assert (f"site/{rel}:1: erreur: fichier publié différent, octet par octet, de celui que produit le registre."
            in result.stdout), result.stdout
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("what", ["interface", "fragment", "filtre", "entree"])
def test_edited_search_index_is_an_error(verified, what):
    """Pagefind's files: byte for byte, or by content for those it names after bytes that vary."""
    part = verified.site / "pagefind/2025-1"
    if what == "interface":
        target = verified.site / "pagefind/pagefind-ui.js"
        target.write_bytes(target.read_bytes() + b"\nalert(1);\n")
        shown = "site/pagefind/pagefind-ui.js"
    elif what == "fragment":
        target = sorted((part / "fragment").iterdir())[0]
        flip_byte(target)
        shown = f"site/pagefind/2025-1/fragment/{target.name}"
    elif what == "filtre":
        import gzip

        target = sorted((part / "filter").iterdir())[0]
        data = gzip.decompress(target.read_bytes())
        target.write_bytes(gzip.compress(data.replace("2025".encode(), "2024".encode())
                                         .replace("vigueur".encode(), "vigueuR".encode())
                                         .replace("Arr".encode(), "Err".encode())
                                         .replace("Fin".encode(), "Fun".encode())))
        shown = "site/pagefind/2025-1/filter/*.pf_filter"
    else:
        target = part / "pagefind-entry.json"
        target.write_text(target.read_text(encoding="utf-8").replace('"page_count":', '"page_count":1'),
                          encoding="utf-8")
        shown = "site/pagefind/2025-1/pagefind-entry.json"
    result = verified.registre("verify", "site")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{shown}:1: erreur: " in result.stdout and "différent" in result.stdout, result.stdout


def _statut_filter(part: Path) -> tuple[Path, bytes]:
    import gzip

    for path in sorted((part / "filter").iterdir()):
        data = gzip.decompress(path.read_bytes())
        if b"statut" in data[:30]:
            return path, data
    raise AssertionError("no statut filter")


def test_search_filter_with_pages_moved_between_values_is_an_error(verified):
    """The search's « statut » filter edited so that a page listed « Modifié » is listed « En vigueur »
    and one page « En vigueur » is listed « Modifié »: the same bytes in another order (Pagefind
    writes its entries in any order, but which page has which value is what the filter says)."""
    import gzip

    path, data = _statut_filter(verified.site / "pagefind/2025-1")
    pages = {}
    for value in (b"En vigueur", b"Modifi\xc3\xa9"):
        start = data.index(value) + len(value)  # a CBOR array of small page numbers follows
        count = data[start] - 0x80
        assert 0 < count < 24 and all(n < 24 for n in data[start + 1:start + 1 + count]), data
        pages[value] = start + 1
    edited = bytearray(data)
    edited[pages[b"En vigueur"]], edited[pages[b"Modifi\xc3\xa9"]] = data[pages[b"Modifi\xc3\xa9"]], \
        data[pages[b"En vigueur"]]
    assert sorted(edited) == sorted(data) and bytes(edited) != data
    path.write_bytes(gzip.compress(bytes(edited)))
    result = verified.registre("verify", "site")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "site/pagefind/2025-1/filter/*.pf_filter:1: erreur: " in result.stdout, result.stdout


def test_search_meta_pointing_a_filter_at_another_file_is_an_error(verified):
    """The search's index names the « statut » filter file for the « type » filter and the other
    way round (same size, same bytes in another order): the filters shown are false."""
    import gzip

    part = verified.site / "pagefind/2025-1"
    meta = next(part.glob("*.pf_meta"))
    data = gzip.decompress(meta.read_bytes())
    statut = _statut_filter(part)[0].stem.encode()
    type_ = next(p.stem for p in (part / "filter").iterdir()
                 if b"type" in gzip.decompress(p.read_bytes())[:20]).encode()
    assert len(statut) == len(type_) and statut in data and type_ in data
    edited = data.replace(statut, b"@" * len(statut)).replace(type_, statut).replace(b"@" * len(statut), type_)
    assert len(edited) == len(data) and edited != data
    meta.write_bytes(gzip.compress(edited))
    result = verified.registre("verify", "site")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "site/pagefind/2025-1/*.pf_meta:1: erreur: " in result.stdout, result.stdout


def test_search_filter_file_deleted_is_an_error_not_a_traceback(verified):
    part = verified.site / "pagefind/2025-1"
    _statut_filter(part)[0].unlink()
    result = verified.registre("verify", "site")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "site/pagefind/2025-1/*.pf_meta:1: erreur: " in result.stdout, result.stdout


def test_added_and_removed_files_are_errors(verified):
    (verified.site / "actes/decision-2025-12/piege.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    (verified.site / "flux/seances.ics").unlink()
    result = verified.registre("verify", "site")
    assert result.returncode == 1
    assert "site/actes/decision-2025-12/piege.html:1: erreur: fichier publié que le registre ne produit pas." \
        in result.stdout, result.stdout
    assert "site/flux/seances.ics:1: erreur: fichier que le registre produit mais absent du site." in result.stdout


def build_on_the_clock(proj: Project, day: str) -> dict:
    """Drop the pinned date_reference and build with the clock at ``day`` (REGISTRE_DATE);
    returns the environment used, for the commands that follow."""
    config = proj.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace('      date_reference: "2025-12-15"\n', ""),
                      encoding="utf-8")
    env = {**_env(), "REGISTRE_DATE": day}
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--clean"], cwd=proj.root,
                           capture_output=True, text=True, env=env)
    assert_ok(build)
    return env


def test_verify_builds_with_the_date_the_site_was_built_with(verified):
    """A site built "today" = 2025-12-15 verifies later, whatever the clock says: the date is
    recorded in verifier/integrite.json and the rebuild uses it."""
    env = build_on_the_clock(verified, "2025-12-15")
    index = json.loads((verified.site / "verifier/integrite.json").read_text(encoding="utf-8"))
    assert index["date"] == "2025-12-15"
    env["REGISTRE_DATE"] = "2026-03-01"  # months later: acts would have changed status
    result = subprocess.run([sys.executable, "-m", "registre.cli", "verify", "site"], cwd=verified.root,
                            capture_output=True, text=True, env=env)
    assert_ok(result)


@pytest.mark.parametrize("claimed, clock, said", [
    ("2025-12-16", "2025-12-15", "le site dit avoir été construit le 16/12/2025, date qui n'est pas encore venue"),
    ("2025-12-14", "2026-03-01", "le site dit avoir été construit le 14/12/2025, avant le scellement du "
                                 "15/12/2025"),
])
def test_edited_build_date_is_an_error(verified, claimed, clock, said):
    """verify rebuilds at the date the site records: an attacker who edits that date (and the one
    actes.json repeats) gets a rebuild that matches, unless the date itself is checked. Sealed on
    2025-12-15 (the demo's date), built that day: it cannot claim the 14th, nor a day still to come."""
    env = build_on_the_clock(verified, "2025-12-15")
    for rel, before, after in (("verifier/integrite.json", '"date":"2025-12-15"', f'"date":"{claimed}"'),
                               ("donnees/actes.json", '"date_reference": "2025-12-15"',
                                f'"date_reference": "{claimed}"')):
        path = verified.site / rel
        text = path.read_text(encoding="utf-8")
        assert before in text
        path.write_text(text.replace(before, after), encoding="utf-8")
    env["REGISTRE_DATE"] = clock
    result = subprocess.run([sys.executable, "-m", "registre.cli", "verify", "site"], cwd=verified.root,
                            capture_output=True, text=True, env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"site/verifier/integrite.json:1: erreur: {said}" in result.stdout, result.stdout


def test_cold_builds_are_byte_identical_in_any_folder(verified, tmp_path):
    from registre.build.site_rebuild import compare_sites, rebuild

    rebuild(verified.root / "mkdocs.yml", tmp_path / "un", None)
    rebuild(verified.root / "mkdocs.yml", tmp_path / "deux" / "ailleurs", None)
    comparison = compare_sites(tmp_path / "un", tmp_path / "deux" / "ailleurs")
    assert comparison.compared > 100
    assert (comparison.missing, comparison.extra, comparison.different) == ([], [], [])


def test_failed_rebuild_is_a_french_error(verified):
    verified.add("2025/decision-2025-14.md", VALID_DECISION.replace("numero: 11", "numero: 14")
                 .replace("date: 2025-05-30", "date: 2025-02-30"))
    result = verified.registre("verify", "site")
    assert result.returncode == 1
    assert "erreur: impossible de reconstruire le site pour le comparer octet par octet" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


# -- a rewritten history ----------------------------------------------------------------------

def _add_act_and_seal(proj: Project) -> None:
    new = proj.acts / "2025/decision-2025-14.md"
    new.write_text((proj.acts / "2025/decision-2025-13.md").read_text(encoding="utf-8")
                   .replace("numero: 13", "numero: 14"), encoding="utf-8")
    seal = proj.registre("seal")
    assert_ok(seal)


def test_head_hash_is_published_on_the_site(verified):
    ledger_lines = (verified.root / LEDGER).read_bytes().splitlines()
    import hashlib

    head = hashlib.sha256(ledger_lines[-1]).hexdigest()
    index = json.loads((verified.site / "verifier/integrite.json").read_text(encoding="utf-8"))
    assert index["registre_scelle"]["derniere_ligne_sha256"] == head
    page = verified.page("verifier")
    assert head in page and "--tete" in page


def test_earlier_site_extended_verifies(verified, tmp_path):
    earlier = tmp_path / "ancien-site"
    shutil.copytree(verified.site, earlier)
    head = json.loads((earlier / "verifier/integrite.json").read_text(encoding="utf-8"))[
        "registre_scelle"]["derniere_ligne_sha256"]
    _add_act_and_seal(verified)
    assert verified.build().returncode == 0
    for option in (("--avant", str(earlier)), ("--tete", head)):
        result = verified.registre("verify", "site", *option)
        assert_ok(result)


def test_rewritten_history_fails_against_an_earlier_site(verified, tmp_path):
    earlier = tmp_path / "ancien-site"
    shutil.copytree(verified.site, earlier)
    head = json.loads((earlier / "verifier/integrite.json").read_text(encoding="utf-8"))[
        "registre_scelle"]["derniere_ligne_sha256"]
    # History rewritten: the ledger is sealed again from scratch, on another day (a coherent new chain).
    (verified.root / LEDGER).unlink()
    config = verified.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('date_reference: "2025-12-15"', 'date_reference: "2025-12-16"'), encoding="utf-8")
    seal = verified.registre("seal")
    assert_ok(seal)
    config.write_text(text, encoding="utf-8")
    assert verified.build().returncode == 0
    plain = verified.registre("verify", "site")
    assert plain.returncode == 0, plain.stdout + plain.stderr  # alone, a coherent new chain looks fine
    for option in (("--avant", str(earlier)), ("--tete", head)):
        result = verified.registre("verify", "site", *option)
        assert result.returncode == 1, result.stdout + result.stderr
        assert f"acts/registre.lock:1: erreur: registre scellé réécrit : la ligne d'empreinte {head[:16]}" \
            in result.stdout, result.stdout
    bad = verified.registre("verify", "site", "--tete", "pas-une-empreinte")
    assert bad.returncode == 1 and "n'est pas une empreinte SHA-256" in bad.stdout


def test_shallow_clone_check_warns_it_cannot_see_a_rewrite(verified, tmp_path):
    def git(cwd, *args):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=cwd, check=True,
                       capture_output=True)

    git(verified.root, "init", "-q")
    git(verified.root, "add", "acts", "docs", "mkdocs.yml")
    git(verified.root, "commit", "-q", "-m", "un")
    _add_act_and_seal(verified)
    git(verified.root, "add", "acts")
    git(verified.root, "commit", "-q", "-m", "deux")
    full = verified.registre("check", "acts")
    assert "clone superficiel" not in full.stdout
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{verified.root}", str(clone))
    result = subprocess.run([sys.executable, "-m", "registre.cli", "check", "acts"], cwd=clone, capture_output=True,
                            text=True, env=_env())
    assert_ok(result)
    assert ("acts/registre.lock:1: avertissement: historique git incomplet (clone superficiel, « git clone "
            "--depth 1 ») : impossible de vérifier que le registre scellé n'a pas été réécrit") in result.stdout, \
        result.stdout
    assert "git fetch --unshallow" in result.stdout


def test_ci_templates_fetch_the_whole_history():
    root = Path(__file__).resolve().parent.parent
    github = (root / "ci/github/publier.yml").read_text(encoding="utf-8")
    assert "uses: actions/checkout@v4\n        with:\n          fetch-depth: 0" in github
    gitlab = (root / "ci/gitlab/.gitlab-ci.yml").read_text(encoding="utf-8")
    assert "\n  GIT_DEPTH: 0" in gitlab
