"""Issue 7: every act online downloadable as a PDF/A-3b carrying its legal mentions."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
from pathlib import Path

import pytest
from conftest import VALID_DECISION
from pypdf import PdfReader, PdfWriter
from test_site import text_of

from registre.build.load import load_register
from registre.domain.config import load_config
from registre.domain.dates import format_date
from registre.domain.lifecycle import is_online
from registre.domain.model import TransmissionStatus
from registre.domain.register import Register
from registre.seal.hashing import content_hash
from registre.site.presentation import ActView

SUMMARY_RE = re.compile(r"PDF des actes : (\d+) générés, (\d+) repris du cache")


def register_of(proj) -> Register:
    return load_register(proj.acts, load_config(proj.root / "mkdocs.yml"))


def pdf_path(proj, identifier: str) -> Path:
    return proj.site / "actes" / identifier / f"{identifier}.pdf"


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pdf_summary(result) -> tuple[int, int]:
    match = SUMMARY_RE.search(result.stdout + result.stderr)
    assert match, result.stdout + result.stderr
    return int(match[1]), int(match[2])


@pytest.fixture(scope="module")
def demo_acts(built_demo):
    register = register_of(built_demo)
    online = [a for a in register.acts if is_online(a, register.today)]
    assert len(online) >= 10
    return register, online


def test_every_act_online_has_its_pdf_with_the_legal_mentions(built_demo, demo_acts):
    register, online = demo_acts
    for act in online:
        reader = PdfReader(pdf_path(built_demo, act.identifier))
        text = flat("\n".join(page.extract_text() for page in reader.pages))
        view = ActView(act, register)
        signataire = f"{act.signataire.prenom} {act.signataire.nom}, {act.signataire.qualite}"
        assert signataire in text, act.identifier
        assert f"Mis en ligne le {format_date(act.publication)}" in text, act.identifier
        assert flat(view.recours_mention) in text, act.identifier
        assert flat(view.objet) in text, act.identifier
        assert f"n°{view.number} du {format_date(act.date)}" in text, act.identifier
        if act.transmission.status is TransmissionStatus.TRANSMIS:
            assert f"accusé de réception n° {act.transmission.ar}" in text, act.identifier
            assert f"le {format_date(act.transmission.date)}" in text, act.identifier
        if view.executory:
            assert f"exécutoire depuis le {format_date(view.executory)}" in text, act.identifier
        # A sentence from the middle of the act's text: the text is there in full.
        sentence = next(line for line in act.body.splitlines() if len(line) > 60 and "|" not in line)
        assert flat(re.sub(r"[*_`#]", "", sentence))[:50] in text, act.identifier


def test_every_page_footer_carries_identifier_and_sealed_hash(built_demo, demo_acts):
    _, online = demo_acts
    for act in online:
        reader = PdfReader(pdf_path(built_demo, act.identifier))
        digest = content_hash(act)
        for number, page in enumerate(reader.pages, start=1):
            text = page.extract_text()
            assert act.identifier in text, (act.identifier, number)
            assert f"SHA-256 du texte scellé : {digest}" in text, (act.identifier, number)
            assert f"page {number} / {len(reader.pages)}" in text


def test_pdfs_declare_pdfa_3b_are_tagged_and_embed_the_packaged_fonts(built_demo, demo_acts):
    _, online = demo_acts
    for act in online:
        reader = PdfReader(pdf_path(built_demo, act.identifier))
        assert reader.pdf_header == "%PDF-1.7"
        xmp = reader.xmp_metadata
        assert xmp is not None, act.identifier
        description = next(node for node in xmp.rdf_root.getElementsByTagNameNS(
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "Description")
            if node.hasAttributeNS("http://www.aiim.org/pdfa/ns/id/", "part"))
        assert description.getAttributeNS("http://www.aiim.org/pdfa/ns/id/", "part") == "3"
        assert description.getAttributeNS("http://www.aiim.org/pdfa/ns/id/", "conformance") == "B"
        root = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root, "PDF non balisé"
        assert root["/Lang"] == "fr"
        assert "/OutputIntents" in root
        assert reader.metadata["/Author"] == (f"{act.signataire.prenom} {act.signataire.nom}, "
                                              f"{act.signataire.qualite}")
        # Dates come from the act: the day it was put online.
        assert reader.metadata["/CreationDate"].startswith(f"D:{act.publication:%Y%m%d}")
        # The document identifier is the act's content hash.
        assert reader.trailer["/ID"][0] == content_hash(act)[:32]
        fonts = set()
        for page in reader.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font["/BaseFont"]
                fonts.add(str(font["/BaseFont"]).split("+", 1)[1])
        assert fonts and all(name.startswith("Registre-Sans") for name in fonts), fonts


def test_act_page_offers_the_pdf_with_its_size_and_sha256(built_demo, demo_acts):
    _, online = demo_acts
    for act in online:
        data = pdf_path(built_demo, act.identifier).read_bytes()
        html = built_demo.page(f"actes/{act.identifier}")
        section = html.split('id="telecharger-titre"', 1)[1].split("</section>", 1)[0]
        assert f'href="{act.identifier}.pdf"' in section
        assert hashlib.sha256(data).hexdigest() in section
        assert f"{round(len(data) / 1000)} Ko" in text_of(section)


def test_scheduled_acts_get_no_pdf(built_demo):
    register = register_of(built_demo)
    for act in register.acts:
        if not is_online(act, register.today):
            assert not (built_demo.site / "actes" / act.identifier).exists(), act.identifier


def test_fresh_caches_give_identical_bytes_and_a_warm_cache_renders_nothing(built_demo, demo_acts, demo):
    """Two builds in two folders with two empty caches: same bytes.  Then the same
    folder again: nothing rendered.  Then one word changed: one act rendered."""
    _, online = demo_acts
    result = demo.build()
    assert result.returncode == 0, result.stdout + result.stderr
    assert pdf_summary(result) == (len(online), 0)
    for act in online:
        assert pdf_path(demo, act.identifier).read_bytes() == pdf_path(built_demo, act.identifier).read_bytes(), \
            act.identifier

    cache = demo.root / ".cache" / "registre" / "pdf"
    cached = {p: p.stat().st_mtime_ns for p in cache.glob("*/*.pdf")}
    # The séance documents share the store: liste and PV of 10 April, liste of 3 July (the demo's séance files).
    assert len(cached) == len(online) + 3
    result = demo.build()
    assert result.returncode == 0, result.stdout + result.stderr
    assert pdf_summary(result) == (0, len(online))
    assert {p: p.stat().st_mtime_ns for p in cache.glob("*/*.pdf")} == cached

    changed = online[0]
    source = demo.acts / changed.source
    text = source.read_text(encoding="utf-8")
    source.write_text(text.rstrip("\n") + "\n\nArticle final : la présente mention est ajoutée.\n", encoding="utf-8")
    result = demo.build()
    assert result.returncode == 0, result.stdout + result.stderr
    assert pdf_summary(result) == (1, len(online) - 1)
    assert pdf_path(demo, changed.identifier).read_bytes() != pdf_path(built_demo, changed.identifier).read_bytes()
    assert "la présente mention est ajoutée" in flat(
        "".join(p.extract_text() for p in PdfReader(pdf_path(demo, changed.identifier)).pages))
    for act in online[1:]:
        assert pdf_path(demo, act.identifier).read_bytes() == pdf_path(built_demo, act.identifier).read_bytes()


def test_content_hash_ignores_what_is_added_after_publication(project):
    pending = VALID_DECISION.replace('transmission: {date: 2025-06-02, ar: "066-216602284-20250530-DEC2025_11-AU"}',
                                     "transmission: {en_attente: true}")
    project.add("2025/decision-2025-11.md", pending)
    before = content_hash(register_of(project).acts[0])
    project.add("2025/decision-2025-11.md", VALID_DECISION.replace("---\n\n#", "note: Ajoutée après.\n---\n\n#"))
    assert content_hash(register_of(project).acts[0]) == before
    project.add("2025/decision-2025-11.md", VALID_DECISION.replace("de conclure", "de signer"))
    assert content_hash(register_of(project).acts[0]) != before
    project.add("2025/decision-2025-11.md", VALID_DECISION.replace("2025-2026", "2026-2027"))
    assert content_hash(register_of(project).acts[0]) != before


# -- signed originals ----------------------------------------------------------

def signed_pdf(text: str = "") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text or "Décision signée"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def with_original(name: str = "decision-2025-11-signee.pdf") -> str:
    return VALID_DECISION.replace("---\n\n#", f"original: {name}\n---\n\n#")


def test_signed_original_is_offered_unchanged_with_its_sha256(project):
    original = signed_pdf()
    project.add_bytes("2025/decision-2025-11-signee.pdf", original)
    project.add("2025/decision-2025-11.md", with_original())
    result = project.build()
    assert result.returncode == 0, result.stdout + result.stderr
    published = project.site / "actes" / "decision-2025-11" / "decision-2025-11-original.pdf"
    assert published.read_bytes() == original
    digest = hashlib.sha256(original).hexdigest()
    section = project.page("actes/decision-2025-11").split('id="telecharger-titre"', 1)[1].split("</section>")[0]
    assert 'href="decision-2025-11-original.pdf"' in section and "Acte signé (original)" in section
    assert digest in section
    assert 'href="decision-2025-11.pdf"' in section  # the generated PDF/A as well
    generated = PdfReader(project.site / "actes" / "decision-2025-11" / "decision-2025-11.pdf")
    text = flat("".join(page.extract_text() for page in generated.pages))
    assert "Original signé" in text and digest in text.replace(" ", "")


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", owner_password="secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("data, expected", [
    (b"Ceci est un courrier, pas un PDF.\n", "n'est pas un PDF"),
    (signed_pdf()[:200], "PDF illisible ou endommagé"),
    (encrypted_pdf(), "protégé par un mot de passe"),
])
def test_unreadable_original_fails_check_and_build_naming_file_and_line(project, data, expected):
    project.add_bytes("2025/decision-2025-11-signee.pdf", data)
    path = project.add("2025/decision-2025-11.md", with_original())
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                if text.startswith("original:"))
    result = project.registre("check", "acts")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert f"decision-2025-11.md:{line}" in output, output
    assert expected in output and "decision-2025-11-signee.pdf" in output, output
    assert "Traceback" not in output
    build = project.build()
    assert build.returncode != 0 and expected in build.stdout + build.stderr
    assert "Traceback" not in build.stdout + build.stderr


def test_pdf_hides_the_personal_data_listed_in_masquer(project):
    decision = VALID_DECISION.replace("---\n\n#", "masquer: [Jeanne MARTIN]\n---\n\n#").replace(
        "de conclure une convention de partenariat.", "de conclure une convention avec Jeanne MARTIN.")
    project.add("2025/decision-2025-11.md", decision)
    result = project.build()
    assert result.returncode == 0, result.stdout + result.stderr
    reader = PdfReader(project.site / "actes" / "decision-2025-11" / "decision-2025-11.pdf")
    text = flat("".join(page.extract_text() for page in reader.pages))
    assert "convention avec [donnée masquée]" in text
    assert "MARTIN" not in text and "MARTIN" not in str(reader.metadata)


# -- registre pdf: the PDFs rendered ahead of the build ---------------------------

def decision(numero: int, day: str = "2025-05-30") -> str:
    """A valid décision n°``numero`` of 2025 (the first one is n°11, see conftest)."""
    return (VALID_DECISION.replace("numero: 11", f"numero: {numero}").replace("n°11/2025", f"n°{numero}/2025")
            .replace("DEC2025_11", f"DEC2025_{numero}").replace("2025-05-30", day)
            .replace("20250530", day.replace("-", "")))


def cached_pdfs(proj) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in (proj.root / ".cache" / "registre" / "pdf").glob("*/*.pdf")}


def test_registre_pdf_renders_ahead_and_the_build_reuses_the_bytes(project):
    for numero in range(11, 15):
        project.add(f"2025/decision-2025-{numero}.md", decision(numero))
    project.add("2024/decision-2024-1.md", decision(1, "2024-09-16").replace("n°1/2025", "n°1/2024")
                .replace("DEC2025_1", "DEC2024_1").replace("publication: {date: 2025-06-02}",
                                                          "publication: {date: 2024-09-17}")
                .replace("transmission: {date: 2025-06-02", "transmission: {date: 2024-09-17"))
    assert register_of(project).diagnostics == []

    one_year = project.registre("pdf", "--annee", "2024", check=True)
    assert "PDF des actes : 1 générés, 0 déjà prêts dans .cache/registre/pdf" in one_year.stdout, one_year.stdout
    assert len(cached_pdfs(project)) == 1
    result = project.registre("pdf", "--processus", "2", check=True)
    assert "PDF des actes : 4 générés, 1 déjà prêts" in result.stdout, result.stdout
    assert "par PDF généré, 2 processus" in result.stdout  # the process pool
    cached = cached_pdfs(project)
    assert len(cached) == 5
    again = project.registre("pdf", check=True)
    assert "PDF des actes : 0 générés, 5 déjà prêts" in again.stdout, again.stdout

    build = project.build()
    assert build.returncode == 0, build.stdout + build.stderr
    assert pdf_summary(build) == (0, 5)
    assert cached_pdfs(project) == cached  # nothing rewritten
    store = {p.read_bytes() for p in cached}
    for act in register_of(project).acts:
        assert pdf_path(project, act.identifier).read_bytes() in store, act.identifier
    # registre seal seals those very bytes.
    project.registre("seal", check=True)
    sealed = (project.acts / "registre.lock").read_text(encoding="utf-8")
    for act in register_of(project).acts:
        assert hashlib.sha256(pdf_path(project, act.identifier).read_bytes()).hexdigest() in sealed
    assert cached_pdfs(project) == cached


def test_registre_pdf_refuses_a_register_with_errors_naming_the_file(project):
    project.add("2025/decision-2025-11.md", VALID_DECISION)
    project.add("2025/decision-2025-12.md", decision(12).replace("date: 2025-05-30", "date: 2025-02-30"))
    result = project.registre("pdf")
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "decision-2025-12.md" in output and "n'existe pas" in output, output
    assert "aucun PDF n'a été généré" in output and "registre check" in output
    assert "Traceback" not in output
    assert cached_pdfs(project) == {}


def test_registre_pdf_has_nothing_to_do_without_generated_pdfs(project):
    project.write_config(project.root.joinpath("mkdocs.yml").read_text(encoding="utf-8") + "      pdf: false\n")
    project.add("2025/decision-2025-11.md", VALID_DECISION)
    result = project.registre("pdf", check=True)
    assert "Rien à faire" in result.stdout and "pdf: false" in result.stdout
    assert cached_pdfs(project) == {}


def test_registre_pdf_seal_and_build_share_one_cache_when_the_acts_are_in_a_subfolder(project):
    text = (project.root / "mkdocs.yml").read_text(encoding="utf-8")
    project.write_config(text + "      acts_dir: archives/actes\n")
    nested = project.root / "archives" / "actes" / "2025"
    nested.mkdir(parents=True)
    (nested / "decision-2025-11.md").write_text(VALID_DECISION, encoding="utf-8")
    assert "1 générés" in project.registre("pdf", check=True).stdout
    cached = cached_pdfs(project)
    assert len(cached) == 1
    project.registre("seal", check=True)
    assert (project.root / "archives" / "actes" / "registre.lock").is_file()
    build = project.build()
    assert build.returncode == 0, build.stdout + build.stderr
    assert pdf_summary(build) == (0, 1)
    assert cached_pdfs(project) == cached
    assert not (project.root / "archives" / ".cache").exists()


def test_store_index_lost_or_stale_finds_the_pdfs_again_without_rendering(project):
    """The PDF store's index (fingerprint → file, size, time, SHA-256) only spares work: deleted,
    damaged, or naming a file that changed since, the PDFs are found again through their HTML."""
    for numero in (11, 12):
        project.add(f"2025/decision-2025-{numero}.md", decision(numero))
    first = project.build()
    assert first.returncode == 0, first.stdout + first.stderr
    assert pdf_summary(first) == (2, 0)
    index = project.root / ".cache/registre/pdf/index.json"
    entries = json.loads(index.read_text(encoding="utf-8").partition("\n")[2])  # after its SHA-256 line
    assert len(entries) == 2
    published = {p.read_bytes() for p in project.site.glob("actes/*/*.pdf")}
    for damage in ("delete", "garbage", "wrong types", "touched"):
        if damage == "delete":
            index.unlink()
        elif damage == "garbage":
            index.write_text("{pas du json", encoding="utf-8")
        elif damage == "wrong types":
            index.write_text(json.dumps({k: [v[0], str(v[1]), v[2], "<script>"] for k, v in entries.items()}),
                             encoding="utf-8")
        else:
            stored = next(iter(cached_pdfs(project)))
            os.utime(stored, ns=(stored.stat().st_atime_ns, stored.stat().st_mtime_ns + 1))
        again = project.build()
        assert again.returncode == 0, again.stdout + again.stderr
        assert pdf_summary(again) == (0, 2), damage
        assert {p.read_bytes() for p in project.site.glob("actes/*/*.pdf")} == published
        assert json.loads(index.read_text(encoding="utf-8").partition("\n")[2]).keys() == entries.keys()


def _broken_render(job):  # module level: a worker process receives it by name
    raise ValueError("tableau trop large")


def test_a_pdf_that_cannot_be_rendered_names_the_act(project, monkeypatch):
    """Rendered by a worker process or here, a failure names the act's file and the fix."""
    from registre.publish import pdf

    project.add("2025/decision-2025-11.md", decision(11))
    register = register_of(project)

    monkeypatch.setattr(pdf, "_render_to_file", _broken_render)
    pdfs = pdf.ActPdfs(register, project.root / ".cache" / "essai")
    pdfs.prepare(register.acts, wait=False)
    with pytest.raises(pdf.PdfError, match=r"decision-2025-11\.md : génération du PDF impossible "
                                           r"\(ValueError : tableau trop large\)\. Correction : "):
        pdfs.generated(register.acts[0])
    assert not pdfs.rendering(register.acts[0])
