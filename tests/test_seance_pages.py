"""Issue 15, « What citizens and council members see »: the séance page, the séances index with the
missing and late listes and procès-verbaux, the PDF/A of the liste and of the PV, their hashes in the
« Vérifier un document » index, and the séance page in a real browser.

The register is built once with the real MkDocs, « today » = 15 December 2025.  Expected values are
worked out by hand from L2121-25 (liste online within a week of the séance) and L2121-15 (PV arrêté at
the next séance, published within the week that follows it):

* 3 July 2025: liste online 7 July (due 10 July: on time); PV arrêté 18 September, published
  22 September (due 25 September: on time), with its signed original.  Délibérations 1 (adopted,
  12 pour 1 contre) and 2 (rejected, 4 pour 9 contre) online; délibération 5, of the same séance, is
  scheduled for 20 December: nothing of it may show.
* 18 September 2025: liste online 30 September (due 25 September: late); PV not arrêté although
  the next séance, 16 October, has taken place: missing.
* 16 October 2025: no liste (due 23 October: missing); PV arrêté 11 December, not published yet
  (due 18 December: not late).
* 11 December 2025: no liste yet (due 18 December: not late); PV to be arrêté at the next séance.
* 15 January 2026: a séance to come (convocation sent): no page, not in the index.
* 10 April 2025: a délibération without séance file: the page it always had.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
from pathlib import Path

import pytest
from conftest import MKDOCS_YML, Project, assert_ok, private_copy
from pypdf import PdfReader, PdfWriter
from test_browser import CHROMIUM, WIDTHS, Server, axe_violations, new_page

from registre.publish.verify_page import read_published_hashes

TODAY = "2025-12-15"
COUNCIL = ["Patrick PASCAL", "Marie DURAND", "Paul PETIT", "Anne LEROY", "Luc MOREAU", "Julie SIMON",
           "Marc LAURENT", "Eva MICHEL", "Hugo GARCIA", "Lina DAVID", "Noé BERTRAND"]
PV_SENTENCE = "Le maire ouvre la séance et constate que le quorum est atteint."
SCHEDULED_OBJET = "Convention de déneigement des voies communales"

DELIBERATION = """\
---
type: deliberation
numero: {numero}
date: {day}
objet: {objet}
signataire: {{prenom: Patrick, nom: PASCAL, qualite: Maire}}
matiere: "7.1"
vote: {{presents: 11, votants: 13, pour: {pour}, contre: {contre}, abstentions: {abstentions}}}
publication: {{date: {publication}}}
transmission: {transmission}
---

Le conseil municipal, après en avoir délibéré, décide.
"""


def deliberation(numero: int, day: str, objet: str, publication: str, pour: int = 12, contre: int = 1,
                 abstentions: int = 0) -> str:
    if publication > TODAY:
        transmission = "{en_attente: true}"
    else:
        transmission = f'{{date: {publication}, ar: "066-216602284-{day.replace("-", "")}-DEL2025_{numero}-BF"}}'
    return DELIBERATION.format(numero=numero, day=day, objet=objet, publication=publication, pour=pour,
                               contre=contre, abstentions=abstentions, transmission=transmission)


def seance(day: str, convocation: str, extra: str = "", body: str = "", secretaire: str = "Marie DURAND") -> str:
    prenom, nom = secretaire.split()
    presents = ", ".join(COUNCIL)
    return f"""\
---
type: seance
date: {day}
heure: "18:30"
lieu: Salle du conseil municipal
convocation: {convocation}
membres_en_exercice: 15
president: {{prenom: Patrick, nom: PASCAL, qualite: Maire}}
secretaires:
  - {{prenom: {prenom}, nom: {nom}}}
presents: [{presents}]
pouvoirs:
  - {{de: Jean MARTIN, a: Marie DURAND}}
  - {{de: Claire ROUX, a: Paul PETIT}}
absents: [Luc BERNARD, Sophie FOURNIER]
{extra}---
{body}"""


def signed_pv() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Procès-verbal signé du 3 juillet 2025"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_register(root: Path) -> Project:
    project = Project(root, today=TODAY)
    # The demo's footer: Material's « Made with Material for MkDocs » is too pale for axe (4.47:1).
    project.write_config(MKDOCS_YML.format(today=TODAY) + "extra:\n  generator: false\n")
    add = project.add
    add("2025/deliberation-2025-1.md", deliberation(1, "2025-07-03", "Budget supplémentaire 2025", "2025-07-07"),
        dedent=False)
    add("2025/deliberation-2025-2.md", deliberation(2, "2025-07-03", "Tarifs de la cantine scolaire", "2025-07-07",
                                                     pour=4, contre=9), dedent=False)
    add("2025/deliberation-2025-5.md", deliberation(5, "2025-07-03", SCHEDULED_OBJET, "2025-12-20"), dedent=False)
    add("2025/deliberation-2025-3.md", deliberation(3, "2025-09-18", "Subvention au club de football",
                                                     "2025-09-22"), dedent=False)
    add("2025/deliberation-2025-4.md", deliberation(4, "2025-10-16", "Réfection du toit de l'école",
                                                     "2025-10-20"), dedent=False)
    add("2025/deliberation-2025-6.md", deliberation(6, "2025-04-10", "Vote du budget primitif 2025",
                                                     "2025-04-14"), dedent=False)
    project.add_bytes("2025/pv-2025-07-03-signe.pdf", signed_pv())
    add("2025/seance-2025-07-03.md", seance(
        "2025-07-03", "2025-06-27",
        "liste:\n  publication: {date: 2025-07-07}\n"
        "proces_verbal:\n  arrete_le: 2025-09-18\n  publication: {date: 2025-09-22}\n"
        "  original: pv-2025-07-03-signe.pdf\n",
        f"\n# Ouverture de la séance\n\n{PV_SENTENCE}\n\n## Budget supplémentaire\n\n"
        "Après débat, le budget supplémentaire est adopté.\n"), dedent=False)
    add("2025/seance-2025-09-18.md", seance("2025-09-18", "2025-09-12", "liste:\n  publication: {date: 2025-09-30}\n",
                                            secretaire="Paul PETIT"), dedent=False)
    add("2025/seance-2025-10-16.md", seance("2025-10-16", "2025-10-10",
                                            "proces_verbal:\n  arrete_le: 2025-12-11\n",
                                            "\nTexte du procès-verbal du 16 octobre, pas encore publié.\n"),
        dedent=False)
    add("2025/seance-2025-12-11.md", seance("2025-12-11", "2025-12-05"), dedent=False)
    add("2026/seance-2026-01-15.md", seance("2026-01-15", "2026-01-09"), dedent=False)
    return project


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Project:
    project = make_register(tmp_path_factory.mktemp("seances") / "registre")
    assert_ok(project.build())
    return project


def text_of(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").replace("&#x27;", "'").replace("&amp;", "&")
    return re.sub(r"\s+", " ", text).replace(" ,", ",").replace(" .", ".").replace(" )", ")").strip()


def article(html: str) -> str:
    """The page's own content (without the navigation)."""
    return html.split('<article', 1)[1].split("</article>", 1)[0]


def section(html: str, heading_id: str) -> str:
    return html.split(f'id="{heading_id}"', 1)[1].split(">", 1)[1].split("</section>", 1)[0]


LISTE = "seances/2025-07-03/liste-des-deliberations-2025-07-03.pdf"
PV = "seances/2025-07-03/proces-verbal-2025-07-03.pdf"
ORIGINAL = "seances/2025-07-03/proces-verbal-2025-07-03-original.pdf"
LISTE_0918 = "seances/2025-09-18/liste-des-deliberations-2025-09-18.pdf"


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


# -- the séance page ----------------------------------------------------------------

def test_seance_page_shows_the_meeting(built):
    page = text_of(article(built.page("seances/2025-07-03")))
    for expected in (
        "Séance du conseil municipal du 3 juillet 2025",
        "jeudi 3 juillet 2025 à 18 h 30", "Salle du conseil municipal", "envoyée le 27 juin 2025",
        "Patrick PASCAL, Maire", "Secrétaire de séance Marie DURAND", "Membres en exercice 15",
        # 11 present of 15: more than half (8) → quorum reached.
        "Quorum atteint : 11 membres présents sur 15 en exercice (la majorité est de 8",
        "Présents (11)", "Noé BERTRAND",
        "Pouvoirs (2) Jean MARTIN a donné pouvoir à Marie DURAND Claire ROUX a donné pouvoir à Paul PETIT",
        "Absents (2) Luc BERNARD Sophie FOURNIER",
    ):
        assert expected in page, expected


def test_liste_has_each_online_deliberation_with_result_votes_and_link(built):
    html = built.page("seances/2025-07-03")
    liste = section(html, "liste-titre")
    text = text_of(liste)
    assert "Liste mise en ligne le 7 juillet 2025" in text
    rows = [text_of(r) for r in re.findall(r"<tr>(.*?)</tr>", liste.split("<tbody>", 1)[1], re.S)]
    assert rows == [
        "1 Délibération n°1/2025 Budget supplémentaire 2025 adoptée 12 pour, 1 contre, 0 abstention "
        "(11 présents, 13 votants)",
        "2 Délibération n°2/2025 Tarifs de la cantine scolaire rejetée 4 pour, 9 contre, 0 abstention "
        "(11 présents, 13 votants)",
    ]
    assert re.search(r'<a href="(\.\./)+actes/deliberation-2025-1/">Budget supplémentaire 2025</a>', liste)
    assert re.search(r'<a href="(\.\./)+actes/deliberation-2025-2/">Tarifs de la cantine scolaire</a>', liste)


def test_nothing_of_a_scheduled_deliberation_before_its_date(built):
    for rel in ("seances/2025-07-03/index.html", "seances/index.html", LISTE, PV):
        path = built.site / rel
        content = pdf_text(path) if rel.endswith(".pdf") else path.read_text(encoding="utf-8")
        assert SCHEDULED_OBJET not in content and "deliberation-2025-5" not in content, rel
        assert "n°5/2025" not in content, rel


def test_every_link_of_the_seance_pages_exists(built):
    for uri in ("seances/", "seances/2025-07-03/", "seances/2025-09-18/", "seances/2025-10-16/",
                "seances/2025-12-11/", "seances/2025-04-10/"):
        folder = built.site / uri
        for href in re.findall(r'href="([^"#?]+)"', article(built.page(uri))):
            if href.startswith(("http://", "https://", "mailto:")):
                continue
            target = (folder / href).resolve()
            assert target.exists() or (target / "index.html").exists(), (uri, href)


def test_procès_verbal_published_with_its_dates_text_and_files(built):
    html = built.page("seances/2025-07-03")
    pv = section(html, "pv-titre")
    text = text_of(pv)
    assert "Procès-verbal arrêté lors de la séance du 18 septembre 2025, publié le 22 septembre 2025" in text
    assert re.search(r'href="\.\./2025-09-18/"', pv)  # the séance that arrêté it has its page
    assert PV_SENTENCE in text
    # Its headings sit under the section's h2.
    assert re.search(r"<h3[^>]*>Ouverture de la séance</h3>", pv) and re.search(r"<h4[^>]*>Budget", pv)
    downloads = section(html, "telecharger-titre")
    for rel, label in ((LISTE, "Liste des délibérations au format PDF/A, à afficher en mairie"),
                       (PV, "Procès-verbal au format PDF/A"), (ORIGINAL, "Procès-verbal signé (original)")):
        data = (built.site / rel).read_bytes()
        name = rel.rsplit("/", 1)[1]
        item = downloads.split(f'href="{name}"', 1)[1].split("</li>", 1)[0]
        assert label in item and hashlib.sha256(data).hexdigest() in item
        size = f"{len(data)} octets" if len(data) < 1000 else f"{round(len(data) / 1000)} Ko"
        assert f"(PDF, {size})" in item
    assert (built.site / ORIGINAL).read_bytes() == (built.acts / "2025/pv-2025-07-03-signe.pdf").read_bytes()


def test_what_is_not_online_is_not_stated(built):
    # 16 October: no liste; PV arrêté on 11 December (a séance that took place), not published.
    page = text_of(article(built.page("seances/2025-10-16")))
    assert "La liste des délibérations de cette séance n'est pas encore en ligne" in page
    assert "Liste mise en ligne" not in page
    assert "Procès-verbal arrêté lors de la séance du 11 décembre 2025 ; il est publié dans la semaine" in page
    assert "pas encore publié" not in page  # the PV's text stays offline
    assert "Délibération n°4/2025" in page  # online since 20 October
    assert not list((built.site / "seances/2025-10-16").glob("*.pdf"))
    # 18 September: liste online (late), no PV: no PV file, no download of a PV.
    html = built.page("seances/2025-09-18")
    assert "Liste mise en ligne le 30 septembre 2025" in text_of(html)
    assert sorted(p.name for p in (built.site / "seances/2025-09-18").glob("*.pdf")) == [
        "liste-des-deliberations-2025-09-18.pdf"]
    assert "Procès-verbal au format PDF/A" not in html
    # A séance to come has no page.
    assert not (built.site / "seances/2026-01-15").exists()
    assert "2026" not in text_of(article(built.page("seances")))


def test_members_the_file_does_not_name_are_not_said_absent(built, tmp_path):
    """Without « absents », 11 present and 2 represented of 15: the page does not say that nobody was
    absent (the check warns about the total)."""
    project = private_copy(built, tmp_path / "sans-absents")
    path = project.acts / "2025/seance-2025-12-11.md"
    path.write_text(path.read_text(encoding="utf-8").replace("absents: [Luc BERNARD, Sophie FOURNIER]\n", ""),
                    encoding="utf-8")
    result = project.build()
    assert_ok(result)
    assert "seance.membres_total" in result.stderr or "15 membres en exercice" in result.stderr
    page = text_of(article(project.page("seances/2025-12-11")))
    assert "2 membres en exercice ne sont pas mentionnés dans le fichier de la séance" in page
    assert "Aucun membre absent" not in page
    # With the absents written, as in the register built for this module: they are listed.
    assert "Absents (2) Luc BERNARD Sophie FOURNIER" in text_of(article(built.page("seances/2025-12-11")))


def test_seance_without_file_keeps_its_page(built):
    page = text_of(article(built.page("seances/2025-04-10")))
    assert "Liste établie en application de l'article L2121-25 du CGCT" in page
    assert "Délibération n°6/2025" in page and "Vote du budget primitif 2025" in page
    assert "Quorum" not in page and "Procès-verbal" not in page and "Télécharger" not in page


# -- the séances index ----------------------------------------------------------------

def test_index_points_out_missing_and_late_listes_and_pvs(built):
    html = article(built.page("seances"))
    assert "Situation au 15 décembre 2025" in text_of(html)
    box = text_of(section(html, "retards-titre"))
    assert box.startswith("3 documents manquants ou en retard")
    assert ("Séance du 18 septembre 2025 — liste des délibérations : mise en ligne le 30 septembre 2025, en retard "
            "(au plus tard le 25 septembre 2025)") in box
    assert ("Séance du 18 septembre 2025 — procès-verbal : non arrêté lors de la séance suivante, le 16 octobre "
            "2025") in box
    assert ("Séance du 16 octobre 2025 — liste des délibérations : manquante : à mettre en ligne au plus tard le "
            "23 octobre 2025") in box
    assert "3 juillet" not in box and "11 décembre" not in box

    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>", 1)[1], re.S):
        states = re.findall(r'data-etat="([^"]+)"', row)
        rows[re.search(r'datetime="([\d-]+)"', row)[1]] = (states, text_of(row))
    assert list(rows) == ["2025-12-11", "2025-10-16", "2025-09-18", "2025-07-03", "2025-04-10"]
    assert rows["2025-07-03"][0] == ["en-ligne", "en-ligne"]
    assert "arrêté le 18 septembre 2025, publié le 22 septembre 2025" in rows["2025-07-03"][1]
    assert rows["2025-09-18"][0] == ["en-retard", "manquant"]
    assert rows["2025-10-16"][0] == ["manquant", "attendu"]
    assert "arrêté le 11 décembre 2025, à publier au plus tard le 18 décembre 2025" in rows["2025-10-16"][1]
    assert rows["2025-12-11"][0] == ["attendu", "attendu"]
    assert "à mettre en ligne au plus tard le 18 décembre 2025" in rows["2025-12-11"][1]
    assert rows["2025-04-10"][0] == ["inconnu", "inconnu"]


def test_a_week_later_the_index_says_what_became_late(built, tmp_path):
    project = private_copy(built, tmp_path / "later")
    config = (project.root / "mkdocs.yml").read_text(encoding="utf-8")
    (project.root / "mkdocs.yml").write_text(config.replace(TODAY, "2025-12-19"), encoding="utf-8")
    assert_ok(project.build())
    html = article(project.page("seances"))
    box = text_of(section(html, "retards-titre"))
    # 19 December: the liste of 11 December (due 18 December) and the PV of 16 October, arrêté on
    # 11 December (due 18 December), are now overdue.
    assert box.startswith("5 documents manquants ou en retard")
    assert "Séance du 11 décembre 2025 — liste des délibérations : manquante" in box
    assert ("Séance du 16 octobre 2025 — procès-verbal : arrêté le 11 décembre 2025, manquant : à publier au plus "
            "tard le 18 décembre 2025") in box


# -- the PDFs ---------------------------------------------------------------------------

def pdfa_part(reader: PdfReader) -> tuple[str, str]:
    description = next(node for node in reader.xmp_metadata.rdf_root.getElementsByTagNameNS(
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "Description")
        if node.hasAttributeNS("http://www.aiim.org/pdfa/ns/id/", "part"))
    return (description.getAttributeNS("http://www.aiim.org/pdfa/ns/id/", "part"),
            description.getAttributeNS("http://www.aiim.org/pdfa/ns/id/", "conformance"))


@pytest.mark.parametrize("rel, published", [(LISTE, "20250707"), (PV, "20250922")])
def test_pdfs_are_pdfa_3b_with_the_seance_dates(built, rel, published):
    reader = PdfReader(built.site / rel)
    assert pdfa_part(reader) == ("3", "B")
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == "fr" and "/OutputIntents" in root
    assert reader.metadata["/Author"] == "Patrick PASCAL, Maire"
    assert reader.metadata["/CreationDate"].startswith(f"D:{published}")
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor


def test_liste_pdf_text(built):
    text = pdf_text(built.site / LISTE)
    for expected in ("Commune de Villeneuve-la-Rivière", "liste des délibérations examinées (article L2121-25",
                     "séance du jeudi 3 juillet 2025 à 18 h 30", "Budget supplémentaire 2025",
                     "Tarifs de la cantine scolaire", "rejetée", "adoptée", "n°1/2025", "n°2/2025",
                     "le 7 juillet 2025, sur le site internet de la commune : https://registre.test/seances/2025-07-03/"):
        assert expected in text, expected
    assert "Noé" not in text  # the liste names no member but the président and the secrétaire


def test_pv_pdf_text(built):
    text = pdf_text(built.site / PV)
    original = hashlib.sha256((built.site / ORIGINAL).read_bytes()).hexdigest()
    for expected in ("Procès-verbal", "Présents (11)", "Noé BERTRAND", "Jean MARTIN a donné pouvoir à Marie DURAND",
                     "Absents Luc BERNARD, Sophie FOURNIER", PV_SENTENCE, "au commencement de la séance du "
                     "18 septembre 2025", "22 septembre 2025", "Le secrétaire de séance", original[:40]):
        assert expected in text.replace(original, original[:40] + " "), expected


def test_pdfs_are_byte_identical_from_a_fresh_cache_and_a_damaged_store_file_is_not_published(built, tmp_path):
    project = private_copy(built, tmp_path / "again")
    shutil.rmtree(project.root / ".cache")
    assert_ok(project.build())
    for rel in (LISTE, PV, LISTE_0918):
        assert (project.site / rel).read_bytes() == (built.site / rel).read_bytes(), rel
    # A stored PDF edited after it was rendered (its hash no longer the one recorded) is rendered again.
    digest = hashlib.sha256((project.site / LISTE).read_bytes()).hexdigest()
    stored = [p for p in (project.root / ".cache/registre/pdf").rglob("*.pdf")
              if hashlib.sha256(p.read_bytes()).hexdigest() == digest]
    assert stored
    for path in stored:
        data = bytearray(path.read_bytes())
        data[-20] ^= 1
        path.unlink()  # the site may hold a hard link to it
        path.write_bytes(bytes(data))
    assert_ok(project.build())
    assert (project.site / LISTE).read_bytes() == (built.site / LISTE).read_bytes()


def test_verify_index_knows_the_seance_files(built):
    table = read_published_hashes(built.site)
    for rel, nature in ((LISTE, "liste"), (PV, "proces-verbal"), (ORIGINAL, "proces-verbal-original"),
                        (LISTE_0918, "liste")):
        digest = hashlib.sha256((built.site / rel).read_bytes()).hexdigest()
        items = [i for i in table.get(digest, []) if i["fichier"] == rel]
        assert len(items) == 1, rel
        assert items[0]["nature"] == nature and items[0]["url"] == rel.rsplit("/", 1)[0] + "/"


def test_pdf_false_publishes_only_the_signed_pv(built, tmp_path):
    project = private_copy(built, tmp_path / "nopdf")
    config = (project.root / "mkdocs.yml").read_text(encoding="utf-8")
    (project.root / "mkdocs.yml").write_text(config.replace("      commune:", "      pdf: false\n      commune:"),
                                             encoding="utf-8")
    assert_ok(project.build())
    assert sorted(p.name for p in (project.site / "seances").rglob("*.pdf")) == [
        "proces-verbal-2025-07-03-original.pdf"]
    downloads = text_of(section(project.page("seances/2025-07-03"), "telecharger-titre"))
    assert "Procès-verbal signé (original)" in downloads and "PDF/A" not in downloads


# -- in a browser -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def served(built):
    server = Server(built.site)
    yield server
    server.close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} est absent : installez le paquet Debian « chromium » (apt-get install chromium).")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                                                             "--disable-dev-shm-usage"])
        yield chromium
        chromium.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_seance_pages_in_chromium_are_axe_clean_without_horizontal_scroll(browser, served, width):
    page = new_page(browser, width=width)
    problems = {}
    for uri in ("seances/2025-07-03/", "seances/", "seances/2025-10-16/", "seances/2025-04-10/"):
        page.goto(served.url + uri)
        assert page.locator("h1").first.inner_text().startswith("Séance"), uri
        violations = axe_violations(page)
        if violations:
            problems[uri] = violations
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > width:
            problems.setdefault(uri, []).append(f"page {wide} px wide at {width} px")
    assert not page.js_errors, page.js_errors
    page.context.close()
    assert not problems, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in problems.items())


@pytest.mark.browser
def test_a_downloaded_liste_verifies_in_the_browser(browser, served, built):
    page = new_page(browser)
    page.goto(served.url + "verifier/")
    page.set_input_files("#registre-verify-file", str(built.site / LISTE))
    result = page.locator("#registre-verify-result")
    result.locator("a").wait_for(timeout=15000)
    assert result.get_attribute("data-result") == "reconnu"
    assert result.get_attribute("data-acte") == "seance-2025-07-03"
    assert "Voir la page de la séance" in result.inner_text()
    page.context.close()
