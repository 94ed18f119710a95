"""Search (Pagefind), browse by matière, header search box, personal data (issue 5).

These tests read the files the real build writes, Pagefind's index included
(its fragments are gzip'd JSON); the browser side is in test_browser.py.
"""

from __future__ import annotations

import gzip
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
from conftest import DEMO_TODAY, ROOT, VALID_DECISION
from test_rules import ARRETE_INDIVIDUEL, delib

from registre.build.load import load_register
from registre.domain.config import load_config
from registre.domain.nomenclature import lookup

ACT_TYPES = {"deliberation": "Délibération", "arrete": "Arrêté", "decision": "Décision du maire"}


def fragments(site: Path) -> dict[str, dict]:
    """Pagefind's record of every indexed page, by URL."""
    records = {}
    for path in (site / "pagefind").glob("*/fragment/*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd"), path
        record = json.loads(data[len(b"pagefind_dcd"):])
        records[record["url"]] = record
    return records


def act_pages(site: Path) -> list[Path]:
    return sorted(p for p in (site / "actes").glob("*/index.html"))


class Attrs(HTMLParser):
    """Attributes of every start tag, in order."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict]]:
    parser = Attrs()
    parser.feed(html)
    return parser.tags


def demo_register():
    config = load_config(ROOT / "mkdocs.yml")
    from datetime import date
    return load_register(ROOT / "acts", config, today=date.fromisoformat(DEMO_TODAY))


# -- the index ---------------------------------------------------------------

def test_only_act_pages_are_indexed(built_demo):
    site = built_demo.site
    records = fragments(site)
    expected = {f"/actes/{p.parent.name}/" for p in act_pages(site)}
    assert expected and set(records) == expected
    entries = [json.loads(path.read_text(encoding="utf-8")) for path in (site / "pagefind").glob("*/pagefind-entry.json")]
    assert entries and all(set(entry["languages"]) == {"fr"} for entry in entries)  # stemming from <html lang="fr">
    assert sum(entry["languages"]["fr"]["page_count"] for entry in entries) == len(expected)
    # Pages that are not acts carry no data-pagefind-body: home, lists, séances, search, annexes.
    for uri in ("index.html", "registre/index.html", "seances/index.html", "recherche/index.html",
                "donne-acte/index.html", "registre/matieres/index.html"):
        assert "data-pagefind-body" not in (site / uri).read_text(encoding="utf-8"), uri


def test_each_act_has_filters_sort_and_result_metadata(built_demo):
    site = built_demo.site
    records = fragments(site)
    register = demo_register()
    online = {a.identifier: a for a in register.online}
    assert set(online) == {url.split("/")[2] for url in records}
    for url, record in records.items():
        act = online[url.split("/")[2]]
        filters, meta = record["filters"], record["meta"]
        assert filters["année"] == [str(act.year)]
        assert filters["type"] == [ACT_TYPES[act.type.value]]
        assert filters["statut"] == [register.status(act).capitalize()]
        matiere = lookup(act.matiere)
        assert filters.get("matière") == ([matiere.parent or matiere.libelle] if matiere else None)
        assert meta["type"] == ACT_TYPES[act.type.value]
        assert meta["numero"] == f"{act.numero}/{act.year}"
        assert meta["objet"] == act.objet  # no masquer in these acts
        assert meta["statut"] == filters["statut"][0]
        assert meta["title"].startswith(f"{meta['type']} n°{meta['numero']} du ")
        assert re.fullmatch(r"\d{1,2}(er)? \w+ \d{4}", meta["date"]), meta["date"]
        # The status block and the header are not indexed text: the excerpt starts with the act itself.
        assert "En bref" not in record["content"]
        page = (site / url.strip("/") / "index.html").read_text(encoding="utf-8")
        data = [a for t, a in tags(page) if "data-pagefind-sort" in a]
        assert len(data) == 1 and data[0]["data-pagefind-sort"] == "date[data-date-iso]"
        assert data[0]["data-date-iso"] == act.date.isoformat()
    statuses = {r["filters"]["statut"][0] for r in records.values()}
    assert "En vigueur" in statuses and len(statuses) > 1, statuses  # the demo has a modified act


def test_no_lunr_search_and_a_search_form_on_every_page(built_demo):
    site = built_demo.site
    assert not (site / "search").exists()  # Material's lunr index is gone: one search box
    pages = [p for p in site.rglob("index.html") if "pagefind" not in p.parts]
    assert len(pages) > 20
    for page in pages:
        html = page.read_text(encoding="utf-8")
        here = "/" + page.parent.relative_to(site).as_posix() + "/"
        assert 'data-md-component="search"' not in html, page
        found = tags(html)
        forms = [a for t, a in found if t == "form" and a.get("role") == "search"]
        assert len(forms) == 1, page
        assert urljoin(here, forms[0]["action"]) == "/recherche/" and forms[0]["method"] == "get"
        inputs = [a for t, a in found if t == "input" and a.get("name") == "q"]
        assert len(inputs) == 1 and inputs[0]["type"] == "search"
        labels = [a for t, a in found if t == "label" and a.get("for") == inputs[0]["id"]]
        assert labels, f"{page}: the header search box has no label"
        links = {urljoin(here, a["href"]) for t, a in found if t == "a" and "href" in a}
        assert "/recherche/" in links, page  # the link shown instead of the form on a phone
        # Every page links to the accessibility declaration, with its state.
        assert "/accessibilite/" in links and "Accessibilité : non conforme</a>" in html, page


def test_search_page(built_demo):
    site = built_demo.site
    html = (site / "recherche" / "index.html").read_text(encoding="utf-8")
    for element in ("pagefind-config", "pagefind-input", "pagefind-summary", "pagefind-filter-pane",
                    "pagefind-results"):
        assert f"<{element}" in html, element
    for field in ("meta.type", "meta.numero", "meta.date", "meta.objet", "meta.statut"):
        assert field in html, field  # the result template shows them
    scripts = [a["src"] for t, a in tags(html) if t == "script" and "src" in a]
    for name in ("pagefind/pagefind-component-ui.js", "assets/registre/recherche.js"):
        src = next(s for s in scripts if s.endswith(name))
        assert (site / "recherche" / src).resolve().is_file(), src
    assert "<noscript>" in html and "registre/matieres/" in html


def test_listing_every_act_without_a_query_is_for_small_registers(built_demo, monkeypatch):
    from registre.publish import search
    html = (built_demo.site / "recherche" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<pagefind-config faceted ", html)  # 12 acts: listed without a query
    register = demo_register()
    assert next(search.search_pages(register)).data["search_faceted"] is True
    monkeypatch.setattr(search, "FACETED_MAX_ACTS", len(register.online) - 1)
    assert next(search.search_pages(register)).data["search_faceted"] is False


# -- browse by matière -------------------------------------------------------

def test_browse_by_matiere(built_demo):
    site = built_demo.site
    register = demo_register()
    groups: dict[str, list] = {}
    for act in register.online:
        matiere = lookup(act.matiere)
        groups.setdefault(matiere.code if matiere else "autres", []).append(act)
    index = (site / "registre" / "matieres" / "index.html").read_text(encoding="utf-8")
    for code, acts in groups.items():
        page = (site / "registre" / "matieres" / code / "index.html").read_text(encoding="utf-8")
        links = set(re.findall(r'href="[./]*actes/([a-z]+-\d{4}-\d+)/"', page))
        assert links == {a.identifier for a in acts}, code
        count = len(acts)
        assert re.search(rf'href="{re.escape(code)}/">[^<]+</a> : {count} actes?<', index), code
    assert 'href="matieres/"' in (site / "registre" / "index.html").read_text(encoding="utf-8")


def test_matiere_pages_are_paginated(monkeypatch):
    from registre.site import matieres
    register = demo_register()
    biggest = max(matieres.group_by_matiere(register.online).items(), key=lambda kv: len(kv[1][1]))
    code, (_, acts) = biggest
    assert len(acts) >= 3, "the demo should have a matière with 3 acts or more"
    monkeypatch.setattr(matieres, "PER_PAGE", 1)
    pages = {p.src_uri: p for p in matieres.matiere_pages(register)}
    uris = [f"registre/matieres/{code}/index.md"] + [f"registre/matieres/{code}/page-{i}/index.md"
                                                      for i in range(2, len(acts) + 1)]
    assert all(u in pages for u in uris)
    shown = [v.identifier for u in uris for v in pages[u].data["acts"]]
    assert shown == [a.identifier for a in acts]  # newest first, each once
    first = pages[uris[0]].data["pagination"]
    assert first["next"] == f"registre/matieres/{code}/page-2/" and first["previous"] is None


def test_pages_of_a_list_are_anchored_on_the_oldest_act():
    """Every page but the first holds ``per_page`` acts counted from the oldest: a new act changes
    the first page only (the build renders one page of the list again, not all of them)."""
    from registre.site.pages import paginate

    def pages(count):  # acts newest first: n, n-1, … 1
        return [(index, uri, chunk, nav) for index, uri, chunk, nav in paginate(list(range(count, 0, -1)),
                                                                                "registre/liste/", 100)]
    assert [len(chunk) for _, _, chunk, _ in pages(99)] == [99]
    assert [len(chunk) for _, _, chunk, _ in pages(100)] == [100]
    assert [len(chunk) for _, _, chunk, _ in pages(250)] == [150, 100]
    assert [len(chunk) for _, _, chunk, _ in pages(399)] == [199, 100, 100]
    assert [len(chunk) for _, _, chunk, _ in pages(400)] == [100, 100, 100, 100]
    assert list(paginate([], "registre/liste/", 100)) == []
    before, after = pages(350), pages(351)
    assert after[0][2] == [351] + before[0][2]  # the new act joins the first page
    assert after[1:] == before[1:]  # the other pages, their addresses and navigation: unchanged
    assert [uri for _, uri, _, _ in before] == ["registre/liste/", "registre/liste/page-2/", "registre/liste/page-3/"]


# -- indexing errors ----------------------------------------------------------

def test_missing_pagefind_is_a_clear_error(monkeypatch, tmp_path):
    import pagefind_bin

    from registre.publish import search

    def missing():
        raise FileNotFoundError("pagefind_bin/pagefind")
    monkeypatch.setattr(pagefind_bin, "get_executable", missing)
    with pytest.raises(search.SearchIndexError, match=r"Pagefind est introuvable.*pip install 'pagefind\[bin\]'"):
        search._run_pagefind(tmp_path, tmp_path / "index")


def test_failing_pagefind_is_reported_with_its_message(tmp_path):
    from registre.publish import search
    with pytest.raises(search.SearchIndexError, match=r"(?s)recherche : Pagefind a échoué sur .*absent.*not able to build an index.*Correction"):
        search._run_pagefind(tmp_path / "absent", tmp_path / "index")


# -- personal data ------------------------------------------------------------

PERSONAL = ARRETE_INDIVIDUEL.replace(
    "Le maire autorise l'entreprise Bâti-Sud à installer un échafaudage.\n",
    "Le maire autorise l'entreprise Bâti-Sud à installer un échafaudage.\n\n"
    "Demande de M. Jean Martin, né le 12 mars 1980 à Perpignan.\n"
    "Contact du demandeur : jean.martin@example.com, tél. 06 12 34 56 78.\n"
    "Renseignements : mairie@villeneuve.example.fr ou accueil de la mairie, 04 68 00 00 00.\n")


def diagnostics(result) -> list[str]:
    return [line for line in result.stdout.splitlines() if "personal." in line or "personnelle" in line]


def test_checker_warns_on_personal_data_naming_file_and_line(project):
    path = project.add("2025/arrete-2025-1.md", PERSONAL)
    lines = path.read_text(encoding="utf-8").splitlines()
    where = {key: lines.index(next(line for line in lines if key in line)) + 1
             for key in ("né le", "jean.martin@", "mairie@")}
    result = project.registre("check", "--format", "json")
    found = [d for d in json.loads(result.stdout) if d["code"].startswith("personal.")]
    assert {(d["code"], d["line"]) for d in found} == {
        ("personal.birthdate", where["né le"]), ("personal.email", where["jean.martin@"]),
        ("personal.phone", where["jean.martin@"])}, found
    assert all(d["path"].endswith("acts/2025/arrete-2025-1.md") and d["severity"] == "avertissement"
               and "masquer" in d["fix"] for d in found)
    assert result.returncode == 0  # warnings: the clerk decides
    text = project.registre("check").stdout
    assert re.search(r"arrete-2025-1\.md:\d+: avertissement: « jean\.martin@example\.com » ressemble à "
                     r"l'adresse électronique d'une personne", text), text


def test_masquer_silences_the_warning_and_hides_the_data(project):
    masked_act = PERSONAL.replace("portee: individuel\n", "portee: individuel\nmasquer:\n  - Jean Martin\n"
                                  "  - né le 12 mars 1980\n  - jean.martin@example.com\n  - 06 12 34 56 78\n")
    project.add("2025/arrete-2025-1.md", masked_act)
    result = project.registre("check", "--format", "json")
    assert not [d for d in json.loads(result.stdout) if d["code"].startswith("personal.")]
    built = project.build()
    assert built.returncode == 0, built.stdout + built.stderr
    page = project.page("actes/arrete-2025-1")
    assert "[donnée masquée]" in page
    records = fragments(project.site)
    indexed = json.dumps(records, ensure_ascii=False)
    for secret in ("Jean Martin", "1980", "jean.martin", "06 12 34 56 78"):
        assert secret not in page, secret
        assert secret not in indexed, secret  # nor in the search index
    assert "Bâti-Sud" in indexed


def test_personal_data_in_objet_and_markdown_annex(project):
    act = VALID_DECISION.replace("objet: Convention ENT-école 2025-2026",
                                 "objet: Bail consenti à Mme Durand, née le 3/4/1950") \
        .replace("---\n\n#", "annexes:\n  - {fichier: bail.md, titre: Bail}\n---\n\n#")
    project.add("2025/decision-2025-11.md", act)
    project.add("2025/bail.md", "# Bail\n\nLocataire joignable au 04.68.12.34.56.\n")
    found = [d for d in json.loads(project.registre("check", "--format", "json").stdout)
             if d["code"].startswith("personal.")]
    assert {(Path(d["path"]).name, d["line"], d["code"]) for d in found} == {
        ("decision-2025-11.md", 5, "personal.birthdate"), ("bail.md", 3, "personal.phone")}, found


def test_generic_addresses_and_institution_numbers_are_not_reported(project):
    text = delib(1, "2025-04-10").replace(
        "fixe les tarifs.\n",
        "fixe les tarifs.\n\nRenseignements : contact@villeneuve.example.fr, secretariat.mairie@example.fr.\n"
        "Recours : tribunal administratif de Montpellier, téléphone : 04 67 54 81 00, "
        "greffe.ta-montpellier@juradm.fr.\nSIRET 21660228400012 ; acte 066-216602284-20250410-DEL01-DE.\n"
        "Le présent acte ne peut être contesté que le 12 mars 2025.\n")
    project.add("2025/deliberation-2025-1.md", text)
    diags = json.loads(project.registre("check", "--format", "json").stdout)
    assert not [d for d in diags if d["code"].startswith("personal.")], diags
