"""Property-based tests: no input makes the reader, the schema, the rules or the
ledger raise anything but a diagnostic (issue 3)."""

from __future__ import annotations

import shutil
import string
import tempfile
from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import VALID_DECISION
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from registre.build.load import load_register
from registre.checks.html_policy import check_body
from registre.domain.config import RegistreConfig, Tribunal
from registre.domain.diagnostics import Diagnostic, Severity
from registre.domain.paths import display_child, display_path, normalise_relative
from registre.seal.ledger import read_ledger
from registre.source.frontmatter import FrontMatterError, read_source
from registre.source.schema import TOP_KEYS, read_act

TODAY = date(2025, 12, 15)
CONFIG = RegistreConfig(commune="Villeneuve-la-Rivière", siret="21660228400012", departement="66",
                        tribunal=Tribunal("tribunal administratif de Montpellier", "6 rue Pitot, Montpellier"),
                        today=TODAY)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_diagnostic(diag: Diagnostic, path: str) -> None:
    assert isinstance(diag, Diagnostic)
    assert diag.path == path
    assert isinstance(diag.line, int) and diag.line >= 1
    assert diag.severity in (Severity.ERROR, Severity.WARNING)
    assert diag.message and diag.code
    assert "Traceback" not in diag.format()


def parse(data: bytes, path: str = "acts/2025/x.md"):
    """read_source + read_act: (act or None, diagnostics); anything else fails the test."""
    try:
        source = read_source(path, data)
    except FrontMatterError as exc:
        assert_diagnostic(exc.diagnostic, path)
        assert exc.diagnostic.is_error
        return None, [exc.diagnostic]
    act, diags = read_act(source, acts_root_rel="2025/x.md", today=TODAY)
    for diag in diags:
        assert_diagnostic(diag, path)
    if act is None:
        assert any(d.is_error for d in diags)
    else:
        assert not any(d.is_error for d in diags)
        assert act.numero >= 1 and act.objet.strip() and act.body.strip()
        assert 1790 <= act.date.year <= TODAY.year + 1
    return act, diags


# -- raw bytes and text ---------------------------------------------------------

@SETTINGS
@given(st.binary(max_size=2000))
@example(b"")
@example(b"\xef\xbb\xbf")
@example(b"---\n---\n")
@example(b"---\n\xff\n---\n")
@example(b"---\na: \x00\n---\n")
def test_any_bytes(data):
    parse(data)


@SETTINGS
@given(st.text(max_size=2000))
@example("---\n" + "[" * 5000 + "\n---\ntexte\n")
@example("---\n" + "a:\n " * 500 + "\n---\n")
@example("---\n!!binary x: 1\n---\ntexte\n")
def test_any_text(text):
    parse(text.encode("utf-8"))


@SETTINGS
@given(st.text(max_size=600))
def test_any_text_in_front_matter(text):
    parse(("---\n" + text + "\n---\n\nTexte.\n").encode("utf-8"))


# -- YAML-shaped front matter: real keys, arbitrary values --------------------------

SCALARS = st.one_of(
    st.text(alphabet=string.printable, max_size=30),
    st.sampled_from(["011", "0x1F", "1e3", "oui", "no", "yes", "off", "~", "null", "2025-02-30", "2025-05-30",
                     "9999-12-31", "0000-01-01", "2025-05-30T10:00:00", "<script>alert(1)</script>", "&a x",
                     "*a", "!!python/object:os.system", "'", '"', "- ", ": ", "#", "|", ">", "..", "../../x.pdf",
                     "/etc/passwd", "C:\\x.pdf", "\t", "\\", "true", "false", "3", "-1", "12345678901234567890"]),
)


def values(depth: int = 2):
    if depth == 0:
        return SCALARS
    return st.one_of(SCALARS, st.lists(values(depth - 1), max_size=3),
                     st.dictionaries(st.sampled_from(["date", "ar", "prenom", "nom", "qualite", "fichier", "titre",
                                                      "en_attente", "non_requise", "deliberation", "alinea",
                                                      "presents", "votants", "pour", "contre", "abstentions", "x"]),
                                     values(depth - 1), max_size=4))


@SETTINGS
@given(st.dictionaries(st.sampled_from(TOP_KEYS + ("inconnu", "Objet")), values(), max_size=12),
       st.booleans())
def test_yaml_shaped_front_matter(mapping, flow):
    try:
        front = yaml.safe_dump(mapping, allow_unicode=True, default_flow_style=flow, sort_keys=False)
    except yaml.YAMLError:
        assume(False)
    parse(("---\n" + front + "---\n\nTexte de l'acte.\n").encode("utf-8"))


@SETTINGS
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=40), st.sampled_from(["del", "dup", "ins"]),
                          st.text(alphabet=string.printable + "éàç«»", max_size=12)), max_size=6))
def test_mutated_valid_act(edits):
    """Lines of a valid act deleted, doubled or overwritten with junk."""
    lines = VALID_DECISION.split("\n")
    for index, kind, text in edits:
        index %= len(lines)
        if kind == "del":
            del lines[index]
        elif kind == "dup":
            lines.insert(index, lines[index])
        else:
            lines[index] = lines[index][: len(text)] + text
        if not lines:
            lines = [""]
    parse("\n".join(lines).encode("utf-8"))


# -- the whole checker, on files ------------------------------------------------------

@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.binary(max_size=300),
                          st.sampled_from([VALID_DECISION,
                                           VALID_DECISION.replace("numero: 11", "numero: 12"),
                                           VALID_DECISION.replace("---\n\n#", "annexes: [../x.pdf, a.pdf]\n---\n\n#"),
                                           VALID_DECISION.replace("---\n\n#", "modifie: [decision-2025-11]\n"
                                                                              "abroge: [arrete-2024-1]\n---\n\n#")])
                          .map(lambda t: t.encode("utf-8"))),
                max_size=4),
       st.binary(max_size=400))
def test_register_with_any_files_and_ledger(files, ledger_bytes):
    root = Path(tempfile.mkdtemp(prefix="registre-prop-"))
    try:
        acts = root / "acts"
        (acts / "2025").mkdir(parents=True)
        for index, data in enumerate(files):
            (acts / "2025" / f"acte-{index}.md").write_bytes(data)
        (acts / "registre.lock").write_bytes(ledger_bytes)
        register = load_register(acts, CONFIG, today=TODAY)
        for diag in register.diagnostics:
            assert isinstance(diag, Diagnostic) and diag.line >= 1 and diag.message
    finally:
        shutil.rmtree(root)


# -- the ledger, the HTML policy, the paths ----------------------------------------------

@SETTINGS
@given(st.one_of(st.binary(max_size=1500),
                 st.lists(st.dictionaries(st.sampled_from(["acte", "ligne", "precedent", "evenement", "contenu",
                                                           "fichiers", "suivi", "champs", "texte", "source",
                                                           "scelle_le"]),
                                          st.one_of(st.integers(), st.text(max_size=70), st.none(), st.booleans(),
                                                    st.lists(st.integers(), max_size=2),
                                                    st.dictionaries(st.text(max_size=5), st.text(max_size=5),
                                                                    max_size=2))),
                          max_size=5)
                 .map(lambda rows: "\n".join(__import__("json").dumps(r) for r in rows).encode())))
@example(b'{"ligne": 1000000000000, "acte": "x", "precedent": "0"}')  # was: range(1, 10**12)
def test_ledger_reader_never_raises(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "registre.lock"
        path.write_bytes(data)
        ledger = read_ledger(path)
        for problem in ledger.problems:
            assert problem.line >= 1 and problem.message and problem.code


@SETTINGS
@given(st.text(max_size=1500))
@example("<scr<script>ipt>")
@example("<!-- <script> -->")
@example("```\n<script>\n```\n<iframe src=x>")
def test_html_policy_never_raises(text):
    for line, message, fix in check_body(text):
        assert line >= 1 and message and fix


@SETTINGS
@given(st.text(max_size=80), st.sampled_from(["2025/x.md", "x.md", "a/b/c/x.md"]))
def test_paths_stay_inside_acts(raw, source):
    path, problem = normalise_relative(source, raw)
    if problem is None:
        assert path and not path.startswith(("/", "../")) and path != ".." and "\x00" not in path
        assert not (len(path) > 1 and path[1] == ":")


# Where the command runs, relative to a register acts/2025/…: the path each message names must not
# depend on the shortcut load_register takes (one relpath for the folder, not one per file).
@pytest.mark.parametrize("cwd", ["", "acts", "acts/2025", "..", "/"])
@pytest.mark.parametrize("root", ["acts", "acts/", "./acts", "ABS"])
def test_display_child_is_display_path(tmp_path, monkeypatch, cwd, root):
    (tmp_path / "acts" / "2025").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / cwd if cwd != "/" else Path("/"))
    acts = tmp_path / "acts" if root == "ABS" or cwd else Path(root)
    for rel in ("2025/deliberation-2025-1.md", "x.md"):
        assert display_child(display_path(acts), rel) == display_path(acts / rel)
