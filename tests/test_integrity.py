"""Issue 3: the sealed register (acts/registre.lock), tamper cases on the demo with
a real `registre check` and a real `mkdocs build`, `registre seal`, `registre verify`,
the « Vérifier un document » page, and the status of corrected acts."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from conftest import DEMO_TODAY, MKDOCS_YML, VALID_DECISION, Project, assert_ok, copy_demo, private_copy
from test_site import text_of

LEDGER = "acts/registre.lock"
PDF_ANNEX = "acts/2025/arrete-2025-1-plan.pdf"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# -- helpers ---------------------------------------------------------------------

def add_to_front_matter(text: str, lines: str) -> str:
    """Insert YAML lines just before the closing « --- » of the front matter."""
    end = text.index("\n---", 3)
    return text[:end + 1] + lines + text[end + 1:]


def drop_block(text: str, key: str) -> str:
    return re.sub(rf"^{key}:.*\n(?:[ \t]+.*\n)*", "", text, count=1, flags=re.M)


def set_block(text: str, key: str, block: str) -> str:
    return add_to_front_matter(drop_block(text, key), block)


def body_of(text: str) -> tuple[str, str]:
    end = text.index("\n---", 3) + 4
    return text[:end], text[end:]


def ledger_lines(proj: Project) -> list[dict]:
    return [json.loads(line) for line in (proj.root / LEDGER).read_text(encoding="utf-8").splitlines()]


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def sealed_template(tmp_path_factory) -> Project:
    """The demo with a PDF annex added to arrêté 1/2025, sealed and built once."""
    proj = copy_demo(tmp_path_factory.mktemp("sealed") / "demo")
    (proj.root / LEDGER).unlink(missing_ok=True)  # sealed here, from scratch
    arrete = proj.root / "acts/2025/arrete-2025-1.md"
    arrete.write_text(add_to_front_matter(arrete.read_text(encoding="utf-8"),
                                          "annexes:\n  - fichier: arrete-2025-1-plan.pdf\n"
                                          "    titre: Plan des berges & zones \"baignade\"\n"),
                      encoding="utf-8")
    (proj.root / PDF_ANNEX).write_bytes(PDF_BYTES)
    assert not (proj.root / LEDGER).exists()
    seal = proj.registre("seal")
    assert_ok(seal)
    build = proj.build()
    assert_ok(build)
    return proj


@pytest.fixture
def sealed(sealed_template, tmp_path) -> Project:
    """A private copy of the sealed, built demo (PDF cache included)."""
    return private_copy(sealed_template, tmp_path / "demo")


# -- the seal --------------------------------------------------------------------------

def test_seal_writes_one_chained_line_per_published_act(sealed):
    lines = ledger_lines(sealed)
    raw = (sealed.root / LEDGER).read_bytes().split(b"\n")[:-1]
    acts = sorted(p.stem for p in (sealed.root / "site" / "actes").iterdir() if (p / "index.html").exists())
    # The acts first, then the demo's two séances whose liste is online (their lines: test_seance_seal).
    assert [line["evenement"] for line in lines] == ["scellement"] * len(acts) + ["seance"] * 2
    assert sorted(line["acte"] for line in lines[:len(acts)]) == acts and len(acts) >= 10
    previous = "0" * 64
    for number, (line, data) in enumerate(zip(raw, lines), start=1):
        assert data["ligne"] == number
        assert data["precedent"] == previous
        previous = hashlib.sha256(line).hexdigest()
        assert data["scelle_le"] == "2025-12-15"
        assert data["evenement"] == "seance" or re.fullmatch(r"[0-9a-f]{64}", data["contenu"])
        assert line == json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    arrete = next(d for d in lines if d["acte"] == "arrete-2025-1")
    assert {"role": "annexe", "chemin": "2025/arrete-2025-1-plan.pdf", "sha256": hashlib.sha256(PDF_BYTES).hexdigest(),
            "publie": "actes/arrete-2025-1/annexes/arrete-2025-1-plan.pdf"} in arrete["fichiers"]
    decision = next(d for d in lines if d["acte"] == "decision-2025-11")
    assert [f.get("chemin") for f in decision["fichiers"] if f["role"] == "annexe"] == \
        ["2025/decision-2025-11-convention-ent-ecole.md"]
    # The PDF the build generates is sealed too (issue 7), with the bytes the build will serve.
    pdf = next(f for f in decision["fichiers"] if f["role"] == "pdf")
    assert pdf["publie"] == "actes/decision-2025-11/decision-2025-11.pdf" and re.fullmatch(r"[0-9a-f]{64}", pdf["sha256"])
    assert decision["suivi"]["transmission"]["ar"].startswith("066-216602284-20250530-")

    check = sealed.registre("check", "acts")
    # The demo's one warning is its late liste of 3 July (test_demo); nothing about the seal.
    assert check.returncode == 0 and "0 erreur, 1 avertissement" in check.stdout + check.stderr, \
        check.stdout + check.stderr
    assert "scellé" not in check.stdout, check.stdout
    before = (sealed.root / LEDGER).read_bytes()
    again = sealed.registre("seal")
    assert again.returncode == 0 and "Rien à sceller" in again.stdout
    assert (sealed.root / LEDGER).read_bytes() == before


def test_new_published_act_is_reported_then_sealed(sealed):
    new = sealed.acts / "2025" / "decision-2025-14.md"
    text = (sealed.acts / "2025" / "decision-2025-13.md").read_text(encoding="utf-8")
    new.write_text(text.replace("numero: 13", "numero: 14"), encoding="utf-8")
    check = sealed.registre("check", "acts")
    assert check.returncode == 0
    assert re.search(r"acts/2025/decision-2025-14\.md:\d+: avertissement: decision-2025-14 est en ligne mais pas "
                     r"encore scellé\. Correction : lancez « registre seal »", check.stdout), check.stdout
    count = len(ledger_lines(sealed))
    dry = sealed.registre("seal", "--essai")
    assert dry.returncode == 0 and "à sceller : decision-2025-14 : scellé" in dry.stdout
    assert len(ledger_lines(sealed)) == count
    seal = sealed.registre("seal")
    assert seal.returncode == 0 and "decision-2025-14 : scellé" in seal.stdout
    lines = ledger_lines(sealed)
    assert len(lines) == count + 1 and lines[-1]["acte"] == "decision-2025-14"
    assert "pas encore scellé" not in sealed.registre("check", "acts").stdout


def test_dry_run_writes_nothing(sealed):
    (sealed.root / LEDGER).unlink()
    dry = sealed.registre("seal", "--essai")
    assert dry.returncode == 0 and "à sceller : decision-2025-11 : scellé" in dry.stdout
    assert not (sealed.root / LEDGER).exists()


def test_seal_refuses_a_register_with_errors(sealed):
    before = (sealed.root / LEDGER).read_bytes()
    path = sealed.acts / "2025" / "decision-2025-14.md"
    path.write_text((sealed.acts / "2025" / "decision-2025-13.md").read_text(encoding="utf-8")
                    .replace("numero: 13", "numero: 14").replace("date: 2025-09-15", "date: 2025-02-30"),
                    encoding="utf-8")
    seal = sealed.registre("seal")
    assert seal.returncode == 1
    assert "rien n'a été scellé" in seal.stderr and "decision-2025-14.md" in seal.stdout
    assert "Traceback" not in seal.stdout + seal.stderr
    assert (sealed.root / LEDGER).read_bytes() == before


def test_seal_write_is_atomic(sealed, monkeypatch):
    """A failure while writing leaves the ledger as it was, without temporary file."""
    import os

    from registre.seal import ledger as ledger_module

    path = sealed.root / LEDGER
    before = path.read_bytes()
    ledger = ledger_module.read_ledger(path)
    payload = dict(json.loads(before.splitlines()[0]))
    for key in ("ligne", "precedent"):
        payload.pop(key)
    payload["acte"] = "decision-2025-99"

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        ledger_module.append_entries(ledger, [payload])
    assert path.read_bytes() == before
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".registre.lock.")]
    monkeypatch.undo()
    # and the file may not change between reading and writing
    path.write_bytes(before + b"\n")
    with pytest.raises(ledger_module.LedgerWriteError):
        ledger_module.append_entries(ledger, [payload])


# -- tamper cases: check AND build fail, naming the act ------------------------------------

def _replace_word(path: Path) -> None:
    head, body = body_of(path.read_text(encoding="utf-8"))
    word = re.search(r"\b[a-zà-ü]{7,}\b", body).group(0)
    path.write_text(head + body.replace(word, word[:-1] + "x", 1), encoding="utf-8")


def _swap_lines(proj: Project, first: int, second: int) -> None:
    path = proj.root / LEDGER
    lines = path.read_bytes().split(b"\n")
    lines[first - 1], lines[second - 1] = lines[second - 1], lines[first - 1]
    path.write_bytes(b"\n".join(lines))


def _edit_ledger_line(proj: Project, number: int, mutate) -> None:
    path = proj.root / LEDGER
    lines = path.read_bytes().split(b"\n")
    lines[number - 1] = mutate(lines[number - 1])
    path.write_bytes(b"\n".join(lines))


def _act_of_line(proj: Project, number: int) -> str:
    return ledger_lines(proj)[number - 1]["acte"]


def _edit(rel: str, old: str, new: str):
    def mutate(proj: Project) -> None:
        path = proj.root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return mutate


TAMPER = {
    # name: (mutation, identifier named, words expected in the message)
    "un-mot-du-texte": (lambda p: _replace_word(p.acts / "2025" / "deliberation-2025-5.md"),
                        "deliberation-2025-5", "texte de l'acte modifié"),
    "acte-supprime": (lambda p: (p.acts / "2025" / "arrete-2025-3.md").unlink(),
                      "arrete-2025-3", "a disparu du registre"),
    "lignes-interverties": (lambda p: _swap_lines(p, 3, 4), "LIGNE3", "lignes déplacées"),
    "annexe-pdf-remplacee": (lambda p: (p.root / PDF_ANNEX).write_bytes(PDF_BYTES.replace(b"1.4", b"1.5")),
                             "arrete-2025-1", "fichier remplacé après publication"),
    "annexe-md-modifiee": (lambda p: (p.acts / "2025" / "decision-2025-11-convention-ent-ecole.md").open("a").write(
        "\nArticle ajouté après coup.\n"), "decision-2025-11", "fichier remplacé après publication"),
    "annexe-supprimee": (lambda p: (p.root / PDF_ANNEX).unlink(), "arrete-2025-1", "fichier introuvable"),
    "objet-modifie": (_edit("acts/2025/decision-2025-12.md", "objet: ", "objet: Nouvel objet — "),
                      "decision-2025-12", "champ « objet » modifié"),
    "signataire-modifie": (_edit("acts/2025/arrete-2025-2.md", "nom: PASCAL", "nom: DUPONT"),
                           "arrete-2025-2", "champ « signataire » modifié"),
    "date-de-publication-repoussee": (_edit("acts/2025/deliberation-2025-1.md", "date: 2025-04-14",
                                            "date: 2026-03-01"),
                                      "deliberation-2025-1", "n'est plus en ligne"),
    "transmission-reecrite": (_edit("acts/2025/decision-2025-12.md", "transmission:\n  date: 2025-06-17",
                                    "transmission:\n  date: 2025-06-18"),
                              "decision-2025-12", "transmission scellée"),
    "note-supprimee": (lambda p: (p.acts / "2025" / "decision-2025-11.md").write_text(
        drop_block((p.acts / "2025" / "decision-2025-11.md").read_text(encoding="utf-8"), "note"),
        encoding="utf-8"), "decision-2025-11", "note a été supprimée"),
    "ligne-supprimee": (lambda p: _edit_ledger_line(p, 5, lambda line: b""), "LIGNE6", "chaîne est rompue"),
    "ligne-modifiee": (lambda p: _edit_ledger_line(p, 2, lambda line: line.replace(b'"scelle_le":"2025-12-15"',
                                                                                   b'"scelle_le":"2025-12-14"')),
                       "LIGNE3", "LIGNE2-modifiee"),
    "numero-change": (_edit("acts/2025/arrete-2025-3.md", "numero: 3", "numero: 4"),
                      "arrete-2025-3", "est devenu arrete-2025-4"),
}


@pytest.mark.parametrize("name", sorted(TAMPER))
def test_tampering_fails_check_and_build(sealed, name):
    mutate, identifier, words = TAMPER[name]
    if identifier.startswith("LIGNE"):
        identifier = _act_of_line(sealed, int(identifier[5:]))
    if words == "LIGNE2-modifiee":
        words = f"la ligne précédente (acte {_act_of_line(sealed, 2)}) a été modifiée"
    site_before = snapshot(sealed.site)
    mutate(sealed)

    check = sealed.registre("check", "acts")
    out = check.stdout + check.stderr
    assert check.returncode == 1, out
    assert identifier in out and words in out, out
    assert re.search(r"^acts/[\w/.-]+:\d+: erreur: .*" + re.escape(identifier), check.stdout, re.M), out

    build = sealed.build()
    log = build.stdout + build.stderr
    assert build.returncode != 0
    assert identifier in log and words in log and "n'est pas publiable" in log
    assert "Traceback" not in out + log
    assert snapshot(sealed.site) == site_before  # the published site is left as it was


def test_swapped_lines_message_names_both_acts(sealed):
    third, fourth = _act_of_line(sealed, 3), _act_of_line(sealed, 4)
    _swap_lines(sealed, 3, 4)
    out = sealed.registre("check", "acts").stdout
    assert (f"acts/registre.lock:3: erreur: registre scellé : lignes déplacées : n°4 (acte {fourth}) en position 3, "
            f"n°3 (acte {third}) en position 4.") in out


# -- what may be added after publication --------------------------------------------------

def test_transmission_ar_added_to_sealed_act_passes(sealed_template, tmp_path):
    """en_attente when sealed → date and AR later: allowed, sealed by a complement line;
    rewritten afterwards: refused."""
    proj = copy_demo(tmp_path / "demo")
    (proj.root / LEDGER).unlink(missing_ok=True)
    shutil.copytree(sealed_template.root / ".cache", proj.root / ".cache")  # PDFs of unchanged acts
    path = proj.acts / "2025" / "decision-2025-12.md"
    original = path.read_text(encoding="utf-8")
    transmitted = re.search(r"^transmission:\n(?:[ \t]+.*\n)+", original, re.M).group(0)
    pending = set_block(original, "transmission", "transmission:\n  en_attente: true\n")
    path.write_text(pending, encoding="utf-8")
    assert proj.registre("seal").returncode == 0
    sealed_line = next(d for d in ledger_lines(proj) if d["acte"] == "decision-2025-12")
    assert sealed_line["suivi"]["transmission"] == {"en_attente": "true"}

    # the accusé de réception comes back: the act gets its date and AR
    path.write_text(set_block(pending, "transmission", transmitted), encoding="utf-8")
    check = proj.registre("check", "acts")
    assert_ok(check)
    assert "erreur:" not in check.stdout
    assert re.search(r"decision-2025-12\.md:\d+: avertissement: acte scellé decision-2025-12 : transmission complétée, "
                     r"pas encore inscrit au registre scellé\.", check.stdout), check.stdout
    build = proj.build()
    assert_ok(build)
    assert "066-216602284-20250616-DEC2025_12-AU" in proj.page("actes/decision-2025-12")

    count = len(ledger_lines(proj))
    seal = proj.registre("seal")
    # The PDF prints the AR: its new version is sealed with the transmission.
    assert seal.returncode == 0 and ("decision-2025-12 : complément scellé (transmission, fichier "
                                     "actes/decision-2025-12/decision-2025-12.pdf)") in seal.stdout, seal.stdout
    lines = ledger_lines(proj)
    assert len(lines) == count + 1
    assert lines[-1]["evenement"] == "complement" and lines[-1]["acte"] == "decision-2025-12"
    assert lines[-1]["suivi"]["transmission"]["ar"] == "066-216602284-20250616-DEC2025_12-AU"
    clean = proj.registre("check", "acts")
    assert clean.returncode == 0 and "scellé" not in clean.stdout, clean.stdout

    # once sealed, the transmission is fixed
    path.write_text(path.read_text(encoding="utf-8").replace("20250616-DEC2025_12", "20250617-DEC2025_12"),
                    encoding="utf-8")
    rewritten = proj.registre("check", "acts")
    assert rewritten.returncode == 1
    assert "acte scellé decision-2025-12 : la transmission scellée (transmis le 2025-06-17) a été réécrite : " \
           "l'accusé de réception changé" in rewritten.stdout, rewritten.stdout
    assert proj.build().returncode != 0
    path.write_text(pending, encoding="utf-8")
    back = proj.registre("check", "acts")
    assert back.returncode == 1 and "de « transmis » (scellé) à « en attente »" in back.stdout


def test_note_and_donne_acte_may_be_added(sealed):
    path = sealed.acts / "2025" / "decision-2025-12.md"
    path.write_text(add_to_front_matter(path.read_text(encoding="utf-8"), "note: Ajoutée après publication.\n"),
                    encoding="utf-8")
    check = sealed.registre("check", "acts")
    assert check.returncode == 0 and "note ajoutée, pas encore inscrit au registre scellé" in check.stdout, check.stdout
    assert sealed.registre("seal").returncode == 0
    assert ledger_lines(sealed)[-1]["suivi"] == {"note": hashlib.sha256(b"Ajout\xc3\xa9e apr\xc3\xa8s publication.")
                                                 .hexdigest()}
    path.write_text(path.read_text(encoding="utf-8").replace("Ajoutée", "Modifiée"), encoding="utf-8")
    changed = sealed.registre("check", "acts")
    assert changed.returncode == 1 and "la note a été modifiée après avoir été scellée" in changed.stdout


# -- the ledger in git ----------------------------------------------------------------------

def _git(proj: Project, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=test@example.org", "-c", "user.name=Test", *args], cwd=proj.root,
                   check=True, capture_output=True)


def test_git_history_catches_a_rebuilt_ledger(sealed):
    """Editing an act and re-sealing from scratch gives a valid chain: only the
    ledger's committed history shows the rewrite."""
    _git(sealed, "init", "-q")
    _git(sealed, "add", "acts", "mkdocs.yml")
    _git(sealed, "commit", "-q", "-m", "registre scellé")
    _replace_word(sealed.acts / "2025" / "deliberation-2025-5.md")
    (sealed.root / LEDGER).unlink()
    deleted = sealed.registre("check", "acts")
    assert deleted.returncode == 1
    assert "acts/registre.lock:1: erreur: le registre scellé registre.lock a été supprimé (il existait au commit" \
        in deleted.stdout, deleted.stdout
    assert sealed.registre("seal").returncode == 1  # refused: the register has errors
    # forge it anyway, as a careless script would
    from registre.build.load import load_register
    from registre.domain.config import load_config
    from registre.publish.steps import SEALED_FILE_PROVIDERS
    from registre.seal.ledger import append_entries, read_ledger, seal_payload

    register = load_register(sealed.acts, load_config(sealed.root / "mkdocs.yml"), run_rules=False)
    ledger = read_ledger(sealed.root / LEDGER)
    append_entries(ledger, [seal_payload(a, register, "2025-12-15", SEALED_FILE_PROVIDERS) for a in
                            sorted(register.online, key=lambda a: (a.publication, a.date, a.type.value, a.numero))])
    forged = sealed.registre("check", "acts")
    assert forged.returncode == 1
    assert re.search(r"acts/registre\.lock:\d+: erreur: registre scellé réécrit : la ligne \d+ n'est plus celle du "
                     r"commit [0-9a-f]{10}", forged.stdout), forged.stdout
    # committed on top, the rewrite is still caught from the earlier commit
    _git(sealed, "add", "acts")
    _git(sealed, "commit", "-q", "-m", "réécriture")
    assert "registre scellé réécrit" in sealed.registre("check", "acts").stdout
    build = sealed.build()
    assert build.returncode != 0 and "registre scellé réécrit" in build.stdout + build.stderr


def test_appending_in_git_is_fine(sealed):
    _git(sealed, "init", "-q")
    _git(sealed, "add", "acts")
    _git(sealed, "commit", "-q", "-m", "registre scellé")
    new = sealed.acts / "2025" / "decision-2025-14.md"
    new.write_text((sealed.acts / "2025" / "decision-2025-13.md").read_text(encoding="utf-8")
                   .replace("numero: 13", "numero: 14"), encoding="utf-8")
    assert sealed.registre("seal").returncode == 0
    _git(sealed, "add", "acts")
    _git(sealed, "commit", "-q", "-m", "décision 14")
    check = sealed.registre("check", "acts")
    # The demo's one warning is its late liste of 3 July; nothing about the seal.
    assert check.returncode == 0 and "0 erreur, 1 avertissement" in check.stdout + check.stderr, check.stdout
    assert "scellé" not in check.stdout, check.stdout


def test_never_sealed_register_says_nothing(project):
    project.add("2025/decision-2025-11.md", VALID_DECISION)
    check = project.registre("check", "acts")
    assert check.returncode == 0 and "0 erreur, 0 avertissement" in check.stdout


def test_malformed_ledger_line_is_reported(sealed):
    _edit_ledger_line(sealed, 4, lambda line: line[:40])
    check = sealed.registre("check", "acts")
    assert check.returncode == 1
    assert "acts/registre.lock:4: erreur: ligne illisible dans le registre scellé" in check.stdout
    assert "Traceback" not in check.stdout + check.stderr


# -- registre verify ---------------------------------------------------------------------------

def test_verify_built_site(sealed):
    ok = sealed.registre("verify", "site")
    assert_ok(ok)
    assert ": erreur:" not in ok.stdout
    # The generated PDFs are sealed too: nothing published is left unsealed.
    assert "0 erreur, 0 avertissement" in ok.stdout + ok.stderr
    assert re.search(r"12 actes scellés, 2 séances scellées, [1-9]\d* fichiers vérifiés", ok.stdout + ok.stderr)


@pytest.mark.parametrize("case", ["annexe-remplacee", "page-supprimee", "registre-publie-modifie",
                                  "empreintes-absentes", "empreintes-retirees"])
def test_verify_finds_tampered_site(sealed, case):
    site = sealed.site
    if case == "annexe-remplacee":
        target = site / "actes/arrete-2025-1/annexes/arrete-2025-1-plan.pdf"
        target.write_bytes(b"%PDF-1.4 faux")
        expected = ("site/actes/arrete-2025-1/annexes/arrete-2025-1-plan.pdf:1: erreur: acte arrete-2025-1 : le "
                    "fichier publié ne correspond pas au fichier scellé (annexe)")
    elif case == "page-supprimee":
        shutil.rmtree(site / "actes/decision-2025-12")
        expected = "erreur: l'acte scellé decision-2025-12 (registre.lock ligne"
    elif case == "registre-publie-modifie":
        copy = site / "verifier/registre.lock"
        lines = copy.read_bytes().split(b"\n")
        lines[1], lines[2] = lines[2], lines[1]
        copy.write_bytes(b"\n".join(lines))
        expected = "site/verifier/registre.lock:2: erreur: le registre scellé publié par le site diffère"
    elif case == "empreintes-absentes":
        (site / "verifier/integrite.json").unlink()
        expected = "la liste des empreintes de la page « Vérifier un document » manque"
    else:  # the page would no longer recognise the acts of 2025
        shutil.rmtree(site / "verifier/empreintes/2025")
        expected = "erreur: la liste des empreintes ne reconnaît pas le contenu scellé de "
    result = sealed.registre("verify", "site")
    assert result.returncode == 1
    assert expected in result.stdout, result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_verify_without_repository_uses_published_copy(sealed, tmp_path):
    site = tmp_path / "telecharge"
    shutil.copytree(sealed.site, site)
    result = subprocess.run(["python", "-m", "registre.cli", "verify", str(site)], cwd=tmp_path, capture_output=True,
                            text=True, env=__import__("conftest")._env())
    assert_ok(result)
    assert "vérification avec la copie publiée" in result.stderr


# -- the « Vérifier un document » page -----------------------------------------------------------

SHARDS = "verifier/empreintes"


def shard_path(site: Path, year: int, digest: str) -> Path:
    return site / SHARDS / str(year) / f"{digest[:2]}.json"


def shard_table(site: Path, year: int, digest: str) -> dict[str, list[dict]]:
    """The hashes of the shard where the page looks ``digest`` up for ``year``."""
    data = json.loads(shard_path(site, year, digest).read_text(encoding="utf-8"))
    assert data["format"] == "registre-integrite-v2"
    return data["empreintes"]


def published_hashes(site: Path) -> dict[str, list[dict]]:
    """Every hash the page can find: all the shards of the years integrite.json lists."""
    index = json.loads((site / "verifier/integrite.json").read_text(encoding="utf-8"))
    table: dict[str, list[dict]] = {}
    for year in index["annees"]:
        for path in sorted((site / SHARDS / str(year)).glob("*.json")):
            for digest, items in json.loads(path.read_text(encoding="utf-8"))["empreintes"].items():
                assert digest.startswith(path.stem) and len(path.stem) == 2
                assert {item["acte"].split("-")[1] for item in items} == {str(year)}
                table.setdefault(digest, []).extend(items)
    return table


def test_verify_page_and_published_ledger(sealed_template):
    proj = sealed_template
    assert (proj.site / "verifier/registre.lock").read_bytes() == (proj.root / LEDGER).read_bytes()
    page = proj.page("verifier")
    assert "<h1>Vérifier un document</h1>" in page or "Vérifier un document</h1>" in page
    assert 'id="registre-verify-file"' in page and 'type="file"' in page
    assert re.search(r'<script src="[./]*assets/registre/verify\.js" defer>', page)
    assert 'data-index="../verifier/integrite.json"' in page or 'data-index="integrite.json"' in page
    assert 'data-shards="empreintes/"' in page and 'data-years="2025"' in page
    assert "n'est pas envoyé" in text_of(page)
    assert (proj.site / "assets/registre/verify.js").is_file()

    # The index is small: no hash of a document in it, only where to find them.
    raw_index = (proj.site / "verifier/integrite.json").read_text(encoding="utf-8")
    index = json.loads(raw_index)
    assert index["format"] == "registre-integrite-v2" and index["commune"] == "Villeneuve-la-Rivière"
    assert index["annees"] == [2025] and "empreintes" not in index
    assert index["repartition"]["fichiers"] == "verifier/empreintes/{annee}/{prefixe}.json"
    assert index["registre_scelle"]["lignes"] == len(ledger_lines(proj))
    assert len(raw_index) < 2000 and len(re.findall(r"[0-9a-f]{64}", raw_index)) == 1  # the ledger's head

    annex_sha = hashlib.sha256(PDF_BYTES).hexdigest()
    annex = shard_table(proj.site, 2025, annex_sha)[annex_sha]
    assert annex[0]["acte"] == "arrete-2025-1" and annex[0]["nature"] == "annexe"
    assert annex[0]["scelle_le"] == "2025-12-15" and annex[0]["url"] == "actes/arrete-2025-1/"
    assert annex[0]["libelle"] == "annexe « Plan des berges & zones \"baignade\" »"
    assert annex[0]["fichier"] == "actes/arrete-2025-1/annexes/arrete-2025-1-plan.pdf" and annex[0]["actuel"] is True
    table = published_hashes(proj.site)
    for line in ledger_lines(proj):
        if line["evenement"] == "scellement":
            assert any(m["nature"] == "contenu" and m["acte"] == line["acte"] for m in table[line["contenu"]])
    pdf = sha(proj.site / "actes/decision-2025-11/decision-2025-11.pdf")
    assert shard_table(proj.site, 2025, pdf)[pdf][0]["acte"] == "decision-2025-11"
    assert shard_table(proj.site, 2025, pdf)[pdf][0]["nature"] == "pdf"
    assert not (proj.site / SHARDS / "2024").exists()
    raw = shard_path(proj.site, 2025, annex_sha).read_text(encoding="utf-8")
    assert "&" not in raw and "<" not in raw and "\\u0026" in raw  # html-safe JSON


ANNEX_2024 = b"%PDF-1.4\n% plan 2024\n%%EOF\n"


def _two_years(project: Project) -> Project:
    """Acts of 2024 (one with a PDF annex) and 2025, sealed."""
    from test_rules import delib
    project.add("2024/deliberation-2024-1.md", delib(1, "2024-04-11", "annexes:\n  - fichier: plan-2024.pdf\n"
                                                                        "    titre: Plan 2024\n"))
    project.add_bytes("2024/plan-2024.pdf", ANNEX_2024)
    project.add("2024/deliberation-2024-2.md", delib(2, "2024-06-20"))
    project.add("2025/deliberation-2025-1.md", delib(1, "2025-04-10"))
    project.add("2025/decision-2025-11.md", VALID_DECISION)
    seal = project.registre("seal")
    assert_ok(seal)
    return project


def _only_years(project: Project, years: str) -> None:
    """mkdocs.yml with the plugin option ``annees: [<years>]`` (the test config otherwise)."""
    text = MKDOCS_YML.format(today=DEMO_TODAY)
    project.write_config(text.replace("  - registre:\n", f"  - registre:\n      annees: [{years}]\n", 1))


def test_year_builds_write_their_shards_and_merge_into_the_full_build(project, tmp_path):
    proj = _two_years(project)
    full = proj.build()
    assert_ok(full)
    assert sorted(p.name for p in (proj.site / SHARDS).iterdir()) == ["2024", "2025"]
    annex = hashlib.sha256(ANNEX_2024).hexdigest()
    found = shard_table(proj.site, 2024, annex)[annex]
    assert [(m["acte"], m["nature"], m["fichier"]) for m in found] == [
        ("deliberation-2024-1", "annexe", "actes/deliberation-2024-1/annexes/plan-2024.pdf")]
    pdf = sha(proj.site / "actes/deliberation-2024-1/deliberation-2024-1.pdf")
    assert [m["nature"] for m in shard_table(proj.site, 2024, pdf)[pdf]] == ["pdf"]
    assert not shard_path(proj.site, 2025, annex).exists() or annex not in shard_table(proj.site, 2025, annex)
    assert set(published_hashes(proj.site)) >= {annex, pdf}
    full_files = snapshot(proj.site / "verifier")

    merged = tmp_path / "fusion"
    for year in ("2024", "2025"):
        _only_years(proj, year)
        site = tmp_path / f"site-{year}"
        build = proj.build("--site-dir", str(site))
        assert_ok(build)
        assert [p.name for p in (site / SHARDS).iterdir()] == [year]  # only the year built
        assert (site / "verifier/integrite.json").read_bytes() == (proj.site / "verifier/integrite.json").read_bytes()
        shutil.copytree(site, merged, dirs_exist_ok=True)
    assert snapshot(merged / "verifier") == full_files


def test_rebuild_removes_stale_shards_of_the_years_built_only(project):
    from registre.build.load import load_register
    from registre.domain.config import load_config
    from registre.publish.context import BuildContext
    from registre.publish.verify_page import write_integrity_files

    proj = _two_years(project)
    build = proj.build()
    assert_ok(build)
    root = proj.site / SHARDS
    kept = sorted(root.glob("202[45]/*.json"))
    before = {p: p.stat().st_mtime_ns for p in kept}
    present = {p.stem for p in (root / "2025").glob("*.json")}
    stale = next(f"{i:02x}" for i in range(256) if f"{i:02x}" not in present)
    (root / "2025" / f"{stale}.json").write_text('{"empreintes": {}}', encoding="utf-8")
    (root / "2023").mkdir()
    (root / "2023" / "ab.json").write_text('{"empreintes": {}}', encoding="utf-8")
    register = load_register(proj.acts, load_config(proj.root / "mkdocs.yml"))

    def run(years):
        write_integrity_files(BuildContext(register, proj.site, "https://registre.test/", proj.root / ".cache",
                                           years=years))

    run(frozenset({2025}))
    assert not (root / "2025" / f"{stale}.json").exists()  # that prefix has no hash any more
    assert (root / "2023" / "ab.json").exists()  # another year: not this build's business
    assert {p: p.stat().st_mtime_ns for p in kept} == before  # unchanged files are not rewritten
    assert sorted(root.glob("202[45]/*.json")) == kept
    run(frozenset({2023}))  # a year built that has no act online: its shards go
    assert not (root / "2023").exists() and (root / "2024").is_dir() and (root / "2025").is_dir()
    (root / "2019").mkdir()
    (root / "2019" / "00.json").write_text("{}", encoding="utf-8")
    run(None)  # a full build keeps only the years online
    assert sorted(p.name for p in root.iterdir()) == ["2024", "2025"]
    assert not list(root.rglob(".*.tmp"))


def test_files_the_build_knows_are_those_a_walk_of_the_act_folders_finds(project, tmp_path):
    """A build into an emptied site lists the act folders' files from what it wrote (no walk of
    10,000 folders): the shards are the ones a walk of the built site gives, file for file."""
    from registre.build.load import load_register
    from registre.domain.config import load_config
    from registre.publish.context import BuildContext
    from registre.publish.verify_page import write_integrity_files

    proj = _two_years(project)
    # A file the staff put in docs/ under an act's folder is published there: it must be listed too.
    (proj.root / "docs/actes/deliberation-2025-1").mkdir(parents=True)
    (proj.root / "docs/actes/deliberation-2025-1/notice.txt").write_text("Notice.\n", encoding="utf-8")
    # …and one excluded from the site (exclude_docs) is not.
    (proj.root / "docs/actes/deliberation-2025-1/brouillon.txt").write_text("Brouillon.\n", encoding="utf-8")
    proj.write_config(MKDOCS_YML.format(today=DEMO_TODAY) + "exclude_docs: |\n  brouillon.txt\n")
    build = proj.build()
    assert_ok(build)
    notice = hashlib.sha256(b"Notice.\n").hexdigest()
    assert shard_table(proj.site, 2025, notice)[notice][0]["fichier"] == "actes/deliberation-2025-1/notice.txt"
    assert not (proj.site / "actes/deliberation-2025-1/brouillon.txt").exists()
    walked = tmp_path / "parcouru"
    shutil.copytree(proj.site, walked)
    shutil.rmtree(walked / SHARDS)
    register = load_register(proj.acts, load_config(proj.root / "mkdocs.yml"))
    write_integrity_files(BuildContext(register, walked, "https://registre.test/", proj.root / ".cache"))
    assert snapshot(walked / "verifier") == snapshot(proj.site / "verifier")


def _chromium():
    playwright = pytest.importorskip("playwright.sync_api")
    executable = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not executable:
        pytest.skip("Chromium absent")
    return playwright, executable


@pytest.mark.browser
def test_verify_page_in_a_browser(sealed, tmp_path):
    playwright, executable = _chromium()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(sealed.site))
    http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    uploads, fetched = [], []  # requests other than GET; what was asked for under verifier/ (path, status)
    base = f"http://127.0.0.1:{server.server_port}/"

    def seen(response):
        if response.url.startswith(base + "verifier/") and response.url != base + "verifier/":
            fetched.append((response.url[len(base):], response.status))

    try:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
            page = browser.new_page()
            page.on("request", lambda r: uploads.append(r) if r.method != "GET" else None)
            page.on("response", seen)
            page.goto(base + "verifier/")
            result = page.locator("#registre-verify-result")
            assert fetched == []  # nothing is downloaded before a file is chosen

            page.set_input_files("#registre-verify-file", str(sealed.root / PDF_ANNEX))
            page.wait_for_selector("#registre-verify-result[data-result]")
            assert result.get_attribute("data-result") == "reconnu"
            text = result.inner_text()
            assert "Document reconnu" in text and "Arrêté n°1/2025" in text and "Plan des berges & zones" in text
            assert "Inscrit au registre scellé le 15 décembre 2025" in text
            annex_sha = hashlib.sha256(PDF_BYTES).hexdigest()
            assert annex_sha in text
            # Only the shard of that hash's prefix, for the one year of the register: not every hash.
            assert fetched == [(f"verifier/empreintes/2025/{annex_sha[:2]}.json", 200)]
            page.click("#registre-verify-result a")
            page.wait_for_url("**/actes/arrete-2025-1/")
            page.go_back()

            forged = tmp_path / "arrete-2025-1-plan.pdf"
            forged.write_bytes(PDF_BYTES + b" ")
            page.set_input_files("#registre-verify-file", str(forged))
            page.wait_for_function("() => document.querySelector('#registre-verify-result')"
                                   ".getAttribute('data-result') === 'inconnu'")
            assert "Aucun document publié ne correspond" in result.inner_text()
            assert "Villeneuve-la-Rivière" in result.inner_text()

            # A prefix no published hash has: its shard is absent (404), which means « unknown », not an error.
            present = {path.stem for path in (sealed.site / "verifier/empreintes/2025").glob("*.json")}
            absent = next(f"{i:02x}" for i in range(256) if f"{i:02x}" not in present)
            fetched.clear()
            page.fill("#registre-verify-hash", absent + "0" * 62)
            page.click("#registre-verify button[type=submit]")
            page.wait_for_function("() => document.querySelector('#registre-verify-result')"
                                   ".getAttribute('data-result') === 'inconnu' && document.querySelector("
                                   f"'#registre-verify-result code').textContent.startsWith('{absent}')")
            assert "Aucun document publié ne correspond" in result.inner_text()
            assert fetched == [(f"verifier/empreintes/2025/{absent}.json", 404)]

            contenu = next(d for d in ledger_lines(sealed) if d["acte"] == "decision-2025-11")["contenu"]
            page.fill("#registre-verify-hash", "SHA-256 : " + contenu.upper())
            page.click("#registre-verify button[type=submit]")
            page.wait_for_function("() => document.querySelector('#registre-verify-result')"
                                   ".getAttribute('data-acte') === 'decision-2025-11'")
            assert "empreinte du contenu de l'acte" in result.inner_text().lower()
            assert fetched == [(f"verifier/empreintes/2025/{absent}.json", 404),
                               (f"verifier/empreintes/2025/{contenu[:2]}.json", 200)]
            browser.close()
    finally:
        server.shutdown()
    assert uploads == []  # the file never left the browser


def test_verify_js_helpers_with_node(tmp_path):
    node = shutil.which("node")
    if not node:
        pytest.skip("node absent")
    script = Path(__file__).resolve().parent.parent / "site_plugins/registre/templates/assets/registre/verify.js"
    probe = tmp_path / "probe.js"
    probe.write_text(f"""
const v = require({json.dumps(str(script))});
const h = "ab".repeat(32);
const out = {{
  normalised: [v.normalise("SHA256: " + h.toUpperCase()), v.normalise(" " + h + " "), v.normalise("abc"),
               v.normalise(h + "0")],
  hex: v.toHex(new Uint8Array([0, 15, 255]).buffer),
  found: v.lookup({{empreintes: {{[h]: [{{acte: "x"}}]}}}}, h).length,
  proto: v.lookup({{empreintes: {{}}}}, "__proto__").length,
  absent: v.lookup(null, h).length,
  urls: v.shardUrls("../verifier/empreintes", ["2025", "2024"], h),
  date: v.frenchDate("2025-12-01"),
  lines: v.describe({{libelle: "annexe « a »", titre: "Arrêté n°1/2025", date: "12 mai 2025", objet: "<b>",
                      scelle_le: null, actuel: false}}),
}};
console.log(JSON.stringify(out));
""", encoding="utf-8")
    result = subprocess.run([node, str(probe)], capture_output=True, text=True, check=True)
    out = json.loads(result.stdout)
    assert out["normalised"] == ["ab" * 32, "ab" * 32, None, None]
    assert out["hex"] == "000fff" and out["found"] == 1 and out["proto"] == 0 and out["absent"] == 0
    assert out["urls"] == ["../verifier/empreintes/2025/ab.json", "../verifier/empreintes/2024/ab.json"]
    assert out["date"] == "1er décembre 2025"
    assert out["lines"][0] == "Annexe « a » — Arrêté n°1/2025 du 12 mai 2025 : <b>"
    assert "pas encore inscrit" in out["lines"][1] and "version antérieure" in out["lines"][2]


# -- corrections: status of the earlier acts -----------------------------------------------------

def _decision(numero: int, day: str, extra: str = "", publication: str | None = None) -> str:
    text = (VALID_DECISION.replace("numero: 11", f"numero: {numero}").replace("date: 2025-05-30", f"date: {day}")
            .replace("DEC2025_11", f"DEC2025_{numero}").replace("20250530", day.replace("-", ""))
            .replace("publication: {date: 2025-06-02}", f"publication: {{date: {publication or day}}}")
            .replace("transmission: {date: 2025-06-02,", f"transmission: {{date: {day},")
            .replace("Convention ENT-école 2025-2026", f"Décision de test n°{numero}"))
    return add_to_front_matter(text, extra) if extra else text


def test_correction_acts_give_the_status_of_earlier_acts(project):
    """en vigueur, modifié, abrogé, retiré, rectifié: computed from later acts online."""
    acts = {
        11: _decision(11, "2025-06-02"),                                           # en vigueur
        12: _decision(12, "2025-06-03"),                                           # modifiée par 16
        13: _decision(13, "2025-06-04"),                                           # abrogée par 17
        14: _decision(14, "2025-06-05"),                                           # retirée par 18
        15: _decision(15, "2025-06-06"),                                           # rectifiée par 19, modifiée par 20
        16: _decision(16, "2025-07-01", "modifie: [decision-2025-12]\n"),
        17: _decision(17, "2025-07-02", "abroge: [decision-2025-13]\n"),
        18: _decision(18, "2025-07-03", "retire: [decision-2025-14]\n"),
        19: _decision(19, "2025-07-04", "rectifie: [decision-2025-15]\n"),
        20: _decision(20, "2025-07-05", "modifie: [decision-2025-15, decision-2025-11]\n", publication="2026-01-05"),
    }
    for numero, text in acts.items():
        project.add(f"2025/decision-2025-{numero}.md", text)
    check = project.registre("check", "acts")
    assert_ok(check)
    build = project.build()
    assert_ok(build)

    def status(numero: int) -> str:
        page = project.page(f"actes/decision-2025-{numero}")
        return re.search(r'class="registre-status registre-status--([\w-]+)">([^<]+)<', page).group(2)

    assert status(11) == "en vigueur"  # modified by a scheduled act: not yet
    assert status(12) == "modifié"
    assert status(13) == "abrogé"
    assert status(14) == "retiré"
    assert status(15) == "rectifié"
    assert status(16) == "en vigueur"
    abroge = text_of(project.page("actes/decision-2025-13"))
    assert "Abrogé par Décision du maire n°17/2025 du 2 juillet 2025" in abroge
    assert re.search(r'Abrogé par <a href="\.\./decision-2025-17/">', project.page("actes/decision-2025-13"))
    assert "Retiré par Décision du maire n°18/2025" in text_of(project.page("actes/decision-2025-14"))
    later = text_of(project.page("actes/decision-2025-17"))
    assert "Actes concernés" in later and "Abroge Décision du maire n°13/2025 du 4 juin 2025" in later
    listing = text_of(project.page("registre/2025/decision"))
    assert re.search(r"Décision de test n°13 abrogé", listing) and re.search(r"Décision de test n°11 en vigueur",
                                                                             listing)
    assert not (project.site / "actes/decision-2025-20").exists()
    assert "Modifié par" not in text_of(project.page("actes/decision-2025-11"))


def test_correction_of_unknown_or_later_act_is_refused(project):
    project.add("2025/decision-2025-11.md", _decision(11, "2025-06-02", "abroge: [decision-2025-12]\n"))
    project.add("2025/decision-2025-12.md", _decision(12, "2025-06-03", "retire: [arrete-2024-7]\n"))
    check = project.registre("check", "acts")
    assert check.returncode == 1
    assert re.search(r"decision-2025-11\.md:\d+: erreur: « abroge » cite « decision-2025-12 », datée du 3 juin 2025, "
                     r"après cet acte", check.stdout), check.stdout
    assert re.search(r"decision-2025-12\.md:\d+: erreur: « retire » cite « arrete-2024-7 », absent du registre",
                     check.stdout)


# -- files published by other modules (e.g. the build's PDF), sealed by version -------------------

def test_published_files_from_providers_are_sealed_version_by_version(project, monkeypatch):
    from registre.build.load import load_register
    from registre.cli.seal import pending_payloads
    from registre.domain.config import load_config
    from registre.seal import ledger

    project.add("2025/decision-2025-11.md", VALID_DECISION)
    current = {"sha": "a" * 64}

    def provider(register, act):
        return [ledger.FileRecord("pdf", current["sha"], publie=f"actes/{act.identifier}/{act.identifier}.pdf")]

    config = load_config(project.root / "mkdocs.yml")
    path = project.acts / "registre.lock"

    def seal() -> list[str]:
        register = load_register(project.acts, config)
        assert register.ok, register.diagnostics
        payloads, described = pending_payloads(register, ledger.read_ledger(path), providers=[provider])
        ledger.append_entries(ledger.read_ledger(path), payloads)
        return described

    assert seal() == ["decision-2025-11 : scellé (publié le 2025-06-02)"]
    assert seal() == []
    current["sha"] = "b" * 64  # the PDF was regenerated (e.g. transmission completed)
    assert seal() == ["decision-2025-11 : complément scellé (fichier actes/decision-2025-11/decision-2025-11.pdf)"]
    sealed = ledger.read_ledger(path)
    assert not sealed.problems
    assert [r.sha256 for r in sealed.acts["decision-2025-11"].files] == ["a" * 64, "b" * 64]
    assert [s.identifier for s, _ in sealed.by_hash()["a" * 64]] == ["decision-2025-11"]
    check = project.registre("check", "acts")
    assert check.returncode == 0 and "0 erreur, 0 avertissement" in check.stdout, check.stdout
