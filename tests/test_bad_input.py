"""Issue 3: every kind of bad input ends in a clear French error naming the file and
the line, exit code 1, no traceback, and the site already published left untouched.
Each case runs the real `registre check` and the real `mkdocs build`."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest
from conftest import VALID_DECISION, Project, assert_ok, private_copy
from test_rules import delib
from test_site import text_of

ACT = "2025/decision-2025-11.md"
SHOWN = "acts/2025/decision-2025-11.md"
ALIAS_BOMB = """\
---
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
---

Texte.
"""


def with_front(extra: str, text: str = VALID_DECISION) -> str:
    """VALID_DECISION with YAML lines added at the end of the front matter (line 11 on)."""
    return text.replace("---\n\n#", extra + "---\n\n#", 1)


def replaced(old: str, new: str) -> str:
    assert old in VALID_DECISION
    return VALID_DECISION.replace(old, new, 1)


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Project:
    """A small register already built: bad input must leave its site as it was."""
    proj = Project(tmp_path_factory.mktemp("published") / "registre")
    proj.add(ACT, VALID_DECISION)
    result = proj.build()
    assert_ok(result)
    return proj


@pytest.fixture
def register(published, tmp_path) -> Project:
    return private_copy(published, tmp_path / "registre")


def _symlinked_annex(proj: Project) -> None:
    outside = proj.root / "ailleurs"
    outside.mkdir()
    (outside / "secret.pdf").write_bytes(b"%PDF-1.4 secret")
    os.symlink(outside / "secret.pdf", proj.acts / "2025" / "plan.pdf")
    proj.add(ACT, with_front("annexes:\n  - fichier: plan.pdf\n"))


def _symlinked_folder(proj: Project) -> None:
    outside = proj.root / "ailleurs"
    outside.mkdir()
    (outside / "secret.pdf").write_bytes(b"%PDF-1.4 secret")
    os.symlink(outside, proj.acts / "pieces")
    proj.add(ACT, with_front("annexes:\n  - fichier: ../pieces/secret.pdf\n"))


def _symlinked_act(proj: Project) -> None:
    (proj.acts / "2025" / "decision-2025-11.md").unlink()
    outside = proj.root / "ailleurs"
    outside.mkdir()
    (outside / "acte.md").write_text(VALID_DECISION, encoding="utf-8")
    os.symlink(outside / "acte.md", proj.acts / "2025" / "decision-2025-11.md")


def _same_identifier(proj: Project) -> None:
    proj.add("2025/decision-2025-11-bis.md", VALID_DECISION.replace("Convention ENT", "Autre convention"))


def _markdown_annex_with_script(proj: Project) -> None:
    proj.add(ACT, with_front("annexes:\n  - fichier: convention.md\n"))
    proj.add("2025/convention.md", "# Convention\n\nArticle 1.\n\n<script>alert(1)</script>\n")


# name: (bytes of acts/2025/decision-2025-11.md, or a function preparing the project,
#        file named, line, words of the message)
CASES = {
    "yaml-malforme": (replaced("objet: Convention ENT-école 2025-2026", "objet: Convention : ENT: école"),
                      SHOWN, 5, "en-tête YAML illisible : deux-points inattendu"),
    "yaml-tabulation": (replaced("matiere: \"8.1\"", "matiere:\t\"8.1\"\n\tportee: x"), SHOWN, None,
                        "en-tête YAML illisible"),
    "en-tete-non-ferme": (VALID_DECISION.replace("---\n\n#", "\n#", 1), SHOWN, 1, "l'en-tête YAML n'est pas refermé"),
    "cle-en-double": (with_front("objet: Un autre objet\n"), SHOWN, 11,
                      "la clé « objet » apparaît deux fois dans l'en-tête (déjà ligne 5)"),
    "cle-inconnue": (with_front("objt: x\n"), SHOWN, 11, "clé inconnue « objt »"),
    "numero-octal": (replaced("numero: 11", "numero: 011"), SHOWN, 3,
                     "« numero: 011 » commence par un zéro : YAML le lirait comme un nombre octal (9)"),
    "en-attente-oui": (replaced('transmission: {date: 2025-06-02, ar: "066-216602284-20250530-DEC2025_11-AU"}',
                                "transmission: {en_attente: oui}"), SHOWN, 10,
                       "« transmission.en_attente » doit valoir « true » ou « false », pas « oui »"),
    "en-attente-no": (replaced('transmission: {date: 2025-06-02, ar: "066-216602284-20250530-DEC2025_11-AU"}',
                               "transmission:\n  en_attente: no"), SHOWN, 11, "pas « no »"),
    "etiquette-yaml": (replaced("matiere: \"8.1\"", "matiere: !!python/name:os.system \"8.1\""), SHOWN,
                       7, "étiquette YAML"),
    "non-utf8": ("\n".join(VALID_DECISION.split("\n")[:12]).encode("utf-8")
                 + "\nDécision prise à la mairie.\n".encode("latin-1"), SHOWN, 13,
                 "le fichier n'est pas encodé en UTF-8 (octet invalide 0xe9)"),
    "binaire": (b"---\ntype: decision\x00\n---\n", SHOWN, 1, "caractères nuls"),
    "fichier-vide": (b"", SHOWN, 1, "le fichier est vide"),
    "espaces-seulement": (b"  \n\n\t\n", SHOWN, 1, "le fichier est vide"),
    "en-tete-seul": (VALID_DECISION.split("\n\n#")[0] + "\n", SHOWN, 11,
                     "le texte de l'acte manque : rien n'est écrit après l'en-tête"),
    "en-tete-vide": (b"---\n---\n\nTexte.\n", SHOWN, 2, "l'en-tête YAML est vide"),
    "sans-en-tete": (b"# Decision\n\nTexte sans en-tete.\n", SHOWN, 1, "l'en-tête YAML est absent"),
    "en-tete-liste": (b"---\n- type\n- decision\n---\n\nTexte.\n", SHOWN, 2,
                      "l'en-tête YAML doit être une liste de clés « clé: valeur »"),
    "fichier-50-mo": (VALID_DECISION.encode("utf-8") + b"Article 2 : texte.\n" * (50 * 1024 * 1024 // 19), SHOWN, 1,
                      "fichier trop volumineux (50 Mo ; maximum 5 Mo"),
    "alias-bomb": (ALIAS_BOMB, SHOWN, 2, "ancre YAML interdite (« & » et « * » ne sont pas acceptés)"),
    "yaml-trop-imbrique": ("---\nobjet: " + "[" * 3000 + "]" * 3000 + "\n---\n\nTexte.\n", SHOWN, 2,
                           "en-tête YAML trop imbriqué"),
    "date-impossible": (replaced("date: 2025-05-30", "date: 2025-02-30"), SHOWN, 4,
                        "« date » : la date 2025-02-30 n'existe pas"),
    "date-mois-13": (replaced("date: 2025-05-30", "date: 2025-13-01"), SHOWN, 4, "la date 2025-13-01 n'existe pas"),
    "date-lointaine": (replaced("date: 2025-05-30", "date: 2999-05-30"), SHOWN, 4,
                       "la date 2999-05-30 est dans un futur lointain"),
    "date-future": (replaced("date: 2025-05-30", "date: 2026-05-30"), SHOWN, 4,
                    "la date de l'acte (30 mai 2026) est postérieure à aujourd'hui"),
    "publication-dans-deux-ans": (replaced("publication: {date: 2025-06-02}", "publication: {date: 2026-12-30}"),
                                  SHOWN, 9, "mise en ligne programmée à plus d'un an"),
    "annee-1789": (replaced("date: 2025-05-30", "date: 1789-07-14"), SHOWN, 4, "l'année 1789 est invraisemblable"),
    "date-texte": (replaced("date: 2025-05-30", "date: 30 mai 2025"), SHOWN, 4,
                   "« 30 mai 2025 » n'est pas une date au format AAAA-MM-JJ"),
    "html-texte-script": (VALID_DECISION + "\n<script>alert(1)</script>\n", SHOWN, 17,
                          "balise HTML <script> interdite dans le texte de l'acte"),
    "html-texte-iframe": (VALID_DECISION + "\nVoir <iframe src=\"https://exemple.org\"></iframe>\n", SHOWN, 17,
                          "balise HTML <iframe> interdite"),
    "html-texte-img-onerror": (VALID_DECISION + "\n<img src=x onerror=alert(1)>\n", SHOWN, 17,
                               "attribut HTML « onerror » interdit sur <img>"),
    "html-texte-attribut": (VALID_DECISION + "\nTexte <u onclick=\"alert(1)\">souligné</u>.\n", SHOWN, 17,
                            "attribut HTML « onclick » interdit sur <u>"),
    "texte-trop-imbrique": (VALID_DECISION + "\n" + ">" * 2000 + " citation\n", SHOWN, 17,
                            "imbrication trop profonde dans le texte de l'acte"),
    "annexe-md-script": (_markdown_annex_with_script, "acts/2025/convention.md", 5,
                         "balise HTML <script> interdite dans le texte de l'annexe"),
    "annexe-remonte": (with_front("annexes:\n  - fichier: ../../mkdocs.yml.pdf\n"), SHOWN, 12,
                       "ce chemin sort du dossier acts/"),
    "annexe-absolue": (with_front("annexes:\n  - fichier: /etc/passwd.pdf\n"), SHOWN, 12, "chemin absolu interdit"),
    "annexe-windows": (with_front("annexes:\n  - fichier: 'C:\\Users\\mairie\\plan.pdf'\n"), SHOWN, 12,
                       "chemin absolu interdit"),
    "annexe-lien-symbolique": (_symlinked_annex, SHOWN, 12, "c'est un lien symbolique"),
    "annexe-dossier-lien": (_symlinked_folder, SHOWN, 12, "c'est un lien symbolique"),
    "annexe-absente": (with_front("annexes:\n  - fichier: plan.pdf\n"), SHOWN, 12, "fichier introuvable"),
    "annexe-exe": (with_front("annexes:\n  - fichier: outil.exe\n"), SHOWN, 12,
                   "seuls les fichiers PDF et Markdown (.md) sont acceptés"),
    "original-hors-acts": (with_front("original: ../../original.pdf\n"), SHOWN, 11, "sort du dossier acts/"),
    "acte-lien-symbolique": (_symlinked_act, SHOWN, 1, "ce fichier est un lien symbolique"),
    "meme-identifiant": (_same_identifier, "acts/2025/decision-2025-11-bis.md", 3,
                         "numéro en double : décision du maire n°11 de 2025 (« decision-2025-11 ») existe aussi dans "
                         "acts/2025/decision-2025-11.md"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_fails_cleanly(register, name):
    assert_fails_cleanly(register, *CASES[name])


def assert_fails_cleanly(register: Project, content, path: str, line: int | None, words: str) -> None:
    """`registre check` and `mkdocs build` both stop on ``content`` with a French error naming
    ``path:line``, no traceback, and the published site left as it was."""
    if callable(content):
        content(register)
    else:
        register.add_bytes(ACT, content if isinstance(content, bytes) else content.encode("utf-8"))
    site_before = snapshot(register.site)

    check = register.registre("check")
    out = check.stdout + check.stderr
    assert check.returncode == 1, out
    where = re.escape(path) + ":" + (str(line) if line else r"\d+")
    assert re.search(rf"^{where}: erreur: .*{re.escape(words)}.* Correction : \S", check.stdout, re.M), out
    assert "Traceback" not in out

    build = register.build()
    log = build.stdout + build.stderr
    assert build.returncode != 0
    assert re.search(rf"{where}: erreur: .*{re.escape(words)}", log), log
    assert "n'est pas publiable" in log and "Traceback" not in log
    assert snapshot(register.site) == site_before, "a failed build must not touch the published site"


def test_both_files_claiming_one_identifier_are_named(register):
    _same_identifier(register)
    out = register.registre("check").stdout
    assert "acts/2025/decision-2025-11.md:3: erreur: numéro en double" in out
    assert "acts/2025/decision-2025-11-bis.md:3: erreur: numéro en double" in out


@pytest.mark.parametrize("field, yaml_text, line", [
    ("objet", replaced("objet: Convention ENT-école 2025-2026", "objet: <script>alert(1)</script>"), 5),
    ("signataire.nom", replaced("nom: PASCAL", "nom: \"<b onmouseover=alert(1)>PASCAL</b>\""), 6),
    ("signataire.qualite", replaced("qualite: Maire", "qualite: \"Maire<script>\""), 6),
    ("transmission.ar", replaced('ar: "066-216602284-20250530-DEC2025_11-AU"', 'ar: "<script>x</script>"'), 10),
    ("note", with_front("note: \"Voir <a href='javascript:alert(1)'>ici</a>\"\n"), 11),
    ("recours", with_front("recours: \"<iframe src=x> tribunal administratif, deux mois\"\n"), 11),
    ("annexes.titre", with_front("annexes:\n  - fichier: c.md\n    titre: \"<img src=x onerror=alert(1)>\"\n"), 13),
    ("masquer", with_front("masquer: [\"<script>\"]\n"), 11),
])
def test_html_in_any_field_is_refused(project, field, yaml_text, line):
    project.add(ACT, yaml_text)
    project.add("2025/c.md", "# Convention\n")
    check = project.registre("check")
    assert check.returncode == 1
    assert re.search(rf"^{re.escape(SHOWN)}:{line}: erreur: « {re.escape(field)} » contient une balise HTML",
                     check.stdout, re.M), check.stdout
    build = project.build()
    assert build.returncode != 0 and not project.site.exists()


def test_script_objet_never_reaches_a_built_file(project):
    project.add(ACT, replaced("objet: Convention ENT-école 2025-2026", "objet: <script>alert(1)</script>"))
    build = project.build()
    assert build.returncode != 0
    assert not project.site.exists() or not [p for p in project.site.rglob("*") if p.is_file()
                                             and b"<script>alert(1)" in p.read_bytes()]


def test_bom_and_crlf_are_accepted(project):
    data = b"\xef\xbb\xbf" + VALID_DECISION.replace("\n", "\r\n").encode("utf-8")
    project.add_bytes(ACT, data)
    project.add_bytes("2025/deliberation-2025-1.md", delib(1, "2025-07-03").replace("\n", "\r").encode("utf-8"))
    check = project.registre("check")
    assert_ok(check)
    build = project.build()
    assert_ok(build)
    page = text_of(project.page("actes/decision-2025-11"))
    assert "Convention ENT-école 2025-2026" in page and "Article 1 : de conclure une convention" in page
    assert "\ufeff" not in project.page("actes/decision-2025-11")


def test_yaml_11_values_stay_text(project):
    """Unquoted date in objet, « no » as a name, « 1e3 » as a qualité: kept as written."""
    text = replaced("objet: Convention ENT-école 2025-2026", "objet: 2025-05-30")
    text = text.replace("nom: PASCAL", "nom: No").replace("qualite: Maire", "qualite: 1e3")
    project.add(ACT, text)
    check = project.registre("check")
    assert_ok(check)
    assert project.build().returncode == 0
    page = project.page("actes/decision-2025-11")
    assert '<p class="registre-act__objet">2025-05-30</p>' in page
    assert "00:00:00" not in page and "datetime.date" not in page
    assert "Patrick No, 1e3" in text_of(page)


LEGAL = 'Tarifs "été" & hiver < 10 € et > 5 € d\'O\'Brien'


def test_legal_markup_characters_are_escaped_in_every_built_file(project):
    """&, quotes, < and > are legal in an objet: each output escapes them for its format."""
    project.add(ACT, replaced("objet: Convention ENT-école 2025-2026", "objet: '" + LEGAL.replace("'", "''") + "'")
                .replace("---\n\n#", "note: \"Note : a < b & c > d\"\n---\n\n#"))
    project.add("2025/deliberation-2025-1.md",
                delib(1, "2025-07-03", extra="donne_acte: [decision-2025-11]\n")
                .replace("objet: Tarifs de la cantine scolaire", "objet: '" + LEGAL.replace("'", "''") + "'"))
    check = project.registre("check")
    assert_ok(check)
    build = project.build("--strict")
    assert_ok(build)
    page = project.page("actes/decision-2025-11")
    assert "Tarifs &#34;été&#34; &amp; hiver &lt; 10 € et &gt; 5 €" in page or \
        "Tarifs &quot;été&quot; &amp; hiver &lt; 10 € et &gt; 5 €" in page
    assert "Note : a &lt; b &amp; c &gt; d" in page
    raw_markup = ("& hiver < 10", "a < b & c")
    checked = 0
    for path in project.site.rglob("*"):
        if not path.is_file() or path.suffix in (".pdf", ".gz", ".png", ".svg", ".woff2", ".ico"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        checked += 1
        if path.suffix in (".csv", ".ics", ".txt"):  # plain-text data formats: the value as written
            continue
        for raw in raw_markup:
            assert raw not in text, f"{path.relative_to(project.site)} contains {raw!r} unescaped"
    assert checked > 20


def test_markup_in_fields_is_escaped_even_if_the_checker_let_it_through(project, monkeypatch):
    """Defence in depth: with the field check switched off (in this process only), the
    templates, feeds and JSON still escape a <script> objet; only plain-text data
    formats (CSV, iCalendar) carry the value as written."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from registre.source import schema

    monkeypatch.setattr(schema, "HTML_RE", re.compile(r"(?!x)x"))
    script = "<script>alert(1)</script> <img src=x onerror=alert(2)>"
    project.add(ACT, replaced("objet: Convention ENT-école 2025-2026", f"objet: '{script}'")
                .replace("---\n\n#", f"note: '{script}'\n---\n\n#"))
    project.add("2025/deliberation-2025-1.md", delib(1, "2025-07-03", extra="donne_acte: [decision-2025-11]\n")
                .replace("objet: Tarifs de la cantine scolaire", f"objet: '{script}'"))
    monkeypatch.chdir(project.root)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(project.root / "mkdocs.yml"))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
        import gc

        gc.collect()  # finalise WeasyPrint's font objects now, not at interpreter shutdown
    found = [p.relative_to(project.site).as_posix() for p in project.site.rglob("*")
             if p.is_file() and (b"<script>alert" in p.read_bytes() or b"<img src=x" in p.read_bytes())]
    assert sorted(found) == ["donnees/deliberations.csv", "flux/seances.ics"], found
    page = project.page("actes/decision-2025-11")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
