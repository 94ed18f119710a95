"""Nothing read from .cache/ is published or sealed unless it still has the hash recorded when it
was produced (issue 13 §2): a damaged or edited cache entry is rebuilt, never served."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from conftest import Project, assert_ok, copy_demo, private_copy

CACHE = ".cache/registre"
PDF = "actes/decision-2025-12/decision-2025-12.pdf"
PAGE = "actes/decision-2025-12/index.html"


@pytest.fixture(scope="module")
def built_template(tmp_path_factory) -> Project:
    proj = copy_demo(tmp_path_factory.mktemp("cache") / "demo")
    (proj.root / "acts/registre.lock").unlink(missing_ok=True)
    result = proj.build()
    assert_ok(result)
    return proj


@pytest.fixture
def built(built_template, tmp_path) -> Project:
    """A private copy, with the site's files hard-linked to the cache as a build leaves them."""
    proj = private_copy(built_template, tmp_path / "demo")
    result = proj.build()  # warm: kept pages and PDFs published as hard links again
    assert_ok(result)
    return proj


def flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    with open(path, "r+b") as handle:  # in place: a hard link shares the change
        handle.write(bytes(data))


def test_pdf_flipped_in_the_site_is_rendered_again_not_republished_nor_sealed(built):
    good = (built.site / PDF).read_bytes()
    flip(built.site / PDF)
    result = built.build()
    assert_ok(result)
    assert (built.site / PDF).read_bytes() == good
    seal = built.registre("seal")
    assert_ok(seal)
    import hashlib

    ledger = (built.root / "acts/registre.lock").read_text(encoding="utf-8")
    assert hashlib.sha256(good).hexdigest() in ledger


def test_pdf_flipped_in_the_site_is_not_sealed_before_a_build(built):
    import hashlib

    good = hashlib.sha256((built.site / PDF).read_bytes()).hexdigest()
    flip(built.site / PDF)
    bad = hashlib.sha256((built.site / PDF).read_bytes()).hexdigest()
    seal = built.registre("seal")
    assert_ok(seal)
    ledger = (built.root / "acts/registre.lock").read_text(encoding="utf-8")
    assert good in ledger and bad not in ledger


def test_pdf_flipped_in_the_store_with_its_date_kept_is_rendered_again(built):
    store = [p for p in (built.root / CACHE / "pdf").rglob("*.pdf")]
    target = next(p for p in store if p.read_bytes() == (built.site / PDF).read_bytes())
    good = target.read_bytes()
    stat = target.stat()
    flip(target)
    import os

    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same modification time
    shutil.rmtree(built.site)
    assert built.build().returncode == 0
    assert (built.site / PDF).read_bytes() == good


def test_kept_page_truncated_in_the_cache_is_rendered_again(built):
    good = (built.site / PAGE).read_bytes()
    kept = next(p for p in (built.root / CACHE / "pages").rglob("*.html") if p.read_bytes() == good)
    with open(kept, "r+b") as handle:
        handle.truncate(len(good) // 3)
    shutil.rmtree(built.site)
    result = built.build()
    assert_ok(result)
    assert (built.site / PAGE).read_bytes() == good
    assert "pages d'actes : 11 reprises du cache, 1 à construire" in result.stdout + result.stderr


def test_page_edited_in_the_site_is_not_kept_for_the_next_build(built):
    good = (built.site / PAGE).read_bytes()
    text = good.decode("utf-8").replace("Article", "Articie", 1)
    with open(built.site / PAGE, "r+b") as handle:  # in place: the kept page is the same file
        handle.write(text.encode("utf-8"))
    shutil.rmtree(built.site)
    assert built.build().returncode == 0
    assert (built.site / PAGE).read_bytes() == good


def test_edited_actes_json_line_in_the_cache_is_encoded_again(built):
    good = (built.site / "donnees/actes.json").read_bytes()
    kept = built.root / CACHE / "exports"
    path = next(p for p in kept.iterdir() if p.is_file() and b"decision-2025-12" in p.read_bytes())
    data = json.loads(path.read_bytes())
    for key, value in data.items():
        line = value[1] if isinstance(value, list) else value
        if "decision-2025-12" in line:
            record = json.loads(line)
            record["objet"] = "Objet falsifié"
            new = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
            data[key] = [value[0], new] if isinstance(value, list) else new
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert built.build().returncode == 0
    assert (built.site / "donnees/actes.json").read_bytes() == good
    assert "falsifié" not in (built.site / "donnees/actes.json").read_text(encoding="utf-8")


def test_search_part_edited_in_the_cache_is_indexed_again(built):
    cache = built.root / CACHE / "pagefind"
    entry = next(cache.rglob("pagefind-entry.json"))
    entry.write_text('{"version":"piege"}', encoding="utf-8")
    result = built.build()
    assert_ok(result)
    assert "1 parties, 1 indexées, 0 reprises du cache" in result.stdout + result.stderr
    assert "piege" not in (built.site / "pagefind/2025-1/pagefind-entry.json").read_text(encoding="utf-8")
    ui = next(cache.rglob("pagefind-ui.js"))
    ui.write_text("alert(1)", encoding="utf-8")
    result = built.build()
    assert_ok(result)
    assert "alert(1)" not in (built.site / "pagefind/pagefind-ui.js").read_text(encoding="utf-8")


def test_compiled_template_edited_in_the_cache_is_compiled_again(built):
    """Jinja's compiled templates (.cache/registre/jinja) hold the words every page prints: one
    edited there (same length, so the code still loads) must not reach a page."""
    good = (built.site / "index.html").read_bytes()
    assert b"Aller au contenu" in good
    edited = []
    for path in (built.root / CACHE / "jinja").iterdir():
        data = path.read_bytes()
        if b"Aller au contenu" in data:
            path.write_bytes(data.replace(b"Aller au contenu", b"Aller au cOntenu"))
            edited.append(path)
    assert edited
    result = built.build()
    assert_ok(result)
    assert (built.site / "index.html").read_bytes() == good
    assert not [p for p in built.site.rglob("*.html") if b"cOntenu" in p.read_bytes()]
    assert not [p for p in (built.root / CACHE / "jinja").iterdir() if b"cOntenu" in p.read_bytes()]


def _table(path: Path) -> tuple[dict, bytes]:
    """A JSON table of the PDF store: (its entries, its first line), whatever that line holds."""
    first, _, text = path.read_bytes().partition(b"\n")
    if not text:  # no line before the JSON
        return json.loads(first), b""
    return json.loads(text), first + b"\n"


def test_pdf_store_index_with_two_entries_swapped_publishes_each_act_its_own_pdf(built):
    """The store's index (act's inputs → stored PDF) edited so that two acts point at each other's
    PDF, both intact in the store: each act still gets its own PDF, on the site and in the seal."""
    before = {p.relative_to(built.site): p.read_bytes() for p in built.site.glob("actes/*/*.pdf")}
    index = built.root / CACHE / "pdf/index.json"
    entries, first = _table(index)
    one, two = sorted(entries)[:2]
    entries[one], entries[two] = entries[two], entries[one]
    index.write_bytes(first + json.dumps(entries, sort_keys=True, separators=(",", ":")).encode("utf-8"))
    result = built.build()
    assert_ok(result)
    assert {p.relative_to(built.site): p.read_bytes() for p in built.site.glob("actes/*/*.pdf")} == before
    index.write_bytes(first + json.dumps(entries, sort_keys=True, separators=(",", ":")).encode("utf-8"))
    seal = built.registre("seal")
    assert_ok(seal)
    sealed = {record["publie"]: record["sha256"] for line in (built.root / "acts/registre.lock").read_text().splitlines()
              for record in json.loads(line)["fichiers"] if record.get("role") == "pdf"}
    assert sealed == {str(rel): hashlib.sha256(data).hexdigest() for rel, data in before.items()}


def test_edited_file_hash_table_never_reaches_the_page_the_pdf_or_the_seal(project):
    """The remembered SHA-256 of a signed original (.cache/registre/pdf/annexes-sha256.json) edited:
    the page, the act's PDF and the seal give the file's true SHA-256."""
    from test_pdf import signed_pdf, with_original

    original = signed_pdf()
    digest = hashlib.sha256(original).hexdigest()
    project.add_bytes("2025/decision-2025-11-signee.pdf", original)
    project.add("2025/decision-2025-11.md", with_original())
    assert project.build().returncode == 0
    table = project.root / CACHE / "pdf/annexes-sha256.json"
    entries, first = _table(table)
    assert [value[2] for value in entries.values()] == [digest]
    forged = "f00d" * 16
    entries = {key: [value[0], value[1], forged] for key, value in entries.items()}
    table.write_bytes(first + json.dumps(entries, sort_keys=True, separators=(",", ":")).encode("utf-8"))
    result = project.build()
    assert_ok(result)
    page = project.page("actes/decision-2025-11")
    assert digest in page and forged not in page
    assert forged not in "".join(p.read_text(encoding="utf-8") for p in project.site.glob("verifier/**/*.json"))
    from pypdf import PdfReader

    pdf = PdfReader(project.site / "actes/decision-2025-11/decision-2025-11.pdf")
    text = "".join(page.extract_text() for page in pdf.pages).replace(" ", "").replace("\n", "")
    assert digest in text and forged not in text
    seal = project.registre("seal")
    assert_ok(seal)
    assert forged not in (project.root / "acts/registre.lock").read_text(encoding="utf-8")


def test_kept_page_copied_under_another_acts_key_is_rendered_again(built):
    """A kept page copied, name and all, over another act's kept page (no hash to compute: the
    file's own name is reused): each act still gets its own page."""
    other = "actes/decision-2025-13/index.html"
    good, other_page = (built.site / PAGE).read_bytes(), (built.site / other).read_bytes()
    kept = {p.read_bytes(): p for p in (built.root / CACHE / "pages").rglob("*.html")}
    mine, theirs = kept[good], kept[other_page]
    copied = mine.with_name(mine.name[:64] + theirs.name[64:])  # my key, their bytes and digest
    mine.unlink()
    shutil.copyfile(theirs, copied)
    shutil.rmtree(built.site)
    result = built.build()
    assert_ok(result)
    assert (built.site / PAGE).read_bytes() == good
    assert (built.site / other).read_bytes() == other_page


def test_stored_pdf_copied_with_its_record_under_another_key_is_rendered_again(built):
    """Another act's PDF and the SHA-256 recorded beside it copied over this act's stored PDF, the
    store's index lost: no hash to compute, yet each act still gets its own PDF."""
    other = "actes/decision-2025-13/decision-2025-13.pdf"
    good, other_pdf = (built.site / PDF).read_bytes(), (built.site / other).read_bytes()
    store = built.root / CACHE / "pdf"
    stored = {p.read_bytes(): p for p in store.glob("*/*.pdf")}
    mine, theirs = stored[good], stored[other_pdf]
    shutil.copyfile(theirs, mine)
    shutil.copyfile(theirs.with_suffix(".sha256"), mine.with_suffix(".sha256"))
    (store / "index.json").unlink()
    shutil.rmtree(built.site)
    result = built.build()
    assert_ok(result)
    assert (built.site / PDF).read_bytes() == good
    assert (built.site / other).read_bytes() == other_pdf


def test_search_part_copied_under_the_name_of_a_newer_one_is_indexed_again(built, tmp_path):
    """The search index of an earlier version of the register (a cached part, intact in itself)
    copied under the name of the current part: the site's search still finds the current text."""
    import gzip

    cache = next((built.root / CACHE / "pagefind").iterdir())
    before = next(p for p in cache.iterdir() if p.name.startswith("2025-1-"))
    shutil.copytree(before, tmp_path / "ancien")
    act = built.acts / "2025/decision-2025-12.md"
    act.write_text(act.read_text(encoding="utf-8").replace("\nobjet: ", "\nobjet: Zorglub ", 1), encoding="utf-8")
    assert built.build().returncode == 0
    current = next(p for p in cache.iterdir() if p.name.startswith("2025-1-"))
    assert current.name != before.name
    shutil.rmtree(current)
    shutil.copytree(tmp_path / "ancien", current)
    result = built.build()
    assert_ok(result)
    fragments = [gzip.decompress(p.read_bytes()) for p in (built.site / "pagefind/2025-1/fragment").iterdir()]
    assert any(b"Zorglub" in fragment for fragment in fragments)
