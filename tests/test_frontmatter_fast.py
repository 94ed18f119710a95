"""The libyaml fast path of the front matter reader accepts and reports exactly
what the careful pure-Python composer does (aliases, anchors, lines, styles)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from registre.source import frontmatter
from registre.source.frontmatter import FrontMatterError, _NoAliasComposer, compose, read_source

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not hasattr(yaml, "CSafeLoader"), reason="PyYAML sans libyaml")


def shape(node):
    """Everything schema.py reads from a node: kind, tag, value, style, line, column."""
    if node is None:
        return None
    base = (type(node).__name__, node.tag, node.start_mark.line, node.start_mark.column)
    if isinstance(node, yaml.ScalarNode):
        return base + (node.value, node.style)
    if isinstance(node, yaml.MappingNode):
        return base + ([(shape(k), shape(v)) for k, v in node.value],)
    return base + ([shape(v) for v in node.value],)


SAMPLES = [
    "type: decision\nnumero: 11\ndate: 2025-05-30\n",
    "objet: null\nnote: ~\nrecours:\nportee: ''\n",
    "numero: 011\nflag: no\nmatiere: \"8.1\"\n",
    "annexes:\n  - fichier: a.pdf\n    titre: \"Annexe : plan\"\n  - b.md\n",
    "signataire: {prenom: Patrick, nom: PASCAL, qualite: Maire}\ndonne_acte: [decision-2025-11, decision-2025-12]\n",
    "note: >-\n  texte plié\n  sur deux lignes\nautre: |\n  bloc\n",
    "type: decision\ntype: arrete\n",  # duplicate keys are kept for schema.py to report
    "vote: !!str 12\n",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_fast_path_builds_the_same_tree(text):
    fast = frontmatter._compose_fast(text)
    careful = yaml.compose(text, Loader=_NoAliasComposer)
    assert fast is not None
    assert shape(fast) == shape(careful)


def test_every_demo_act_reads_the_same_both_ways():
    files = sorted((ROOT / "acts").rglob("*.md"))
    assert files
    compared = 0
    for file in files:
        text = file.read_text(encoding="utf-8")
        if not text.startswith("---"):
            continue
        yaml_text, line, _, _ = frontmatter.split(str(file), text)
        fast = frontmatter._compose_fast(yaml_text)
        if fast is None:  # « & » or « * » in the text: careful path only
            continue
        assert shape(fast) == shape(yaml.compose(yaml_text, Loader=_NoAliasComposer)), file
        compared += 1
    assert compared >= 5


@pytest.mark.parametrize("text, word, line", [
    ("type: decision\nbase: &b Maire\nqualite: *b\n", "ancre", 3),
    ("type: decision\nqualite: *b\n", "alias", 3),
    ("signataire: &s {nom: PASCAL}\n", "ancre", 2),
    ("a: [1, 2]\nb: [*x, *x, *x]\n", "alias", 3),
])
def test_anchors_and_aliases_are_still_refused_with_their_line(text, word, line):
    with pytest.raises(FrontMatterError) as caught:
        compose("acts/x.md", text, 2)
    diag = caught.value.diagnostic
    assert diag.code == "yaml.alias"
    assert word in diag.message
    assert diag.line == line


def test_syntax_errors_keep_the_careful_french_wording_and_line():
    text = "type: decision\nobjet: Tarifs : modification\n"
    with pytest.raises(FrontMatterError) as caught:
        compose("acts/x.md", text, 2)
    diag = caught.value.diagnostic
    assert diag.code == "yaml.syntax"
    assert diag.line == 3
    assert "deux-points inattendu" in diag.message


def test_a_tab_after_a_colon_is_refused_as_before():
    with pytest.raises(FrontMatterError) as caught:
        compose("acts/x.md", "type: decision\nobjet:\tTarifs\n", 2)
    assert caught.value.diagnostic.code == "yaml.syntax"
    assert "tabulation" in caught.value.diagnostic.message
    assert caught.value.diagnostic.line == 3


def test_plain_null_stays_distinguishable_from_quoted_text(project):
    # « objet: null » is an empty objet; « objet: "null" » is the word null.
    project.add("2025/decision-2025-11.md", "---\ntype: decision\nnumero: 11\ndate: 2025-05-30\nobjet: null\n"
                "signataire: {prenom: Patrick, nom: PASCAL, qualite: Maire}\n"
                "delegation: {deliberation: 2020-06-11, alinea: 4}\npublication: {date: 2025-06-02}\n"
                "transmission: {en_attente: true}\n---\nTexte.\n")
    result = project.registre("check", "--format", "json")
    diags = json.loads(result.stdout)
    assert any(d["code"] == "value.empty" and d["line"] == 5 for d in diags), diags


def test_read_source_line_numbers_come_from_the_fast_path():
    data = "---\ntype: decision\nnumero: 11\nsignataire:\n  nom: PASCAL\n---\nCorps\n".encode()
    source = read_source("acts/x.md", data)
    lines = {k.value: source.front_line + k.start_mark.line for k, _ in source.front.value}
    assert lines == {"type": 2, "numero": 3, "signataire": 4}
    assert source.body_line == 7
