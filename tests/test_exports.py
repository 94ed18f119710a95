"""Feeds, calendar, JSON, SCDL CSV and JSON-LD of the built demo, and their escaping."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import feedparser
import pytest
import yaml
from frictionless import Checklist, Resource, Schema, checks
from icalendar import Calendar

from registre.build.load import load_register
from registre.domain.config import RegistreConfig, _LenientLoader, load_config
from registre.domain.lifecycle import executory_date
from registre.domain.model import Act, ActType, Annex, Portee, Signataire, Transmission, TransmissionStatus, Vote
from registre.domain.register import Register
from registre.publish.exports import export_files
from registre.site.jsonld import jsonld, script_json
from registre.site.presentation import ActView

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "site_plugins" / "registre" / "data" / \
    "scdl-deliberations.schema.json"
# Validata's inter-column checks of the SCDL délibérations schema, as frictionless row constraints.
SCDL_ROW_CHECKS = (
    "(VOTE_EFFECTIF == None) == (VOTE_REEL == None) == (VOTE_POUR == None) == (VOTE_CONTRE == None) "
    "== (VOTE_ABSTENTION == None)",
    "VOTE_REEL == None or VOTE_POUR + VOTE_CONTRE + VOTE_ABSTENTION == VOTE_REEL",
    "VOTE_REEL == None or VOTE_EFFECTIF >= VOTE_REEL",
    "PREF_DATE == None or PREF_DATE >= DELIB_DATE",
    "(BUDGET_ANNEE == None) == (BUDGET_NOM == None)",
)
NASTY = "Travaux & \"réfection\" de l'école <cour> — préau & <script>alert(1)</script>"


# -- helpers ---------------------------------------------------------------
def site_url_of(proj) -> str:
    data = yaml.load((proj.root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_LenientLoader)
    url = data["site_url"]
    return url if url.endswith("/") else url + "/"


def register_of(proj) -> Register:
    return load_register(proj.acts, load_config(proj.root / "mkdocs.yml"))


def site_file(proj, url: str, site_url: str) -> Path:
    """The built file an absolute URL of the site points to."""
    assert url.startswith(site_url), url
    rel = url[len(site_url):]
    path = proj.site / rel
    return path / "index.html" if rel.endswith("/") or not rel else path


def validate_scdl(data: bytes):
    schema = Schema.from_descriptor(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    resource = Resource(data=data, format="csv", encoding="utf-8", schema=schema)
    return resource.validate(checklist=Checklist(checks=[checks.row_constraint(formula=f)
                                                         for f in SCDL_ROW_CHECKS]))


def errors(report) -> list:
    return report.flatten(["rowNumber", "fieldName", "type", "note"])


@pytest.fixture(scope="module")
def demo_data(built_demo):
    register = register_of(built_demo)
    assert register.ok
    return built_demo, register, site_url_of(built_demo)


# -- feeds -----------------------------------------------------------------
@pytest.mark.parametrize("name,act_type", [("actes", None), ("deliberation", ActType.DELIBERATION),
                                           ("arrete", ActType.ARRETE), ("decision", ActType.DECISION)])
@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_feeds_parse_with_the_acts_online_and_absolute_links(demo_data, name, act_type, fmt):
    proj, register, site_url = demo_data
    raw = (proj.site / "flux" / f"{name}.{fmt}").read_bytes()
    ET.fromstring(raw)  # well-formed XML
    feed = feedparser.parse(raw)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == ("atom10" if fmt == "atom" else "rss20")
    expected = sorted((a for a in register.online if act_type is None or a.type is act_type),
                      key=lambda a: (a.publication, a.date, a.type.value, a.numero), reverse=True)
    assert expected, "the demo has acts of every type online"
    assert [e.link for e in feed.entries] == [f"{site_url}actes/{a.identifier}/" for a in expected]
    for entry, act in zip(feed.entries, expected):
        view = ActView(act, register)
        assert entry.title == f"{view.title} : {view.objet}"
        assert date(*entry.published_parsed[:3]) == act.publication
        assert site_file(proj, entry.link, site_url).is_file()
        assert view.status in entry.summary
    self_links = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_links == [f"{site_url}flux/{name}.{fmt}"]


def test_every_page_announces_the_feed(demo_data):
    proj, _register, _site_url = demo_data
    for page in ("index.html", "registre/index.html", "actes/decision-2025-11/index.html"):
        html = (proj.site / page).read_text(encoding="utf-8")
        hrefs = re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"', html)
        assert len(hrefs) == 1, page
        assert ((proj.site / page).parent / hrefs[0]).resolve().is_file()


# -- calendar --------------------------------------------------------------
def test_seances_calendar_has_one_event_per_seance(demo_data):
    proj, register, site_url = demo_data
    cal = Calendar.from_ical((proj.site / "flux" / "seances.ics").read_bytes())
    events = cal.walk("VEVENT")
    seances = sorted({a.date for a in register.online if a.type is ActType.DELIBERATION})
    assert len(seances) >= 2
    assert [e.decoded("dtstart") for e in events] == seances
    assert len({str(e["uid"]) for e in events}) == len(events)
    for event, day in zip(events, seances):
        assert str(event["url"]) == f"{site_url}seances/{day.isoformat()}/"
        assert site_file(proj, str(event["url"]), site_url).is_file()
        description = str(event["description"])
        for act in register.online:
            if act.type is ActType.DELIBERATION and act.date == day:
                assert ActView(act, register).objet in description


# -- JSON ------------------------------------------------------------------
def test_json_export_lists_the_acts_online(demo_data):
    proj, register, site_url = demo_data
    data = json.loads((proj.site / "donnees" / "actes.json").read_text(encoding="utf-8"))
    assert data["collectivite"]["siret"] == register.config.siret
    records = {r["identifiant"]: r for r in data["actes"]}
    assert set(records) == {a.identifier for a in register.online}
    assert data["nombre"] == len(records)
    for act in register.online:
        record = records[act.identifier]
        view = ActView(act, register)
        assert record["type"] == act.type.value
        assert record["numero"] == act.numero
        assert record["numero_affiche"] == view.number
        assert record["date"] == act.date.isoformat()
        assert record["objet"] == view.objet
        assert record["publication"] == act.publication.isoformat()
        assert record["transmission"]["statut"] == act.transmission.status.value
        assert record["transmission"]["accuse_reception"] == act.transmission.ar
        executory = executory_date(act)
        assert record["executoire_le"] == (executory.isoformat() if executory else None)
        assert record["statut"] == register.status(act)
        assert record["url"] == f"{site_url}actes/{act.identifier}/"
        assert site_file(proj, record["url"], site_url).is_file()
        assert len(record["annexes"]) == len(act.annexes)
        for annex in record["annexes"]:
            assert site_file(proj, annex["url"], site_url).exists(), annex
    assert any(r["annexes"] for r in records.values()), "the demo has an act with annexes"
    assert any(r["statut"] != "en vigueur" for r in records.values()), "the demo has a changed act"


# -- JSON-LD ---------------------------------------------------------------
def test_every_act_page_has_legislation_json_ld(demo_data):
    proj, register, site_url = demo_data
    pages = sorted((proj.site / "actes").glob("*/index.html"))
    assert {p.parent.name for p in pages} == {a.identifier for a in register.online}
    for page in pages:
        html = page.read_text(encoding="utf-8")
        scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        assert len(scripts) == 1, page
        data = json.loads(scripts[0])
        act = register.by_id[page.parent.name]
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == "Legislation"
        assert data["legislationIdentifier"] == act.identifier
        assert data["legislationDate"] == act.date.isoformat()
        assert data["datePublished"] == act.publication.isoformat()
        assert data["url"] == f"{site_url}actes/{act.identifier}/"
        assert data["description"] == ActView(act, register).objet
        assert data["legislationType"] == act.type.label
        assert data["legislationLegalForce"] in ("https://schema.org/InForce", "https://schema.org/NotInForce")
        assert data["publisher"]["identifier"]["value"] == register.config.siret


# -- SCDL ------------------------------------------------------------------
def test_scdl_csv_validates_against_the_table_schema(demo_data):
    proj, register, site_url = demo_data
    data = (proj.site / "donnees" / "deliberations.csv").read_bytes()
    report = validate_scdl(data)
    assert report.valid, errors(report)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert list(rows[0]) == [f["name"] for f in schema["fields"]]
    deliberations = [a for a in register.online if a.type is ActType.DELIBERATION]
    assert sorted(r["DELIB_ID"] for r in rows) == sorted(a.identifier for a in deliberations)
    by_id = {r["DELIB_ID"]: r for r in rows}
    first = by_id["deliberation-2025-1"]
    assert first["COLL_SIRET"] == register.config.siret
    assert first["DELIB_MATIERE_CODE"] == "7.1"
    assert first["DELIB_MATIERE_NOM"] == "finances locales/décisions budgétaires"
    assert first["PREF_ID"] == "PREF066"
    act = register.by_id["deliberation-2025-1"]
    assert first["VOTE_REEL"] == str(act.vote.votants)
    assert first["DELIB_URL"] == f"{site_url}actes/deliberation-2025-1/"


@pytest.mark.parametrize("column,bad", [
    ("COLL_SIRET", "2166022840001"),  # 13 digits
    ("DELIB_MATIERE_CODE", "7"),
    ("DELIB_MATIERE_NOM", "Finances/décisions budgétaires"),
    ("PREF_ID", "PREF66"),
    ("DELIB_DATE", "10/04/2025"),
    ("VOTE_EFFECTIF", "3"),  # fewer than the votants: row check
])
def test_scdl_validation_catches_a_bad_cell(demo_data, column, bad):
    proj, _register, _site_url = demo_data
    text = (proj.site / "donnees" / "deliberations.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    rows[0][column] = bad
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    report = validate_scdl(out.getvalue().encode("utf-8"))
    assert not report.valid
    found = errors(report)
    assert all(e[0] == 2 for e in found), found
    assert any(e[1] == column or e[2] == "row-constraint" for e in found), found


# -- Données ouvertes page ---------------------------------------------------
def test_donnees_page_links_to_every_export(demo_data):
    proj, register, site_url = demo_data
    page = proj.site / "donnees" / "index.html"
    html = page.read_text(encoding="utf-8")
    hrefs = set(re.findall(r'href="([^"]+\.(?:atom|rss|ics|json|csv))"', html))
    targets = {(page.parent / h).resolve().relative_to(proj.site.resolve()).as_posix() for h in hrefs}
    assert targets == set(export_files(register, site_url))
    assert all((proj.site / t).is_file() for t in targets)


# -- escaping and scheduled acts, on a register built by hand ----------------
def _act(numero: int, objet: str, publication: date, act_type=ActType.DELIBERATION, **extra) -> Act:
    return Act(
        source=f"2025/{act_type.value}-2025-{numero}.md", type=act_type, numero=numero, date=date(2025, 3, 6),
        objet=objet, signataire=Signataire("Jeanne", "D'ARC & <FILS>", "Maire"),
        transmission=Transmission(TransmissionStatus.TRANSMIS, date(2025, 3, 7),
                                  f"066-216602284-20250306-DEL2025_{numero}-DE"),
        body="Texte.", body_line=10, matiere="8.1", publication=publication,
        vote=Vote(10, 12, 9, 2, 1) if act_type is ActType.DELIBERATION else None, **extra)


@pytest.fixture
def nasty_register(tmp_path) -> Register:
    config = RegistreConfig(commune="Saint-Jean <d'Ô> & \"Cie\"", siret="21660228400012", departement="66")
    acts = [
        _act(1, NASTY, date(2025, 3, 8)),
        _act(2, "Arrêté « A & B »", date(2025, 3, 9), ActType.ARRETE),
        _act(3, "Séance future — programmée", date(2025, 12, 1)),  # scheduled: today is 2025-06-01
        _act(4, "Permis de stationnement accordé à Jean DUPONT", date(2025, 3, 9), ActType.ARRETE,
             portee=Portee.INDIVIDUEL, notification=date(2025, 3, 8), masquer=("Jean DUPONT",),
             annexes=(Annex("2025/plan.pdf", "Plan de Jean DUPONT"),)),
    ]
    return Register(config=config, acts_root=tmp_path, today=date(2025, 6, 1), acts=acts)


def test_exports_escape_every_text_field(nasty_register):
    site_url = "https://registre.test/"
    files = export_files(nasty_register, site_url)
    for name in ("actes", "deliberation"):
        for fmt in ("atom", "rss"):
            raw = files[f"flux/{name}.{fmt}"]
            ET.fromstring(raw)
            feed = feedparser.parse(raw)
            assert not feed.bozo
            titles = [e.title for e in feed.entries]
            assert f"Délibération n°1/2025 : {NASTY}" in titles, titles
            assert "Saint-Jean <d'Ô> & \"Cie\"" in feed.feed.title
    ET.fromstring(files["flux/arrete.atom"])
    cal = Calendar.from_ical(files["flux/seances.ics"])
    [event] = cal.walk("VEVENT")
    assert NASTY in str(event["description"])
    data = json.loads(files["donnees/actes.json"])
    assert [r["objet"] for r in data["actes"] if r["numero"] == 1] == [NASTY]
    assert data["actes"][0]["signataire"]["nom"] == "D'ARC & <FILS>"
    [row] = list(csv.DictReader(io.StringIO(files["donnees/deliberations.csv"].decode("utf-8"))))
    assert row["DELIB_OBJET"] == NASTY
    assert row["COLL_NOM"] == "Saint-Jean <d'Ô> & \"Cie\""
    assert validate_scdl(files["donnees/deliberations.csv"]).valid


def test_json_ld_script_cannot_be_closed_by_a_field(nasty_register):
    view = ActView(nasty_register.acts[0], nasty_register)
    text = str(script_json(jsonld(view, "https://registre.test/")))
    assert "<" not in text and ">" not in text and "&" not in text
    data = json.loads(text)
    assert data["description"] == NASTY
    assert data["author"]["name"] == "Jeanne D'ARC & <FILS>"


def test_scheduled_acts_are_in_no_export(nasty_register):
    files = export_files(nasty_register, "https://registre.test/")
    for rel, content in files.items():
        text = content.decode("utf-8")
        assert "deliberation-2025-3" not in text, rel
        assert "programmée" not in text, rel
    assert "deliberation-2025-1" in files["flux/actes.atom"].decode("utf-8")


def test_masked_personal_data_stays_out_of_exports(nasty_register):
    files = export_files(nasty_register, "https://registre.test/")
    data = json.loads(files["donnees/actes.json"])
    [record] = [r for r in data["actes"] if r["identifiant"] == "arrete-2025-4"]
    assert record["objet"] == "Permis de stationnement accordé à [donnée masquée]"
    assert record["annexes"] == [{"titre": "Plan de [donnée masquée]",
                                  "url": "https://registre.test/actes/arrete-2025-4/annexes/plan.pdf"}]
    for rel, content in files.items():
        assert "DUPONT" not in content.decode("utf-8"), rel
    view = ActView(nasty_register.by_id["arrete-2025-4"], nasty_register)
    assert "DUPONT" not in str(script_json(jsonld(view, "https://registre.test/")))


SCHEDULED = """\
---
type: deliberation
numero: 1
date: 2025-12-10
objet: Budget supplémentaire à publier plus tard
signataire: {prenom: Patrick, nom: PASCAL, qualite: Maire}
matiere: "7.1"
vote: {presents: 10, votants: 10, pour: 10, contre: 0, abstentions: 0}
donne_acte: [decision-2025-11]
publication: {date: 2026-01-05}
transmission: {date: 2025-12-11, ar: "066-216602284-20251210-DEL2025_1-DE"}
---

Le conseil municipal adopte le budget supplémentaire.
"""


def test_built_site_exports_nothing_scheduled(project):
    from conftest import VALID_DECISION

    project.add("2025/decision-2025-11.md", VALID_DECISION)
    project.add("2025/deliberation-2025-1.md", SCHEDULED)
    result = project.build("--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (project.site / "actes" / "deliberation-2025-1").exists()
    produced = [p for d in ("flux", "donnees") for p in (project.site / d).iterdir() if p.suffix != ".html"]
    assert len(produced) == 11
    for path in produced:
        text = path.read_text(encoding="utf-8")
        assert "deliberation-2025-1" not in text and "Budget supplémentaire" not in text, path
    assert "decision-2025-11" in (project.site / "flux" / "decision.atom").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO((project.site / "donnees" / "deliberations.csv")
                                           .read_text(encoding="utf-8"))))
    assert rows == []


def test_missing_site_url_is_reported(project):
    from conftest import MKDOCS_YML, VALID_DECISION

    project.write_config(MKDOCS_YML.format(today="2025-12-15").replace("site_url: https://registre.test/\n", ""))
    project.add("2025/decision-2025-11.md", VALID_DECISION)
    result = project.build()
    assert result.returncode == 0, result.stderr
    assert "site_url" in result.stderr and "Correction" in result.stderr
    assert project.build("--strict").returncode != 0


# -- matière nomenclature ------------------------------------------------------
def test_check_warns_on_unknown_or_too_coarse_matiere(project):
    from conftest import VALID_DECISION

    project.add("2025/decision-2025-11.md", VALID_DECISION.replace('matiere: "8.1"', 'matiere: "8.12"'))
    project.add("2025/deliberation-2025-1.md", SCHEDULED.replace('matiere: "7.1"', 'matiere: "7"')
                .replace("publication: {date: 2026-01-05}", "publication: {date: 2025-12-12}"))
    result = project.registre("check")
    out = result.stdout + result.stderr
    assert re.search(r"decision-2025-11\.md:\d+: avertissement: la matière « 8\.12 » n'existe pas", out), out
    assert re.search(r"deliberation-2025-1\.md:\d+: avertissement: la matière « 7 » ne donne que le niveau 1", out), out
    assert "Correction" in out


def test_json_records_are_kept_under_their_act_page_key(nasty_register, tmp_path):
    """actes.json lines are reused while an act's page key is unchanged, and encoded again
    when it changes (the key covers every field of a record)."""
    from registre.publish.actes_json import RecordLines, _line_digest, actes_json

    keys = {act.identifier: f"clé-{act.identifier}" for act in nasty_register.online}
    store = tmp_path / "lignes.json"
    fresh = actes_json(nasty_register, "https://registre.test/")
    assert actes_json(nasty_register, "https://registre.test/", RecordLines(store, keys)) == fresh
    kept = json.loads(store.read_text(encoding="utf-8"))
    assert sorted(kept) == sorted(keys.values())
    first = nasty_register.online[0].identifier
    line = json.dumps({"identifiant": "repris-du-cache"})
    kept[keys[first]] = [kept[keys[first]][0], line]  # edited in the cache: its recorded hash no longer fits
    store.write_text(json.dumps(kept), encoding="utf-8")
    assert actes_json(nasty_register, "https://registre.test/", RecordLines(store, keys)) == fresh  # encoded again
    kept = json.loads(store.read_text(encoding="utf-8"))
    kept[keys[first]] = [_line_digest(keys[first], line), line]  # as a build that encoded it would keep it
    store.write_text(json.dumps(kept), encoding="utf-8")
    reused = json.loads(actes_json(nasty_register, "https://registre.test/", RecordLines(store, keys)))
    assert reused["actes"][0] == {"identifiant": "repris-du-cache"}  # same key: the kept line
    keys[first] = "clé-nouvelle"
    assert actes_json(nasty_register, "https://registre.test/", RecordLines(store, keys)) == fresh
    assert sorted(json.loads(store.read_text(encoding="utf-8"))) == sorted(keys.values())  # old key dropped
    store.write_text("{pas du json", encoding="utf-8")
    assert actes_json(nasty_register, "https://registre.test/", RecordLines(store, keys)) == fresh


@pytest.mark.parametrize("objet", ["=HYPERLINK(\"https://exemple.test\";\"Cliquez\")", "+33 1 23 45 67 89",
                                   "-50 % sur les tarifs de la cantine", "@SUM(A1:A9)", "\tTabulation",
                                   "\rRetour", " =1+1"])
def test_scdl_csv_cells_never_run_as_formulas(nasty_register, objet):
    """OWASP CSV injection: a text cell starting with = + - @ tab or CR gets a leading « ' »;
    numbers, dates, codes and addresses are left as they are and the file stays valid SCDL."""
    nasty_register.acts[0] = _act(1, objet, date(2025, 3, 8))
    nasty_register.config = RegistreConfig(commune="=cmd|' /C calc'!A0", siret="21660228400012", departement="66")
    data = export_files(nasty_register, "https://registre.test/")["donnees/deliberations.csv"]
    [row] = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    assert row["DELIB_OBJET"] == "'" + objet
    assert row["COLL_NOM"] == "'=cmd|' /C calc'!A0"
    assert (row["DELIB_DATE"], row["PREF_DATE"], row["DELIB_ID"]) == ("2025-03-06", "2025-03-07", "deliberation-2025-1")
    assert (row["VOTE_EFFECTIF"], row["VOTE_REEL"], row["VOTE_POUR"], row["VOTE_CONTRE"], row["VOTE_ABSTENTION"]) \
        == ("12", "12", "9", "2", "1")
    assert row["DELIB_URL"] == "https://registre.test/actes/deliberation-2025-1/"
    assert not [cell for cell in row.values() if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert validate_scdl(data).valid, errors(validate_scdl(data))


def test_scdl_csv_plain_text_is_left_alone(nasty_register):
    data = export_files(nasty_register, "https://registre.test/")["donnees/deliberations.csv"]
    [row] = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    assert row["DELIB_OBJET"] == NASTY and row["DELIB_MATIERE_NOM"] == "domaines de compétences par thèmes/enseignement"
