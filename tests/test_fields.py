"""Issue 13: no invisible character, absurd number or value cut by YAML reaches the register.

Each bad case runs the real `registre check` and the real `mkdocs build` (see
test_bad_input.assert_fails_cleanly): French error naming the file and the line of
the key, exit code 1, no traceback, the published site left as it was."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import VALID_DECISION
from test_bad_input import ACT, SHOWN, assert_fails_cleanly, published, register, replaced, with_front  # noqa: F401

OBJET = "objet: Convention ENT-école 2025-2026"
SIGNATAIRE = "signataire: {prenom: Patrick, nom: PASCAL, qualite: Maire}"
BLOCK_SIGNATAIRE = "signataire:\n  prenom: Patrick\n  nom: PASCAL\n  qualite: Maire"
TRANSMISSION = 'transmission: {date: 2025-06-02, ar: "066-216602284-20250530-DEC2025_11-AU"}'
BLOCK_TRANSMISSION = 'transmission:\n  date: 2025-06-02\n  ar: "066-216602284-20250530-DEC2025_11-AU"'
INVISIBLE = "caractère invisible interdit"


def _markdown_annex(text: str):
    def prepare(proj):
        proj.add(ACT, with_front("annexes:\n  - fichier: convention.md\n"))
        proj.add("2025/convention.md", text)
    return prepare


def _annexes(*files: str):
    """The act lists ``files`` as annexes (relative to acts/2025/), each file written."""
    def prepare(proj):
        proj.add(ACT, with_front("annexes:\n" + "".join(f"  - fichier: \"{name}\"\n" for name in files)))
        for name in files:
            if name.endswith(".md"):
                proj.add(f"2025/{name}", "# Annexe\n\nTexte.\n")
            else:
                proj.add_bytes(f"2025/{name}", b"%PDF-1.4\n% " + name.encode() + b"\n%%EOF\n")
    return prepare


def _stray(name: str):
    """A copy of a valid act (numbered 12) left in acts/2025/ under ``name``."""
    def prepare(proj):
        proj.add(f"2025/{name}", VALID_DECISION.replace("numero: 11", "numero: 12"))
    return prepare


# name: (content of the act file or function preparing the register, file named, line, words)
CASES = {
    # Characters written through YAML escapes (the checker used to let them through).
    "objet-tabulation-verticale": (replaced(OBJET, 'objet: "Convention\\vENT"'), SHOWN, 5,
                                   f"{INVISIBLE} dans « objet » : U+000B (tabulation verticale)"),
    "objet-tabulation": (replaced(OBJET, 'objet: "Convention\\tENT"'), SHOWN, 5, f"{INVISIBLE} dans « objet » : U+0009"),
    "objet-surrogat-isole": (replaced(OBJET, 'objet: "Convention \\ud800"'), SHOWN, 5,
                             f"{INVISIBLE} dans « objet » : U+D800"),
    "signataire-largeur-nulle": (replaced("nom: PASCAL", 'nom: "PAS\\u200bCAL"'), SHOWN, 6,
                                 f"{INVISIBLE} dans « signataire.nom » : U+200B"),
    "signataire-bloc-bidi": (replaced(SIGNATAIRE, BLOCK_SIGNATAIRE.replace("Maire", '"Maire\\u202e"')), SHOWN, 9,
                             f"{INVISIBLE} dans « signataire.qualite » : U+202E"),
    "transmission-ar-isolat": (replaced(TRANSMISSION, BLOCK_TRANSMISSION.replace('ar: "066', 'ar: "\\u2066066')),
                               SHOWN, 12, f"{INVISIBLE} dans « transmission.ar » : U+2066"),
    "delegation-marque-droite": (replaced("deliberation: 2020-06-11", 'deliberation: "2020-06-11\\u200f"'), SHOWN, 8,
                                 f"{INVISIBLE} dans « delegation.deliberation » : U+200F"),
    "publication-bom-interne": (replaced("publication: {date: 2025-06-02}", 'publication: {date: "2025\\ufeff-06-02"}'),
                                SHOWN, 9, f"{INVISIBLE} dans « publication.date » : U+FEFF"),
    "annexe-titre-c1": (with_front('annexes:\n  - fichier: c.pdf\n    titre: "Plan\\x9b"\n'), SHOWN, 13,
                        f"{INVISIBLE} dans « annexes.titre » : U+009B"),
    "note-echappement": (with_front('note: "Lire \\e[31m"\n'), SHOWN, 11, f"{INVISIBLE} dans « note » : U+001B"),
    # Characters written as such in the file: named with their line, before YAML's English message.
    "objet-tabulation-verticale-brute": (replaced(OBJET, "objet: Convention\vENT"), SHOWN, 5,
                                         f"{INVISIBLE} dans « objet » : U+000B"),
    "objet-bidi-brut": (replaced(OBJET, "objet: Convention \u202eTNE"), SHOWN, 5, f"{INVISIBLE} dans « objet » : U+202E"),
    "commentaire-bidi": (with_front("# fin : \u2067 de l'en-tête\n"), SHOWN, 11,
                         f"{INVISIBLE} dans un commentaire de l'en-tête : U+2067"),
    "ligne-sans-cle": (with_front("annexes:\n  - \u200bplan.pdf\n"), SHOWN, 12, f"{INVISIBLE} dans cette ligne"),
    "nel-brut": (replaced("nom: PASCAL", "nom: PAS\x85CAL"), SHOWN, 6, f"{INVISIBLE} dans « signataire"),
    # The text of the act and of a Markdown annex.
    "texte-bidi": (VALID_DECISION + "\nArticle 2 : montant \u202e0001\u202c euros.\n", SHOWN, 17,
                   f"{INVISIBLE} dans le texte de l'acte : U+202E"),
    "texte-controle": (VALID_DECISION + "\nArticle 2 : \x1b[2J texte.\n", SHOWN, 17,
                       f"{INVISIBLE} dans le texte de l'acte : U+001B"),
    "annexe-md-bidi": (_markdown_annex("# Convention\n\nArticle 1 : \u2067isolat\u2069.\n"), "acts/2025/convention.md",
                       3, f"{INVISIBLE} dans le texte de l'annexe : U+2067"),
    # Absurd numbers and hostile YAML.
    "numero-5000-chiffres": (replaced("numero: 11", "numero: " + "7" * 5000), SHOWN, 3,
                             "« numero » est démesuré (nombre de 5000 chiffres"),
    "numero-zeros-5000": (replaced("numero: 11", "numero: " + "0" * 5000 + "11"), SHOWN, 3, "« numero » est démesuré"),
    "numero-1e400": (replaced("numero: 11", "numero: 1e400"), SHOWN, 3, "« numero » doit être un nombre entier"),
    "numero-chiffres-arabes": (replaced("numero: 11", "numero: ١١"), SHOWN, 3, "« numero » doit être un nombre entier"),
    "alinea-immense": (replaced("alinea: 4", "alinea: " + "9" * 4400), SHOWN, 8, "« delegation.alinea » est démesuré"),
    "annee-immense": (replaced("date: 2025-05-30", "date: 99999999999-05-30"), SHOWN, 4,
                      "n'est pas une date au format AAAA-MM-JJ"),
    "date-fuseau": (replaced("date: 2025-05-30", "date: 2025-05-30T10:00:00+02:00"), SHOWN, 4,
                    "n'est pas une date au format AAAA-MM-JJ"),
    "etiquette-sur-bloc": (replaced(SIGNATAIRE, "signataire: !!python/object:os.system {prenom: P, nom: Q, qualite: M}"),
                           SHOWN, 6, "étiquette YAML « tag:yaml.org,2002:python/object:os.system » interdite"),
    "binaire": (replaced('matiere: "8.1"', "matiere: !!binary OC4x"), SHOWN, 7, "étiquette YAML"),
    # Values cut by a « # » YAML reads as a comment.
    "objet-coupe": (replaced(OBJET, "objet: Contrat #2 d'entretien"), SHOWN, 5,
                    "« objet » est coupé : YAML lit tout ce qui suit « # » comme un commentaire, la valeur publiée "
                    "serait « Contrat » au lieu de « Contrat #2 d'entretien »"),
    "nom-coupe-bloc": (replaced(SIGNATAIRE, BLOCK_SIGNATAIRE.replace("PASCAL", "PASCAL #maire")), SHOWN, 8,
                       "« signataire.nom » est coupé"),
    "titre-annexe-coupe": (with_front("annexes:\n  - fichier: c.pdf\n    titre: Plan n° #3\n"), SHOWN, 13,
                           "« annexes.titre » est coupé"),
    "objet-coupe-ligne-suivante": (replaced(OBJET, "objet: Contrat\n  #2 d'entretien"), SHOWN, 5,
                                   "« objet » est coupé : YAML lit la ligne suivante, qui commence par « # », comme "
                                   "un commentaire, la valeur publiée serait « Contrat » au lieu de « Contrat #2 "
                                   "d'entretien »"),
    "objet-coupe-sur-deux-lignes": (replaced(OBJET, "objet: Convention ENT\n  école 2025 #2026"), SHOWN, 5,
                                    "« objet » est coupé"),
    # Two annexes published at one address: one would silently replace the other.
    "annexes-casse": (_annexes("Plan.pdf", "plan.pdf"), SHOWN, 13,
                      "l'annexe « 2025/plan.pdf » serait publiée à la même adresse que « 2025/Plan.pdf » "
                      "(« actes/decision-2025-11/annexes/plan.pdf »)"),
    "annexes-deux-dossiers": (_annexes("a/plan.pdf", "b/plan.pdf"), SHOWN, 12,
                              "l'annexe « 2025/a/plan.pdf » serait publiée à la même adresse que « 2025/b/plan.pdf »"),
    "annexes-page-et-pdf": (_annexes("tarifs.pdf.md", "tarifs.pdf"), SHOWN, 12,
                            "serait publiée à la même adresse que « 2025/tarifs.pdf »"),
    "annexes-unicode": (_annexes("\u00e9t\u00e9.pdf", "e\u0301te\u0301.pdf"), SHOWN, 13,
                        "serait publiée à la même adresse"),
    "annexe-deux-fois": (_annexes("plan.pdf", "plan.pdf"), SHOWN, 13,
                         "l'annexe « 2025/plan.pdf » est listée deux fois (déjà ligne 12)"),
    # File names: an act that cannot be named in a message, or that is never read.
    "nom-avec-retour-ligne": (_stray("decision-2025\n-12.md"), "acts/2025/decision-2025<U+000A>-12.md", 1,
                              "le nom de ce fichier (ou de son dossier) contient un caractère invisible : U+000A"),
    "nom-avec-bidi": (_stray("decision-2025-12\u202edm.md"), "acts/2025/decision-2025-12<U+202E>dm.md", 1,
                      "contient un caractère invisible : U+202E"),
    "dossier-avec-tabulation": (_stray("pieces\t/decision-2025-12.md"), "acts/2025/pieces<U+0009>/decision-2025-12.md",
                                1, "contient un caractère invisible : U+0009"),
    "md-txt": (_stray("decision-2025-12.md.txt"), "acts/2025/decision-2025-12.md.txt", 1,
               "« decision-2025-12.md.txt » n'est pas lu : seul un fichier dont le nom finit exactement par « .md » "
               "est un acte (cet acte ne serait pas publié)"),
    "md-majuscules": (_stray("decision-2025-12.MD"), "acts/2025/decision-2025-12.MD", 1, "n'est pas lu"),
    "markdown": (_stray("decision-2025-12.markdown"), "acts/2025/decision-2025-12.markdown", 1, "n'est pas lu"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_field_fails_cleanly(register, name):
    assert_fails_cleanly(register, *CASES[name])


@pytest.mark.parametrize("line, value", [
    ("objet: Contrat #2 d'entretien", "Contrat #2 d'entretien"),
    ('objet: Salle "Jean Moulin" #3', 'Salle "Jean Moulin" #3'),
    ("  nom: PASCAL #maire", "PASCAL #maire"),
])
def test_the_proposed_line_is_valid_yaml_keeping_the_whole_text(project, line, value):
    text = replaced(OBJET, line) if line.startswith("objet") else \
        replaced(SIGNATAIRE, BLOCK_SIGNATAIRE.replace("  nom: PASCAL", line))
    project.add(ACT, text)
    out = project.registre("check").stdout
    proposed = re.search(r"la ligne devient : (.*?) \(un commentaire voulu se place sur sa propre ligne", out)
    assert proposed, out
    assert yaml.safe_load(proposed.group(1)) == {line.split(":")[0].strip(): value}


def test_what_yaml_allows_stays_allowed(project):
    """A quoted « # », a comment after a number, several lines in « note », an emoji
    with its zero-width joiner in the text: all published whole."""
    project.add(ACT, replaced(OBJET, "objet: \"Contrat #2 d'entretien\"").replace(
        SIGNATAIRE, BLOCK_SIGNATAIRE.replace("nom: PASCAL", "nom: PASCAL  # À COMPLÉTER : nom du signataire")).replace(
        "numero: 11", "numero: 11  # numéro suivant").replace(
        "---\n\n#", "note: |\n  Première ligne de la note.\n  Seconde ligne.\n---\n\n#", 1)
        + "\nArticle 2 : famille \U0001F468\u200d\U0001F469\u200d\U0001F467.\n")
    check = project.registre("check")
    assert check.returncode == 0, check.stdout
    build = project.build()
    assert build.returncode == 0, build.stderr
    page = project.page("actes/decision-2025-11/")
    assert "Contrat #2 d&#39;entretien" in page or "Contrat #2 d'entretien" in page
    assert "Seconde ligne" in page and "\U0001F468\u200d\U0001F469" in page


def test_backups_and_other_files_in_acts_are_warnings(register):
    """A backup copy or a document that is neither an act nor an annex is not published:
    staff are told (warning), the publication goes on; PDFs (annexes, originals) are silent."""
    for name in ("decision-2025-11.md~", "decision-2025-11.md.bak", "~$cision.docx", "brouillon.docx"):
        _stray(name)(register)
    register.add_bytes("2025/plan.pdf", b"%PDF-1.4\n%%EOF\n")
    register.add(ACT, with_front("annexes:\n  - fichier: Convention.MD\n"))  # an annex, not a lost act
    register.add("2025/Convention.MD", "# Convention\n\nTexte.\n")
    check = register.registre("check")
    assert check.returncode == 0, check.stdout
    for name in ("decision-2025-11.md~", "decision-2025-11.md.bak", "~$cision.docx"):
        assert f"acts/2025/{name}:1: avertissement: copie de sauvegarde ou fichier temporaire dans acts/ : " \
               "il n'est pas lu. Correction : supprimez-le" in check.stdout, check.stdout
    assert "acts/2025/brouillon.docx:1: avertissement: « brouillon.docx » n'est ni un acte (.md) ni une annexe " \
           "(.pdf) : il n'est pas publié." in check.stdout
    assert "plan.pdf" not in check.stdout and "Convention.MD" not in check.stdout
    assert register.build().returncode == 0


HOSTILE_NAMES = ("plan #2.pdf", "tarifs?.pdf", "100%.pdf", "a%20b.pdf", "été 2025.pdf", "note #1.md",
                 "remise 50%?.md")


@pytest.fixture(scope="module")
def hostile_annexes(tmp_path_factory):
    from conftest import Project
    proj = Project(tmp_path_factory.mktemp("annexes") / "registre")
    _annexes(*HOSTILE_NAMES)(proj)
    build = proj.build()
    assert build.returncode == 0, build.stdout + build.stderr
    return proj


def _resolves_to(proj, base: str, href: str):
    """The file of site/ a link points to, as a browser resolves it: relative to the page's
    address, fragment and query cut off, then percent-decoded."""
    from urllib.parse import unquote, urljoin, urlsplit
    url = urlsplit(urljoin("https://registre.test/" + base, href))
    assert not url.fragment and not url.query, href
    path = proj.site / unquote(url.path).lstrip("/")
    return path / "index.html" if url.path.endswith("/") else path


def test_annex_links_with_hostile_names_lead_to_their_file(hostile_annexes):
    proj = hostile_annexes
    page = proj.page("actes/decision-2025-11/")
    links = dict(re.findall(r'<a href="([^"]*annexes/[^"]*)"[^>]*>([^<]*)</a>', page))
    assert len(links) == len(HOSTILE_NAMES), links
    for href in links:
        target = _resolves_to(proj, "actes/decision-2025-11/", href)
        assert target.is_file(), (href, target)
    for name in HOSTILE_NAMES:
        source = proj.acts / "2025" / name
        published = proj.site / "actes/decision-2025-11/annexes" / (name[:-3] + "/index.html" if name.endswith(".md")
                                                                   else name)
        assert any(_resolves_to(proj, "actes/decision-2025-11/", h) == published for h in links), name
        if not name.endswith(".md"):
            assert published.read_bytes() == source.read_bytes()
    import json
    records = json.loads((proj.site / "donnees/actes.json").read_text(encoding="utf-8"))["actes"]
    for item in records[0]["annexes"]:
        assert _resolves_to(proj, "", item["url"].replace("https://registre.test/", "/")).is_file(), item


@pytest.mark.browser
def test_annex_links_work_in_chromium(hostile_annexes):
    from playwright.sync_api import sync_playwright
    from test_browser import CHROMIUM, CHROMIUM_ARGS, Server
    server = Server(hostile_annexes.site)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(server.url + "actes/decision-2025-11/")
            hrefs = page.eval_on_selector_all("a[href*='annexes/']", "links => links.map(a => a.href)")
            assert len(hrefs) == len(HOSTILE_NAMES), hrefs
            for href in hrefs:
                response = page.request.get(href)
                assert response.status == 200, href
                body = response.body()
                assert body.startswith(b"%PDF") or b"Annexe" in body, href
            browser.close()
    finally:
        server.close()


# -- French a secretary reads ---------------------------------------------------

BLOCK_ACT = """\
---
type: deliberation
numero: 3
date: 2025-05-20
objet: Tarifs de la cantine
signataire:
  prenom: Patrick
  nom: PASCAL
  qualite: Maire
matiere: "7.1"
vote:
  presents: 10
  votants: 011
  pour: 10
  contre: 0
  abstentions: 0
notification:
  jour: 2025-05-21
masquer:
  nom: DUPONT
---

Texte.
"""
FLOW_ACT = """\
---
type: decision
numero: 12
date: 2025-05-30
objet: Convention
signataire: {prenom: Patrick, nom: PASCAL, qualite: Maire}
publication: {date: 30/05/2025}
masquer: {nom: DUPONT}
---

Texte.
"""
SNIPPET_KEY_RE = re.compile(r"« ([a-z_]+(?:\.[a-z_]+)*: [^«»]*?) »")


def proposed_snippets(fix: str) -> list[str]:
    """The YAML a fix proposes: its lines indented by four spaces (one snippet per run of such
    lines), and the « key: value » written inline."""
    snippets, current = [], []
    for line in fix.split("\n")[1:] + [""]:
        if line.startswith("    "):
            current.append(line[4:])
        elif current:
            snippets.append("\n".join(current))
            current = []
    return snippets + SNIPPET_KEY_RE.findall(fix.split("\n")[0])


def _keys(value, prefix=""):
    if isinstance(value, dict):
        for key, child in value.items():
            yield str(key)
            yield from _keys(child)


@pytest.mark.parametrize("text, flow, expected", [
    (BLOCK_ACT, False, {"transmission.missing", "publication.missing", "value.leading_zero", "type.list",
                        "key.unknown", "key.required"}),
    (FLOW_ACT, True, {"transmission.missing", "delegation.missing", "date.format", "type.list"}),
    (VALID_DECISION, True, {"recours.config"}),
])
def test_every_proposed_snippet_is_valid_yaml_in_the_files_style(project, text, flow, expected):
    import json
    project.add("2025/acte.md", text)
    project.write_config(project.root.joinpath("mkdocs.yml").read_text(encoding="utf-8")
                         .replace("      tribunal:\n        nom: tribunal administratif de Montpellier\n"
                                  "        adresse: 6 rue Pitot, 34063 Montpellier Cedex 2\n", ""))
    check = project.registre("check", "--format", "json")
    diags = json.loads(check.stdout)
    codes = {d["code"] for d in diags}
    assert expected <= codes, codes
    found = 0
    for diag in diags:
        for snippet in proposed_snippets(diag["fix"]):
            value = yaml.safe_load(snippet)
            assert isinstance(value, dict), (diag, snippet)
            assert not [k for k in _keys(value) if "." in k], (diag, snippet)  # never « publication.date: … »
            if ("\n" in snippet or "{" in snippet) and diag["code"] != "recours.config":  # mkdocs.yml: blocks
                assert ("{" in snippet) is flow and ("\n" in snippet) is not flow, (diag, snippet)
            found += 1
    assert found >= len(expected)
    transmission = next((d["fix"] for d in diags if d["code"] == "transmission.missing"), None)
    if transmission is None:
        tribunal = next(d["fix"] for d in diags if d["code"] == "recours.config")
        assert yaml.safe_load(proposed_snippets(tribunal)[0])["tribunal"]["nom"] == "tribunal administratif de …"
    elif flow:
        assert '\n    transmission: {date: AAAA-MM-JJ, ar: "DDD-SIREN-AAAAMMJJ-NUMERO-NATURE"}\n  ou\n' in transmission
    else:
        assert '\n    transmission:\n      date: AAAA-MM-JJ\n      ar: "DDD-SIREN-AAAAMMJJ-NUMERO-NATURE"\n  ou\n' \
            in transmission


def test_numbering_messages_agree_with_the_act(project):
    """« arrêté n°2 daté du … avant le n°1 », « délibération n°2 datée du … avant la n°1 »."""
    arrete = VALID_DECISION.replace("type: decision", "type: arrete").replace(
        "delegation: {deliberation: 2020-06-11, alinea: 4}\n", "portee: reglementaire\n").replace(
        "DEC2025_11-AU", "ARR2025_1-AR")
    project.add("2025/arrete-2025-1.md", arrete.replace("numero: 11", "numero: 1"))
    project.add("2025/arrete-2025-2.md", arrete.replace("numero: 11", "numero: 2").replace(
        "date: 2025-05-30", "date: 2025-05-20").replace("20250530-ARR2025_1", "20250520-ARR2025_2"))
    project.add("2025/decision-2025-11.md", VALID_DECISION)
    project.add("2025/decision-2025-12.md", VALID_DECISION.replace("numero: 11", "numero: 12").replace(
        "date: 2025-05-30", "date: 2025-05-20").replace("20250530-DEC2025_11", "20250520-DEC2025_12"))
    out = project.registre("check").stdout
    assert "arrêté n°2 daté du 20 mai 2025, avant le n°1 (30 mai 2025)" in out, out
    assert "décision du maire n°12 datée du 20 mai 2025, avant la n°11 (30 mai 2025)" in out, out
    assert "arrêté n°2 datée" not in out


@pytest.mark.parametrize("quoted, unquoted, line, value", [
    ('siret: "21660228400012"', "siret: 21660228400012", 12, "21660228400012"),
    ('departement: "66"', "departement: 01  # Ain", 13, "01"),
    ('departement: "66"', "departement: 66", 13, "66"),
])
def test_unquoted_code_in_mkdocs_yml_is_a_french_error(project, quoted, unquoted, line, value):
    from conftest import DEMO_TODAY, MKDOCS_YML
    text = MKDOCS_YML.format(today=DEMO_TODAY)
    assert text.split("\n")[line - 1].strip() == quoted
    project.write_config(text.replace(quoted, unquoted))
    project.add(ACT, VALID_DECISION)
    key = quoted.split(":")[0]
    for result in (project.registre("check"), project.build()):
        out = result.stdout + result.stderr
        assert result.returncode != 0 and "Traceback" not in out and "Expected type" not in out, out
        found = re.search(rf"mkdocs\.yml:{line}: erreur: « {key}: {value} » n'est pas entre guillemets.*"
                          r"Correction : écrivez « (.*?) » \(entre guillemets\)", out)
        assert found, out
        assert yaml.safe_load(found.group(1)) == {key: value}
    assert not project.site.exists()


@pytest.mark.parametrize("numero", ["7" * 5000, "١٢", "0" * 4400 + "1"])
def test_registre_new_refuses_absurd_numbers_in_french(project, numero):
    result = project.registre("new", "decision", "--numero", numero)
    out = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in out, out
    assert "n'est pas un nombre entier positif (sans zéro initial, dix chiffres au plus)" in out, out
    assert not list(project.acts.rglob("*.md"))
