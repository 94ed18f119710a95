"""Acts read once and kept between runs (registre/act_cache.py): the same register, the same
diagnostics, and files that did not change are not parsed again."""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import DEMO_TODAY, VALID_DECISION, copy_demo

from registre.build import load as register_module
from registre.build.act_cache import FILE_NAME, CacheFormatError, decode_act, encode
from registre.build.load import load_register
from registre.domain.config import load_config
from registre.domain.diagnostics import sort_key

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402

TODAY = date.fromisoformat(DEMO_TODAY)

# Files that give errors and warnings of every stage: YAML, fields, the act's own text, the register.
BROKEN = {
    "2025/decision-2025-40.md": "---\ntype: decision\nnumero: 40\nobjet: deux: points\n---\n\nTexte.\n",
    "2025/decision-2025-41.md": VALID_DECISION.replace("numero: 11", "numero: 41").replace(
        "publication: {date: 2025-06-02}\n", ""),
    "2025/decision-2025-42.md": VALID_DECISION.replace("numero: 11", "numero: 42") + (
        "\nContact : jean.dupont@example.org, 06 12 34 56 78.\n\n<script>alert(1)</script>\n\n"
        "<!-- À COMPLÉTER : considérants -->\n"),
    "2025/decision-2025-43.md": VALID_DECISION.replace("numero: 11", "numero: 43").replace(
        "date: 2025-05-30", "date: 2025-02-30"),
    "2025/notes.md": "Un fichier sans en-tête.\n",
}


def snapshot(register) -> tuple:
    return ([(a, a.lines, a.raw) for a in register.acts], sorted(register.diagnostics, key=sort_key),
            sorted(register.annex_files))


@pytest.fixture
def demo(tmp_path):
    project = copy_demo(tmp_path / "demo")
    for rel, text in BROKEN.items():
        project.add(rel, text, dedent=False)
    return project


def load(project, cache_dir, today=TODAY):
    return load_register(project.acts, load_config(project.root / "mkdocs.yml"), today=today,
                         cache_dir=cache_dir)


def count_parses(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = register_module.read_source

    def counted(path, data):
        calls.append(path)
        return real(path, data)
    monkeypatch.setattr(register_module, "read_source", counted)
    return calls


def test_every_act_goes_through_json_unchanged(tmp_path):
    out = tmp_path / "bench"
    generate.generate(120, out)  # every type, votes, delegations, annexes, corrections
    acts = load_register(out / "acts", load_config(out / "mkdocs.yml")).acts
    demo = copy_demo(tmp_path / "demo")
    acts += load_register(demo.acts, load_config(demo.root / "mkdocs.yml"), today=TODAY).acts
    assert {a.vote is not None for a in acts} == {True, False}
    assert {a.delegation is not None for a in acts} == {True, False}
    for act in acts:
        back = decode_act(json.loads(json.dumps(encode(act))))
        assert back == act
        assert (back.lines, back.raw) == (act.lines, act.raw)


def test_wrong_types_are_refused():
    act = load_register(ROOT / "acts", load_config(ROOT / "mkdocs.yml"), today=TODAY).acts[0]
    for field, value in (("numero", "12"), ("date", "2025-02-30"), ("type", "loi"), ("annexes", "a.pdf"),
                         ("signataire", {"prenom": "A"}), ("numero", True)):
        data = encode(act)
        data[field] = value
        with pytest.raises((CacheFormatError, ValueError, TypeError)):
            decode_act(data)


def test_second_run_parses_nothing_and_gives_the_same_register(demo, tmp_path, monkeypatch):
    cold = load(demo, None)
    assert {"yaml.syntax", "personal.email", "personal.phone", "body.html", "placeholder.left", "date.impossible",
            "frontmatter.missing"} <= {d.code for d in cold.diagnostics}, cold.diagnostics
    first = load(demo, tmp_path / "cache")
    assert (tmp_path / "cache" / FILE_NAME).is_file()
    calls = count_parses(monkeypatch)
    second = load(demo, tmp_path / "cache")
    assert calls == []
    assert (second.files_read, second.files_cached) == (0, first.files_read)
    assert snapshot(second) == snapshot(first) == snapshot(cold)


def test_edited_file_is_read_again_and_only_it(demo, tmp_path, monkeypatch):
    load(demo, tmp_path / "cache")
    path = demo.acts / "2025" / "decision-2025-11.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nÉcrire à marie.martin@example.org.\n", encoding="utf-8")
    calls = count_parses(monkeypatch)
    warm = load(demo, tmp_path / "cache")
    assert [Path(c).name for c in calls] == ["decision-2025-11.md"]
    assert any(d.code == "personal.email" and d.path.endswith("decision-2025-11.md") for d in warm.diagnostics)
    monkeypatch.undo()
    assert snapshot(warm) == snapshot(load(demo, None))


def test_another_day_reads_every_file_again(demo, tmp_path, monkeypatch):
    load(demo, tmp_path / "cache")
    calls = count_parses(monkeypatch)
    later = date(2026, 3, 1)
    warm = load(demo, tmp_path / "cache", today=later)
    assert len(calls) == warm.files_read > 0 and warm.files_cached == 0
    monkeypatch.undo()
    assert snapshot(warm) == snapshot(load(demo, None, today=later))


def test_damaged_cache_is_read_around(demo, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    expected = snapshot(load(demo, cache))
    rel = "2025/decision-2025-11.md"
    lines = (cache / FILE_NAME).read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line[65:].startswith(json.dumps([rel])[:-1]))
    line = json.loads(lines[at][65:])
    line[1]["act"]["numero"] = "11"  # a value of the wrong type (line hash recomputed): that file is read again
    text = json.dumps(line)
    lines[at] = hashlib.sha256(text.encode()).hexdigest() + " " + text
    (cache / FILE_NAME).write_text("\n".join(lines) + "\n", encoding="utf-8")
    calls = count_parses(monkeypatch)
    assert snapshot(load(demo, cache)) == expected
    assert [Path(c).name for c in calls] == ["decision-2025-11.md"]
    (cache / FILE_NAME).write_text("{pas du json", encoding="utf-8")
    calls.clear()
    assert snapshot(load(demo, cache)) == expected
    assert len(calls) > 10


def test_a_line_edited_by_hand_is_not_served(demo, tmp_path, monkeypatch):
    """An objet changed in the cache (its line keeps the file's SHA-256) is not what gets published."""
    cache = tmp_path / "cache"
    expected = snapshot(load(demo, cache))
    rel = "2025/decision-2025-11.md"
    text = (cache / FILE_NAME).read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if json.dumps([rel])[:-1] in line)
    objet = json.loads(line[65:])[1]["act"]["objet"]
    (cache / FILE_NAME).write_text(text.replace(json.dumps(objet, ensure_ascii=False)[1:-1], "Objet falsifié", 1),
                                   encoding="utf-8")
    assert "Objet falsifié" in (cache / FILE_NAME).read_text(encoding="utf-8")
    calls = count_parses(monkeypatch)
    register = load(demo, cache)
    assert snapshot(register) == expected
    assert all("falsifié" not in act.objet for act in register.acts)
    assert [Path(c).name for c in calls] == ["decision-2025-11.md"]


def test_an_edit_appends_one_line_and_outdated_lines_are_compacted(demo, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    load(demo, cache)
    path = demo.acts / "2025" / "decision-2025-11.md"
    original = path.read_text(encoding="utf-8")
    before = (cache / FILE_NAME).read_text(encoding="utf-8")
    path.write_text(original + "\nUne phrase ajoutée.\n", encoding="utf-8")
    edited = snapshot(load(demo, cache))
    after = (cache / FILE_NAME).read_text(encoding="utf-8")
    assert after.startswith(before) and after[len(before):].count("\n") == 1  # appended, not rewritten
    assert json.loads(after.splitlines()[-1][65:])[0] == "2025/decision-2025-11.md"
    calls = count_parses(monkeypatch)
    assert snapshot(load(demo, cache)) == edited and calls == []  # the later line wins
    entries = len(before.splitlines()) - 1
    for i in range(entries):  # many edits: the file is rewritten once outdated lines pile up
        path.write_text(original + f"\nVersion {i}.\n", encoding="utf-8")
        load(demo, cache)
    assert len((cache / FILE_NAME).read_text(encoding="utf-8").splitlines()) <= 1 + entries * 1.25 + 1
    monkeypatch.undo()
    assert snapshot(load(demo, cache)) == snapshot(load(demo, None))


def test_a_line_cut_short_is_read_around(demo, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    expected = snapshot(load(demo, cache))
    text = (cache / FILE_NAME).read_text(encoding="utf-8")
    (cache / FILE_NAME).write_text(text[:-40], encoding="utf-8")  # a build killed while appending
    calls = count_parses(monkeypatch)
    assert snapshot(load(demo, cache)) == expected
    assert len(calls) == 1  # the entry cut short, read again and appended on a line of its own
    calls.clear()
    assert snapshot(load(demo, cache)) == expected and calls == []
