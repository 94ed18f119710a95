"""Issue 15: « PDF/A of the liste and of the PV, sealed like the acts' PDFs ».

The séances' documents (liste des délibérations, procès-verbal, signed PV) are recorded in the sealed
register ``acts/registre.lock`` by ``registre seal`` once they are online, never before; what is
sealed never changes (``registre check`` and the build refuse it), and every sealed version of a
file verifies on « Vérifier un document ».

The register is the séances register of test_seance_pages (real files, real MkDocs, real PDFs), in a
git repository as the sealed register lives in practice.  What is online on a date is worked out by
hand from the séance files:

* 15 December 2025: séance of 3 July: liste online 7 July, PV arrêté 18 September and published
  22 September, with its signed original → sealed with 3 files; séance of 18 September: liste online
  30 September, no PV → sealed with its liste only; 16 October: PV arrêté 11 December but not
  published, no liste → nothing; 11 December: nothing online → nothing.
* 22 December 2025: délibération 5 of the 3 July séance goes online (publication 20 December): the
  liste of 3 July gains a row, a new PDF → a complement line; both versions verify.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import MKDOCS_YML, Project, assert_ok, private_copy
from test_seance_pages import LISTE, ORIGINAL, PV, PV_SENTENCE, make_register

from registre.publish.verify_page import read_published_hashes

LEDGER = "acts/registre.lock"
LISTE_0918 = "seances/2025-09-18/liste-des-deliberations-2025-09-18.pdf"
PV_0918 = "seances/2025-09-18/proces-verbal-2025-09-18.pdf"
LATER = "2025-12-22"


def lines_of(project: Project) -> list[dict]:
    return [json.loads(line) for line in (project.root / LEDGER).read_text(encoding="utf-8").splitlines()]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def git(project: Project, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=test@example.org", "-c", "user.name=Test", *args], cwd=project.root,
                   check=True, capture_output=True)


def commit_all(project: Project, message: str) -> None:
    git(project, "add", "acts", "mkdocs.yml")
    git(project, "commit", "-q", "-m", message)


def set_today(project: Project, today: str) -> None:
    project.write_config(MKDOCS_YML.format(today=today) + "extra:\n  generator: false\n")


def line_of(path: Path, needle: str) -> int:
    """1-based number of the first line of ``path`` that contains ``needle``."""
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if needle in line)


@pytest.fixture(scope="module")
def sealed_template(tmp_path_factory) -> Project:
    project = make_register(tmp_path_factory.mktemp("seance-seal") / "registre")
    git(project, "init", "-q")
    seal = project.registre("seal")
    assert_ok(seal)
    commit_all(project, "registre scellé")
    assert_ok(project.build())
    return project


@pytest.fixture
def sealed(sealed_template, tmp_path) -> Project:
    return private_copy(sealed_template, tmp_path / "registre")


# -- sealing -----------------------------------------------------------------------------

def test_unsealed_seances_are_reminded_and_described_by_the_dry_run(tmp_path):
    project = make_register(tmp_path / "registre")
    check = project.registre("check", "acts")
    assert check.returncode == 0, check.stdout + check.stderr
    # No ledger yet: the register has never been sealed, nothing to say.
    assert "registre scellé" not in check.stdout
    project.registre("seal", check=True)
    # Forget the séance lines: an old ledger (acts only) is valid, and reminds the séances online.
    acts_only = [line for line in (project.root / LEDGER).read_text(encoding="utf-8").splitlines()
                 if '"evenement":"seance"' not in line]
    assert len(acts_only) == 5  # délibérations 1, 2, 3, 4 and 6 are online; 5 is scheduled
    (project.root / LEDGER).write_text("\n".join(acts_only) + "\n", encoding="utf-8")
    check = project.registre("check", "acts")
    assert check.returncode == 0, check.stdout
    seance_0703 = "acts/2025/seance-2025-07-03.md"
    liste_line = line_of(project.acts / "2025/seance-2025-07-03.md", "liste:")
    assert (f"{seance_0703}:{liste_line}: avertissement: séance seance-2025-07-03 : liste des délibérations et "
            "procès-verbal en ligne, pas encore inscrits au registre scellé.") in check.stdout, check.stdout
    assert ("séance seance-2025-09-18 : liste des délibérations en ligne, pas encore inscrite au registre "
            "scellé.") in check.stdout
    assert "séance seance-2025-10-16" not in check.stdout and "séance seance-2025-12-11" not in check.stdout
    dry = project.registre("seal", "--essai")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == [
        "à sceller : seance-2025-07-03 : scellée (liste des délibérations mise en ligne le 2025-07-07, "
        "procès-verbal publié le 2025-09-22, 3 fichiers)",
        "à sceller : seance-2025-09-18 : scellée (liste des délibérations mise en ligne le 2025-09-30, 1 fichier)",
    ]
    assert "2 lignes seraient ajoutées à acts/registre.lock" in dry.stderr
    project.registre("seal", check=True)
    lines = lines_of(project)
    assert [line["ligne"] for line in lines] == list(range(1, 8))
    assert [line.get("seance") for line in lines[5:]] == ["seance-2025-07-03", "seance-2025-09-18"]
    check = project.registre("check", "acts")
    assert check.returncode == 0 and "registre scellé" not in check.stdout, check.stdout


def test_seal_writes_the_seance_lines(sealed):
    lines = lines_of(sealed)
    raw = (sealed.root / LEDGER).read_bytes().split(b"\n")[:-1]
    previous = "0" * 64
    for number, (line, data) in enumerate(zip(raw, lines), start=1):
        assert data["ligne"] == number and data["precedent"] == previous
        previous = hashlib.sha256(line).hexdigest()
    seances = [line for line in lines if line["evenement"] == "seance"]
    # Online on 15 December: the 3 July séance (liste and PV) and the 18 September one (liste); never the
    # 16 October PV (arrêté, not published) nor the 11 December séance (nothing online).
    assert [s["seance"] for s in seances] == ["seance-2025-07-03", "seance-2025-09-18"]
    july, september = seances
    assert july["source"] == "2025/seance-2025-07-03.md" and july["date"] == "2025-07-03"
    assert july["scelle_le"] == "2025-12-15"
    assert july["liste"] == {"publication": "2025-07-07"}
    pv = july["proces_verbal"]
    assert (pv["arrete_le"], pv["publication"], pv["original"]) == ("2025-09-18", "2025-09-22",
                                                                    "2025/pv-2025-07-03-signe.pdf")
    text = (sealed.acts / "2025/seance-2025-07-03.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert pv["texte"] == hashlib.sha256(text.strip("\n").encode("utf-8")).hexdigest()
    site = sealed.site
    assert sorted((f["role"], f["publie"], f["sha256"]) for f in july["fichiers"]) == sorted([
        ("liste", LISTE, sha(site / LISTE)), ("pv", PV, sha(site / PV)), ("pv_original", ORIGINAL, sha(site / ORIGINAL)),
    ])
    assert next(f for f in july["fichiers"] if f["role"] == "pv_original")["chemin"] == "2025/pv-2025-07-03-signe.pdf"
    assert sha(site / ORIGINAL) == sha(sealed.acts / "2025/pv-2025-07-03-signe.pdf")
    assert set(july["champs"]) == {"type", "date", "heure", "lieu", "convocation", "membres_en_exercice",
                                   "president", "secretaires", "presents", "pouvoirs", "absents"}
    assert "proces_verbal" not in september and september["liste"] == {"publication": "2025-09-30"}
    assert [(f["role"], f["publie"]) for f in september["fichiers"]] == [("liste", LISTE_0918)]

    check = sealed.registre("check", "acts")
    assert check.returncode == 0 and "registre scellé" not in check.stdout, check.stdout
    again = sealed.registre("seal")
    assert again.returncode == 0
    assert again.stdout.strip() == ("Rien à sceller : les 5 actes publiés et les 2 séances en ligne sont déjà "
                                    "inscrits dans acts/registre.lock.")


def test_verify_index_says_the_seance_files_are_sealed(sealed_template):
    table = read_published_hashes(sealed_template.site)
    for rel in (LISTE, PV, ORIGINAL, LISTE_0918):
        items = table[sha(sealed_template.site / rel)]
        assert [(i["fichier"], i["scelle_le"], i["actuel"]) for i in items if i["fichier"] == rel] == \
            [(rel, "2025-12-15", True)], rel


def test_registre_verify_is_green_on_a_sealed_register_with_seances(sealed_template):
    result = sealed_template.registre("verify", "site")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 erreur, 0 avertissement" in result.stdout
    # A sealed séance file replaced on the server is caught.
    target = sealed_template.root / "tampered"
    shutil.copytree(sealed_template.site, target)
    (target / ORIGINAL).write_bytes(b"%PDF-1.4 faux\n")
    tampered = sealed_template.registre("verify", "tampered")
    shutil.rmtree(target)
    assert tampered.returncode == 1
    assert (f"tampered/{ORIGINAL}:1: erreur: séance seance-2025-07-03 : le fichier publié ne correspond pas au "
            "fichier scellé (pv_original)") in tampered.stdout, tampered.stdout


# -- what sealed séance documents may not become ---------------------------------------------

def test_pv_text_rewritten_after_sealing_is_an_error(sealed):
    path = sealed.acts / "2025/seance-2025-07-03.md"
    path.write_text(path.read_text(encoding="utf-8").replace(PV_SENTENCE, PV_SENTENCE.replace("atteint", "réuni")),
                    encoding="utf-8")
    git(sealed, "commit", "-q", "-am", "PV corrigé")  # committed or not, the seal says it changed
    closing = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if line == "---"][1]
    body_first = closing + 1  # the text starts on the line after the front matter
    check = sealed.registre("check", "acts")
    assert check.returncode == 1
    ledger_line = next(l["ligne"] for l in lines_of(sealed) if l.get("seance") == "seance-2025-07-03")
    assert (f"acts/2025/seance-2025-07-03.md:{body_first}: erreur: la séance scellée seance-2025-07-03 a été "
            f"modifiée après la publication de ses documents (scellée le 15 décembre 2025, registre.lock ligne "
            f"{ledger_line}) : texte du procès-verbal modifié après sa publication. Correction : un document de "
            "séance publié ne se modifie pas") in check.stdout, check.stdout
    build = sealed.build()
    assert build.returncode != 0 and "texte du procès-verbal modifié" in build.stdout + build.stderr
    assert sealed.registre("seal").returncode == 1


@pytest.mark.parametrize("case", ["original", "liste", "presents", "deleted", "pv_date"])
def test_sealed_seance_tampering_is_an_error(sealed, case):
    path = sealed.acts / "2025/seance-2025-07-03.md"
    text = path.read_text(encoding="utf-8")
    ledger_line = next(l["ligne"] for l in lines_of(sealed) if l.get("seance") == "seance-2025-07-03")
    if case == "original":
        (sealed.acts / "2025/pv-2025-07-03-signe.pdf").write_bytes(b"%PDF-1.4 autre\n")
        expected = (f"acts/2025/seance-2025-07-03.md:{line_of(path, 'original:')}: erreur: séance scellée "
                    "seance-2025-07-03 : procès-verbal signé « 2025/pv-2025-07-03-signe.pdf » : fichier remplacé "
                    f"après publication (scellé le 15 décembre 2025, registre.lock ligne {ledger_line})")
    elif case == "liste":
        path.write_text(text.replace("publication: {date: 2025-07-07}", "publication: {date: 2025-07-08}"),
                        encoding="utf-8")
        expected = (f"acts/2025/seance-2025-07-03.md:{line_of(path, '2025-07-08')}: erreur: la séance scellée "
                    "seance-2025-07-03 a été modifiée après la publication de ses documents (scellée le "
                    f"15 décembre 2025, registre.lock ligne {ledger_line}) : date de mise en ligne de la liste des "
                    "délibérations changée (scellée : 7 juillet 2025 ; maintenant : 8 juillet 2025).")
    elif case == "presents":
        path.write_text(text.replace("Noé BERTRAND", "Noé BERTRAN"), encoding="utf-8")
        expected = (f"acts/2025/seance-2025-07-03.md:{line_of(path, 'presents:')}: erreur: la séance scellée "
                    "seance-2025-07-03 a été modifiée après la publication de ses documents")
    elif case == "pv_date":
        path.write_text(text.replace("publication: {date: 2025-09-22}", "publication: {date: 2025-09-23}"),
                        encoding="utf-8")
        expected = ("date de publication du procès-verbal changée (scellée : 22 septembre 2025 ; maintenant : "
                    "23 septembre 2025)")
    else:
        path.unlink()
        expected = (f"acts/registre.lock:{ledger_line}: erreur: la séance scellée seance-2025-07-03 (fichier "
                    "acts/2025/seance-2025-07-03.md, scellée le 15 décembre 2025, registre.lock ligne "
                    f"{ledger_line}) a disparu du registre")
    check = sealed.registre("check", "acts")
    assert check.returncode == 1, check.stdout
    assert expected in check.stdout, check.stdout
    assert "Traceback" not in check.stdout + check.stderr


# -- later versions and later parts ------------------------------------------------------------

def test_new_liste_version_and_later_pv_are_complements_and_every_version_verifies(sealed):
    first = lines_of(sealed)
    old_liste = sha(sealed.site / LISTE)
    # The 18 September PV is arrêté on 16 October and published on 18 December, after the liste was sealed.
    path = sealed.acts / "2025/seance-2025-09-18.md"
    text = path.read_text(encoding="utf-8")
    end = text.index("\n---", 3) + 1
    text = (text[:end] + "proces_verbal:\n  arrete_le: 2025-10-16\n  publication: {date: 2025-12-18}\n"
            + text[end:] + "\nProcès-verbal de la séance du 18 septembre.\n")
    path.write_text(text, encoding="utf-8")
    check = sealed.registre("check", "acts")
    assert check.returncode == 0, check.stdout  # adding the PV to a sealed séance is allowed
    set_today(sealed, LATER)
    check = sealed.registre("check", "acts")
    assert check.returncode == 0, check.stdout
    assert ("séance seance-2025-09-18 : procès-verbal en ligne, pas encore inscrit au registre scellé."
            in check.stdout), check.stdout
    dry = sealed.registre("seal", "--essai")
    assert "à sceller : seance-2025-09-18 : complément scellé (procès-verbal publié le 2025-12-18, 1 fichier)" \
        in dry.stdout, dry.stdout
    assert re.search(r"à sceller : seance-2025-07-03 : complément scellé \(nouvelle version du fichier "
                     + re.escape(LISTE), dry.stdout), dry.stdout
    sealed.registre("seal", check=True)
    lines = lines_of(sealed)
    assert lines[:len(first)] == first  # append-only
    added = lines[len(first):]
    assert [l["acte"] for l in added if l["evenement"] == "scellement"] == ["deliberation-2025-5"]
    july = next(l for l in added if l.get("seance") == "seance-2025-07-03")
    assert july["evenement"] == "complement" and july["scelle_le"] == LATER
    assert "liste" not in july and "proces_verbal" not in july  # the parts were sealed already
    new_liste = next(f for f in july["fichiers"] if f["role"] == "liste")
    assert new_liste["publie"] == LISTE and new_liste["sha256"] != old_liste
    september = next(l for l in added if l.get("seance") == "seance-2025-09-18")
    assert september["evenement"] == "complement"
    assert september["proces_verbal"]["publication"] == "2025-12-18"
    assert [f["role"] for f in september["fichiers"]] == ["pv"]

    git(sealed, "add", "acts", "mkdocs.yml")
    git(sealed, "commit", "-q", "-m", "séances du 22 décembre")
    check = sealed.registre("check", "acts")
    assert check.returncode == 0 and "registre scellé" not in check.stdout, check.stdout
    assert_ok(sealed.build())
    assert sha(sealed.site / LISTE) == new_liste["sha256"]
    table = read_published_hashes(sealed.site)
    assert [(i["scelle_le"], i["actuel"]) for i in table[old_liste] if i["fichier"] == LISTE] == \
        [("2025-12-15", False)]
    assert [(i["scelle_le"], i["actuel"]) for i in table[new_liste["sha256"]] if i["fichier"] == LISTE] == \
        [(LATER, True)]
    assert [(i["scelle_le"], i["actuel"]) for i in table[sha(sealed.site / PV_0918)] if i["fichier"] == PV_0918] \
        == [(LATER, True)]
    # Once sealed, the 18 September PV's text is fixed too.
    path.write_text(text.replace("18 septembre.", "18 septembre 2025."), encoding="utf-8")
    check = sealed.registre("check", "acts")
    assert check.returncode == 1 and "texte du procès-verbal modifié après sa publication" in check.stdout
    assert f"registre.lock ligne {september['ligne']}) : texte du procès-verbal" in check.stdout, check.stdout


def test_nothing_is_sealed_before_its_publication_date(sealed):
    """The 16 October PV is arrêté on 11 December; published on 19 December, it is sealed on that day only."""
    path = sealed.acts / "2025/seance-2025-10-16.md"
    path.write_text(path.read_text(encoding="utf-8").replace("  arrete_le: 2025-12-11\n",
                                                             "  arrete_le: 2025-12-11\n  publication: {date: 2025-12-19}\n"),
                    encoding="utf-8")
    before = (sealed.root / LEDGER).read_bytes()
    result = sealed.registre("seal")
    assert result.returncode == 0 and (sealed.root / LEDGER).read_bytes() == before, result.stdout
    set_today(sealed, "2025-12-19")
    sealed.registre("seal", check=True)
    october = [l for l in lines_of(sealed) if l.get("seance") == "seance-2025-10-16"]
    assert len(october) == 1 and october[0]["evenement"] == "seance" and "liste" not in october[0]
    assert october[0]["proces_verbal"]["publication"] == "2025-12-19" and october[0]["scelle_le"] == "2025-12-19"
