"""Issue 13 §3: the register never states a legal falsehood.

Expected dates and statuses are worked out by hand from the law (CGCT L2131-1,
L2121-20, L2122-22) in the comments, never computed by the code under test.
"""

from __future__ import annotations

import re

from conftest import VALID_DECISION
from pypdf import PdfReader
from test_rules import ARRETE_INDIVIDUEL

from registre.build.load import load_register
from registre.domain.config import load_config


def check(project):
    register = load_register(project.acts, load_config(project.root / "mkdocs.yml"))
    # No séance file in these registers: the reminder for each délibération (seance.missing) is
    # tested in test_seances_rules.
    register.diagnostics = [d for d in register.diagnostics if d.code != "seance.missing"]
    return register


def errors(register, code: str):
    return [d for d in register.diagnostics if d.code == code and d.is_error]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pdf_text(path) -> str:
    return flat(" ".join(page.extract_text() for page in PdfReader(path).pages))


# A décision signed on 10 December 2025, put online on the 11th, received in préfecture on the 16th.
# Built on 15 December 2025 (conftest's DEMO_TODAY), the transmission has not happened yet.
LATE_DECISION = (VALID_DECISION
                 .replace("date: 2025-05-30", "date: 2025-12-10")
                 .replace("publication: {date: 2025-06-02}", "publication: {date: 2025-12-11}")
                 .replace('transmission: {date: 2025-06-02, ar: "066-216602284-20250530-DEC2025_11-AU"}',
                          'transmission: {date: 2025-12-16, ar: "066-216602284-20251210-DEC2025_11-AU"}'))


def test_transmission_date_in_the_future_is_an_error_naming_its_line(project):
    assert "2025-12-16" in LATE_DECISION
    project.add("2025/decision-2025-11.md", LATE_DECISION)
    found = errors(check(project), "dates.not_yet")
    assert len(found) == 1, check(project).diagnostics
    assert found[0].line == 10  # the « transmission: » line of the file
    assert "16 décembre 2025" in found[0].message and "15 décembre 2025" in found[0].message
    assert "en_attente" in found[0].fix
    cli = project.registre("check", "acts")
    assert cli.returncode == 1
    assert "acts/2025/decision-2025-11.md:10: erreur:" in cli.stdout
    build = project.build()
    assert build.returncode != 0
    assert "Traceback" not in build.stdout + build.stderr
    assert not (project.site / "actes" / "decision-2025-11").exists()


def test_the_day_after_the_transmission_the_act_is_executory_from_that_day(project):
    # Executory = later of publication (11 Dec) and transmission (16 Dec): 16 December 2025.
    project.add("2025/decision-2025-11.md", LATE_DECISION)
    project.write_config(today="2025-12-16")
    result = project.build()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "depuis le <time datetime=\"2025-12-16\">16 décembre 2025</time>" in project.page("actes/decision-2025-11")
    text = pdf_text(project.site / "actes" / "decision-2025-11" / "decision-2025-11.pdf")
    assert "exécutoire depuis le 16 décembre 2025" in text


# Arrêté individuel of 3 March 2025 (test_rules), notified on 18 December: three days after the build.
INDIVIDUAL = ARRETE_INDIVIDUEL.replace("notification: {date: 2025-03-05}", "notification: {date: 2025-12-18}")


def test_notification_date_in_the_future_is_an_error(project):
    project.add("2025/arrete-2025-1.md", INDIVIDUAL)
    found = errors(check(project), "dates.not_yet")
    assert [d.line for d in found] == [9]  # the « notification: » line
    assert "18 décembre 2025" in found[0].message
    # Notified on 5 March: the past, no error.
    project.add("2025/arrete-2025-1.md", ARRETE_INDIVIDUEL)
    assert check(project).diagnostics == []


def test_a_scheduled_publication_is_not_an_error(project):
    # Put online on 20 December 2025, five days after the build: a scheduled act, legal.
    project.add("2025/decision-2025-11.md", VALID_DECISION.replace("publication: {date: 2025-06-02}",
                                                                   "publication: {date: 2025-12-20}"))
    assert not [d for d in check(project).diagnostics if d.is_error]


def test_delegation_given_after_the_decision_is_an_error(project):
    # Décision of 30 May 2025 resting on a délibération of 11 June 2025: impossible (L2122-22).
    project.add("2025/decision-2025-11.md",
                VALID_DECISION.replace("delegation: {deliberation: 2020-06-11", "delegation: {deliberation: 2025-06-11"))
    found = errors(check(project), "delegation.order")
    assert len(found) == 1
    assert found[0].line == 8  # the « delegation: » line
    assert "11 juin 2025" in found[0].message and "30 mai 2025" in found[0].message
    assert "deliberation" in found[0].fix
    cli = project.registre("check", "acts")
    assert cli.returncode == 1 and "acts/2025/decision-2025-11.md:8: erreur:" in cli.stdout
    # Given the same day as the décision: valid (the council met, then the mayor decided).
    project.add("2025/decision-2025-11.md",
                VALID_DECISION.replace("delegation: {deliberation: 2020-06-11", "delegation: {deliberation: 2025-05-30"))
    assert not errors(check(project), "delegation.order")


def test_delegation_error_names_the_nested_key_line(project):
    block = VALID_DECISION.replace("delegation: {deliberation: 2020-06-11, alinea: 4}\n",
                                   "delegation:\n  alinea: 4\n  deliberation: 2025-07-01\n")
    project.add("2025/decision-2025-11.md", block)
    found = errors(check(project), "delegation.order")
    assert [d.line for d in found] == [10]  # line of « deliberation: » under « delegation: »


def test_demo_pdf_carries_the_demo_notice_and_the_note(built_demo):
    real = pdf_text(built_demo.site / "actes" / "decision-2025-11" / "decision-2025-11.pdf")
    assert "Registre de démonstration." in real
    assert "Seule la décision n°11/2025 est un acte réel de Villeneuve-la-Rivière" in real
    assert "Note :" in real
    assert "sont des valeurs d'illustration : l'acte numérisé n'indique ni l'une ni l'autre." in real
    fictional = pdf_text(built_demo.site / "actes" / "deliberation-2025-1" / "deliberation-2025-1.pdf")
    assert "Registre de démonstration." in fictional


def test_pdf_of_a_real_register_has_no_demo_notice_but_keeps_the_note(project):
    project.add("2025/decision-2025-11.md", VALID_DECISION.replace(
        "---\n\n#", "note: Transcrit depuis l'original numérisé.\n---\n\n#", 1))
    result = project.build()
    assert result.returncode == 0, result.stdout + result.stderr
    text = pdf_text(project.site / "actes" / "decision-2025-11" / "decision-2025-11.pdf")
    assert "Registre de démonstration" not in text
    assert "Note : Transcrit depuis l'original numérisé." in text


# Décision of 30 May 2025 whose acknowledgement is still awaited on 15 December 2025:
# 1 (31 May) + 30 + 31 + 31 + 30 + 31 + 30 + 15 = 199 days, far beyond the 15 days of the rule.
PENDING = VALID_DECISION.replace('transmission: {date: 2025-06-02, ar: "066-216602284-20250530-DEC2025_11-AU"}',
                                 "transmission: {en_attente: true}")


def test_strict_build_is_not_stopped_by_a_late_acknowledgement(project):
    project.add("2025/decision-2025-11.md", PENDING)
    check_run = project.registre("check", "--strict", "acts")
    assert check_run.returncode == 0, check_run.stdout + check_run.stderr
    assert "acts/2025/decision-2025-11.md:10: avertissement: transmission en attente depuis 199 jours" \
        in check_run.stdout
    strict = project.build("--strict")
    assert strict.returncode == 0, strict.stdout + strict.stderr
    assert "INFO" in next(line for line in strict.stderr.splitlines() if "en attente depuis 199 jours" in line)
    assert "pas encore : transmission au représentant de l'État en attente" in project.page("actes/decision-2025-11")


def test_strict_build_is_not_stopped_by_an_overdue_donne_acte(project):
    # Décision of 30 May 2025; the council met on 3 July 2025 without taking note of it (L2122-23).
    project.add("2025/decision-2025-11.md", VALID_DECISION)
    seance = deliberation(pour=9, contre=3)
    for old, new in (("2025-04-10", "2025-07-03"), ("20250410", "20250703"), ("2025-04-14", "2025-07-07"),
                     ("2025-04-15", "2025-07-08")):
        seance = seance.replace(old, new)
    project.add("2025/deliberation-2025-1.md", seance)
    register = check(project)
    assert [d.code for d in register.diagnostics] == ["donne_acte.missed"], register.diagnostics
    assert "3 juillet 2025" in register.diagnostics[0].message
    strict = project.build("--strict")
    assert strict.returncode == 0, strict.stdout + strict.stderr
    assert project.registre("check", "--strict", "acts").returncode == 0


def test_strict_build_still_stops_on_other_warnings_and_on_errors(project):
    project.add("2025/decision-2025-11.md", PENDING)
    project.add("2025/decision-2025-13.md", VALID_DECISION.replace("numero: 11", "numero: 13"))  # n°12 missing
    assert project.build("--strict").returncode != 0
    assert project.registre("check", "--strict", "acts").returncode == 1
    (project.acts / "2025" / "decision-2025-13.md").unlink()
    project.add("2025/decision-2025-12.md", LATE_DECISION.replace("numero: 11", "numero: 12")
                .replace("DEC2025_11", "DEC2025_12"))
    assert project.build("--strict").returncode != 0  # dates.not_yet is an error


def test_check_writes_the_job_summary_when_asked(project, tmp_path, monkeypatch):
    project.add("2025/decision-2025-11.md", PENDING)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert project.registre("check", "acts").returncode == 0
    text = summary.read_text(encoding="utf-8")
    assert "0 erreur, 1 avertissement" in text
    assert "### Rappels (ne bloquent pas la publication)" in text
    assert "- `acts/2025/decision-2025-11.md:10` : transmission en attente depuis 199 jours" in text


# -- an act scheduled for later publication appears nowhere before its date -----------------

DECISION = """\
---
type: decision
numero: {numero}
date: {date}
objet: {objet}
signataire: {{prenom: Patrick, nom: PASCAL, qualite: Maire}}
matiere: "1.1"
delegation: {{deliberation: 2020-06-11, alinea: 4}}
publication: {{date: {publication}}}
transmission: {{date: {transmission}, ar: "066-216602284-{compact}-DEC2025_{numero}-AU"}}
{extra}---

{text}
"""


def decision(numero, day, objet, publication, transmission, extra, text):
    return DECISION.format(numero=numero, date=day, compact=day.replace("-", ""), objet=objet,
                           publication=publication, transmission=transmission, extra=extra, text=text)


# Signed on 1 December, to be put online on 20 December 2025.
SCHEDULED = decision(14, "2025-12-01", "Acquisition d'un broyeur de végétaux pour les services techniques",
                     "2025-12-20", "2025-12-02",
                     "modifie: [decision-2025-13]\nannexes:\n  - fichier: devis-broyeur.pdf\n"
                     "    titre: Devis du broyeur\n  - fichier: fiche-broyeur.md\n    titre: Fiche technique\n",
                     "Le maire décide d'acquérir un broyeur de végétaux.")
LATER_DECISION = decision(15, "2025-12-08", "Avenant au marché des jeux du parc municipal", "2025-12-09",
                          "2025-12-09", "modifie: [decision-2025-14]\n",
                          "Le maire décide de modifier sa décision n°14/2025.")
SEANCE = """\
---
type: deliberation
numero: 7
date: 2025-12-10
objet: Compte rendu des décisions prises par délégation
signataire: {prenom: Patrick, nom: PASCAL, qualite: Maire}
matiere: "5.2"
vote: {presents: 12, votants: 12, pour: 12, contre: 0, abstentions: 0}
publication: {date: 2025-12-11}
transmission: {date: 2025-12-11, ar: "066-216602284-20251210-DEL07-DE"}
donne_acte: [decision-2025-13, decision-2025-14, decision-2025-15]
---

Le conseil municipal prend acte des décisions du maire.
"""
# What the scheduled act alone would show; its annexes' own words too.
NEEDLES = ("broyeur", "actes/decision-2025-14", "Caractéristiques du matériel")
PLANNED = "mise en ligne prévue le 20 décembre 2025"
# Published pages that must mention it (donné acte, corrections): as plain text, with its date.
MENTIONING = ("seances/2025-12-10/index.html", "actes/deliberation-2025-7/index.html",
              "donne-acte/index.html")


def add_scheduled(proj) -> None:
    proj.add("2025/decision-2025-14.md", SCHEDULED)
    proj.add_bytes("2025/devis-broyeur.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    proj.add("2025/fiche-broyeur.md", "# Fiche technique\n\nCaractéristiques du matériel : 15 cm.\n")
    proj.add("2025/decision-2025-15.md", LATER_DECISION)
    proj.add("2025/deliberation-2025-7.md", SEANCE)


def site_texts(site):
    """(path, text) of every file of the built site: PDFs as their text and links, gzip unpacked."""
    import gzip

    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        if data.startswith(b"%PDF") and path.suffix == ".pdf":
            try:
                reader = PdfReader(path)
                text = " ".join(page.extract_text() for page in reader.pages)
                links = [str(annot.get_object().get("/A", {}).get("/URI", "")) for page in reader.pages
                         for annot in page.get("/Annots", []) or []]
                yield path.relative_to(site).as_posix(), text + " " + " ".join(links)
                continue
            except Exception:  # an annex of a few bytes: its raw bytes below
                pass
        yield path.relative_to(site).as_posix(), data.decode("utf-8", "replace")


def broken_links(site, site_url):
    """{link: [pages]} for every href/src of every HTML page of the site (and every address of the
    site in its feeds, sitemap and exports) that leads to no file of the built site."""
    from html.parser import HTMLParser
    from urllib.parse import unquote, urljoin, urlsplit

    class Links(HTMLParser):
        def __init__(self):
            super().__init__()
            self.found = []

        def handle_starttag(self, tag, attrs):
            for name, value in attrs:
                if name in ("href", "src") and value:
                    self.found.append(value)
                elif name == "srcset" and value:
                    self.found.extend(part.split()[0] for part in value.split(",") if part.strip())

    broken = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        if path.suffix == ".html":
            parser = Links()
            parser.feed(path.read_text(encoding="utf-8"))
            links = parser.found
        elif path.suffix in (".xml", ".json", ".ics", ".csv", ".txt"):
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".ics":
                text = text.replace("\n ", "")  # folded lines joined (newlines read as "\n")
            links = re.findall(re.escape(site_url) + r"[^\s\"'<>\\,;]*", text)
        else:
            continue
        for link in links:
            if "{{" in link:  # a Pagefind UI template, filled in the browser
                continue
            url = urlsplit(urljoin(site_url + rel, link))
            if url.scheme not in ("http", "https") or not (url.scheme + "://" + url.netloc + "/") == site_url:
                continue
            target = site / unquote(url.path)[len(urlsplit(site_url).path):]
            if url.path.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.setdefault(link, []).append(rel)
    return broken


def test_a_scheduled_act_appears_nowhere_before_its_date(demo):
    add_scheduled(demo)
    result = demo.build()
    assert result.returncode == 0, result.stdout + result.stderr
    leaks = {}
    for rel, text in site_texts(demo.site):
        found = [n for n in NEEDLES if n.lower() in text.lower()]
        if found and rel not in MENTIONING:
            leaks[rel] = found
    assert leaks == {}
    assert not (demo.site / "actes" / "decision-2025-14").exists()
    for rel in MENTIONING:
        html = (demo.site / rel).read_text(encoding="utf-8")
        assert "actes/decision-2025-14" not in html, rel
        # Its number and objet as plain text, with the day it goes online.
        for mention in re.findall(r"broyeur.{0,400}", html, re.S):
            assert PLANNED in mention, (rel, mention)
        assert "n°14/2025" in html and PLANNED in html, rel
    # The décision it changes is still « en vigueur », with no « Modifié par ».
    page13 = demo.page("actes/decision-2025-13")
    assert "Modifié par" not in page13
    assert 'registre-status--en-vigueur">en vigueur<' in page13
    # The later décision that changes it names it as plain text.
    page15 = demo.page("actes/decision-2025-15")
    assert "actes/decision-2025-14" not in page15
    assert f"Décision du maire n°14/2025 du 1er décembre 2025 ({PLANNED})" in re.sub(r"\s+", " ", page15)
    # No page, feed, sitemap or export links to a page or file the site does not have.
    assert broken_links(demo.site, "https://registre.example.org/") == {}


def test_a_scheduled_act_is_everywhere_once_its_date_has_come(demo):
    add_scheduled(demo)
    # Built the day before with the same caches: what was kept must not hide it afterwards.
    assert demo.build().returncode == 0
    text = (demo.root / "mkdocs.yml").read_text(encoding="utf-8")
    (demo.root / "mkdocs.yml").write_text(text.replace('date_reference: "2025-12-15"',
                                                       'date_reference: "2025-12-20"'), encoding="utf-8")
    result = demo.build()
    assert result.returncode == 0, result.stdout + result.stderr
    texts = dict(site_texts(demo.site))
    where = {rel for rel, text in texts.items() if "broyeur" in text}
    for rel in ("actes/decision-2025-14/index.html", "actes/decision-2025-14/decision-2025-14.pdf",
                "actes/decision-2025-14/annexes/fiche-broyeur/index.html", "donnees/actes.json",
                "flux/actes.atom", "flux/actes.rss", "registre/2025/decision/index.html", *MENTIONING):
        assert rel in where, rel
    assert (demo.site / "actes" / "decision-2025-14" / "annexes" / "devis-broyeur.pdf").is_file()
    assert any("actes/decision-2025-14/" in texts[rel] for rel in texts if rel.startswith("sitemap"))
    for rel in MENTIONING:
        html = texts[rel]
        assert re.search(r'href="(\.\./)+(actes/)?decision-2025-14/"', html), rel
        assert PLANNED not in html, rel
    assert 'registre-status--modifie">modifié<' in demo.page("actes/decision-2025-13")


# -- a délibération is adopted or rejected (L2121-20 CGCT) -----------------------------------

DELIBERATION = """\
---
type: deliberation
numero: {numero}
date: 2025-04-10
objet: {objet}
signataire: {{prenom: Patrick, nom: PASCAL, qualite: Maire}}
matiere: "7.1"
vote: {{presents: 12, votants: 12, pour: {pour}, contre: {contre}, abstentions: {abstentions}}}
{resultat}publication: {{date: 2025-04-14}}
transmission: {{date: 2025-04-15, ar: "066-216602284-20250410-DEL{numero:02d}-DE"}}
---

Le conseil municipal, après en avoir délibéré, se prononce sur la proposition.
"""


def deliberation(numero=1, pour=5, contre=7, abstentions=0, resultat="", objet="Tarifs de la piscine municipale"):
    line = f"resultat: {resultat}\n" if resultat else ""
    return DELIBERATION.format(numero=numero, pour=pour, contre=contre, abstentions=abstentions, resultat=line,
                               objet=objet)


def statuses(project):
    from registre.site.presentation import ActView

    register = check(project)
    return register, {a.identifier: (ActView(a, register).resultat, register.status(a)) for a in register.acts}


def test_votes_decide_the_result(project):
    # 5 pour, 7 contre: the majority of the votes cast is against → rejetée.
    project.add("2025/deliberation-2025-1.md", deliberation(pour=5, contre=7))
    # 7 pour, 2 contre, 3 abstentions: 7 > 2 of 9 votes cast → adoptée.
    project.add("2025/deliberation-2025-2.md", deliberation(2, pour=7, contre=2, abstentions=3))
    # Everyone abstains: no vote cast for it, no majority → rejetée.
    project.add("2025/deliberation-2025-3.md", deliberation(3, pour=0, contre=0, abstentions=12))
    register, found = statuses(project)
    assert not [d for d in register.diagnostics if d.is_error], register.diagnostics
    assert found == {"deliberation-2025-1": ("rejetée", "rejetée"),
                     "deliberation-2025-2": ("adoptée", "en vigueur"),
                     "deliberation-2025-3": ("rejetée", "rejetée")}


def test_a_tie_needs_an_explicit_result(project):
    # 6 pour, 6 contre: the president's casting vote decides, unless secret ballot → must be written.
    project.add("2025/deliberation-2025-1.md", deliberation(pour=6, contre=6))
    found = errors(check(project), "resultat.missing")
    assert [d.line for d in found] == [8]  # the « vote: » line
    assert "partage égal" in found[0].message and "prépondérante" in found[0].message
    assert "resultat: adoptée" in found[0].fix and "resultat: rejetée" in found[0].fix
    project.add("2025/deliberation-2025-1.md", deliberation(pour=6, contre=6, resultat="adoptée"))
    assert statuses(project)[1] == {"deliberation-2025-1": ("adoptée", "en vigueur")}
    project.add("2025/deliberation-2025-1.md", deliberation(pour=6, contre=6, resultat="rejetee"))
    assert statuses(project)[1] == {"deliberation-2025-1": ("rejetée", "rejetée")}


def test_a_result_contradicting_the_votes_is_an_error(project):
    project.add("2025/deliberation-2025-1.md", deliberation(pour=7, contre=5, resultat="rejetée"))
    found = errors(check(project), "resultat.contradiction")
    assert [d.line for d in found] == [9]  # the « resultat: » line
    assert "resultat: adoptée" in found[0].fix
    # No vote cast for it cannot be adopted, even with the president's vote.
    project.add("2025/deliberation-2025-1.md", deliberation(pour=0, contre=0, abstentions=12, resultat="adoptée"))
    assert errors(check(project), "resultat.contradiction")


def test_result_without_votes_unknown_word_and_other_acts(project):
    no_vote = deliberation().replace("vote: {presents: 12, votants: 12, pour: 5, contre: 7, abstentions: 0}\n", "")
    project.add("2025/deliberation-2025-1.md", no_vote)
    assert statuses(project)[1] == {"deliberation-2025-1": ("adoptée", "en vigueur")}  # default, documented
    project.add("2025/deliberation-2025-1.md", no_vote.replace("publication:", "resultat: rejetée\npublication:"))
    assert statuses(project)[1] == {"deliberation-2025-1": ("rejetée", "rejetée")}
    project.add("2025/deliberation-2025-1.md", no_vote.replace("publication:", "resultat: refusée\npublication:"))
    found = errors(check(project), "resultat.unknown")
    assert [d.line for d in found] == [8] and "resultat: rejetée" in found[0].fix
    (project.acts / "2025" / "deliberation-2025-1.md").unlink()
    project.add("2025/decision-2025-11.md", VALID_DECISION.replace("publication:", "resultat: adoptée\npublication:"))
    assert [d.line for d in errors(check(project), "resultat.unexpected")] == [9]


def test_a_rejected_deliberation_is_shown_rejected_everywhere(project):
    import csv
    import io
    import json

    project.add("2025/deliberation-2025-1.md", deliberation(pour=5, contre=7, objet="Tarifs de la piscine municipale"))
    project.add("2025/deliberation-2025-2.md", deliberation(2, pour=9, contre=3, objet="Tarifs de la cantine"))
    result = project.build()
    assert result.returncode == 0, result.stdout + result.stderr
    page = flat(re.sub(r"<[^>]+>", " ", project.page("actes/deliberation-2025-1")))
    assert "Statut rejetée" in page and "Résultat délibération rejetée" in page
    assert "Exécutoire sans objet : le conseil municipal a rejeté cette délibération" in page
    assert "en vigueur" not in page and "depuis le" not in page
    adopted = flat(re.sub(r"<[^>]+>", " ", project.page("actes/deliberation-2025-2")))
    # Adopted, published 14 April and received in préfecture 15 April: executory from 15 April 2025.
    assert "Statut en vigueur" in adopted and "Exécutoire depuis le 15 avril 2025" in adopted
    pdf = pdf_text(project.site / "actes" / "deliberation-2025-1" / "deliberation-2025-1.pdf")
    assert "Résultat délibération rejetée" in pdf and "exécutoire depuis" not in pdf
    assert "Caractère exécutoire sans objet : délibération rejetée par le conseil municipal" in pdf
    listing = project.page("registre/2025/deliberation")
    row = listing.split("Tarifs de la piscine municipale", 1)[1].split("</tr>", 1)[0]
    assert "rejetée" in row and "en vigueur" not in row
    seance = project.page("seances/2025-04-10")
    assert "rejetée" in seance.split("Tarifs de la piscine municipale", 1)[1].split("</tr>", 1)[0]
    records = {r["identifiant"]: r for r in json.loads((project.site / "donnees" / "actes.json").read_text())["actes"]}
    assert records["deliberation-2025-1"]["statut"] == "rejetée"
    assert records["deliberation-2025-1"]["resultat"] == "rejetée"
    assert records["deliberation-2025-1"]["executoire_le"] is None
    assert records["deliberation-2025-2"]["resultat"] == "adoptée"
    assert records["deliberation-2025-2"]["executoire_le"] == "2025-04-15"
    jsonld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>',
                                  project.page("actes/deliberation-2025-1"), re.S)[1])
    assert jsonld["legislationLegalForce"] == "https://schema.org/NotInForce"
    assert "legislationPassedBy" not in jsonld  # the council did not pass it
    atom = (project.site / "flux" / "actes.atom").read_text(encoding="utf-8")
    entry = atom.split("Tarifs de la piscine municipale", 1)[1].split("</entry>", 1)[0]
    assert "Statut : rejetée." in entry and "Exécutoire" not in entry
    # The SCDL lists adopted délibérations (DELIB_DATE = date d'adoption): no row for the rejected one.
    rows = list(csv.DictReader(io.StringIO((project.site / "donnees" / "deliberations.csv").read_text("utf-8"))))
    assert [r["DELIB_ID"] for r in rows] == ["deliberation-2025-2"]
    ics = (project.site / "flux" / "seances.ics").read_text(encoding="utf-8").replace("\r\n ", "")
    assert "Tarifs de la piscine municipale (rejetée)" in ics.replace("\\", "")
    assert 'data-statut="Rejetée"' in project.page("actes/deliberation-2025-1")


def test_a_rejected_deliberation_abrogates_nothing(project):
    """The council rejected the délibération abrogating n°1 (3 pour, 9 contre): n°1 stays in force
    everywhere, and the rejected one says what it proposed, not that it abrogates."""
    import html
    import json

    project.add("2025/deliberation-2025-1.md", deliberation(pour=9, contre=3, objet="Tarifs de la cantine"))
    project.add("2025/deliberation-2025-2.md", deliberation(2, pour=3, contre=9, objet="Abrogation des tarifs")
                .replace("publication:", "abroge: [deliberation-2025-1]\npublication:"))
    result = project.build()
    assert result.returncode == 0, result.stdout + result.stderr
    earlier = flat(html.unescape(re.sub(r"<[^>]+>", " ", project.page("actes/deliberation-2025-1"))))
    assert "Statut en vigueur" in earlier and "abrogé" not in earlier.lower()
    rejected = flat(html.unescape(re.sub(r"<[^>]+>", " ", project.page("actes/deliberation-2025-2"))))
    assert "Proposait d'abroger" in rejected and "Abroge " not in rejected
    records = {r["identifiant"]: r for r in json.loads((project.site / "donnees" / "actes.json").read_text())["actes"]}
    assert records["deliberation-2025-1"]["statut"] == "en vigueur"
    assert "modifie_par" not in records["deliberation-2025-1"]
    listing = project.page("registre/2025/deliberation")
    assert "en vigueur" in listing.split("Tarifs de la cantine", 1)[1].split("</tr>", 1)[0]
    pdf = pdf_text(project.site / "actes" / "deliberation-2025-2" / "deliberation-2025-2.pdf")
    assert "Proposait d'abroger" in pdf


def test_an_abrogation_awaiting_its_transmission_has_not_taken_effect(project):
    """Délibération n°2 abrogates n°1; published on 14 April 2025 but not yet transmitted to the
    préfet, it is not executory (L2131-1 CGCT): n°1 is still in force.  Once transmitted on
    15 April 2025 (executory that day), n°1 is abrogated, and its page changed on 15 April."""
    import html

    project.add("2025/deliberation-2025-1.md", deliberation(pour=9, contre=3, objet="Tarifs de la cantine"))
    pending = deliberation(2, pour=9, contre=3, objet="Abrogation des tarifs").replace(
        "publication:", "abroge: [deliberation-2025-1]\npublication:")
    pending = re.sub(r"transmission: \{date: [^}]*\}", "transmission: {en_attente: true}", pending)
    project.add("2025/deliberation-2025-2.md", pending)
    register, found = statuses(project)
    assert found["deliberation-2025-1"] == ("adoptée", "en vigueur")
    # Not executory, so not « en vigueur » itself: its status says so everywhere.
    assert found["deliberation-2025-2"] == ("adoptée", "non exécutoire")
    result = project.build()
    assert result.returncode == 0, result.stdout + result.stderr
    page = flat(html.unescape(re.sub(r"<[^>]+>", " ", project.page("actes/deliberation-2025-1"))))
    assert "Statut en vigueur" in page and "Abrogé par" not in page
    page = flat(html.unescape(re.sub(r"<[^>]+>", " ", project.page("actes/deliberation-2025-2"))))
    assert "Statut non exécutoire" in page and "Statut en vigueur" not in page
    listing = flat(html.unescape(re.sub(r"<[^>]+>", " ", project.page("registre/2025/deliberation"))))
    assert listing.count("en vigueur") == 1 and listing.count("non exécutoire") == 1
    assert '"statut":"non exécutoire"' in (project.site / "donnees" / "actes.json").read_text(encoding="utf-8") \
        .replace(": ", ":")
    project.add("2025/deliberation-2025-2.md", deliberation(2, pour=9, contre=3, objet="Abrogation des tarifs")
                .replace("publication:", "abroge: [deliberation-2025-1]\npublication:"))
    register, found = statuses(project)
    assert found["deliberation-2025-1"] == ("adoptée", "abrogé")
    result = project.build()
    assert result.returncode == 0, result.stdout + result.stderr
    page = flat(html.unescape(re.sub(r"<[^>]+>", " ", project.page("actes/deliberation-2025-1"))))
    assert "Statut abrogé" in page and "Abrogé par Délibération n°2/2025" in page
    sitemap = (project.site / "sitemap.xml").read_text(encoding="utf-8")
    entry = sitemap.split("actes/deliberation-2025-1/</loc>", 1)[1].split("</url>", 1)[0]
    assert "<lastmod>2025-04-15</lastmod>" in entry
