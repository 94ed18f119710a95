"""Reading one act file: bytes → front matter YAML tree (with lines) + body.

The front matter is *composed*, not loaded: we keep PyYAML's node tree, whose
scalars carry their raw text, style and line.  :mod:`registre.source.schema` then
types each value according to the act format, which avoids YAML 1.1 traps
(``011`` read as octal, ``no`` read as false, dates where text is expected)
and lets us report duplicate keys, which PyYAML would silently merge.
Anchors and aliases are refused outright: an act needs none, and that is
the simplest defence against alias bombs ("billion laughs").
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from registre.domain.characters import FORBIDDEN_IN_RAW_YAML, describe, first_forbidden_line, what_to_do
from registre.domain.diagnostics import Diagnostic, error

MAX_FILE_BYTES = 5 * 1024 * 1024  # an act file is text; scans go in annexes/originals


@dataclass
class SourceFile:
    """An act file split into its YAML tree and its Markdown body."""

    path: str  # as shown in diagnostics
    front: yaml.MappingNode
    body: str
    body_line: int  # 1-based line where the body starts
    front_line: int  # 1-based line of the first YAML line
    yaml_text: str = ""  # the front matter as written (values shortened by a comment are found there)


class FrontMatterError(Exception):
    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


def decode(path: str, data: bytes) -> str:
    """Bytes → text: UTF-8 (BOM accepted), CRLF and CR normalised to LF."""
    if len(data) > MAX_FILE_BYTES:
        raise FrontMatterError(error(
            path, 1,
            f"fichier trop volumineux ({len(data) // 1024 // 1024} Mo ; maximum "
            f"{MAX_FILE_BYTES // 1024 // 1024} Mo pour le texte d'un acte).",
            "placez les pièces volumineuses en annexe (PDF) et gardez dans le fichier le texte de l'acte.",
            "file.too_large"))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FrontMatterError(error(
            path, line,
            "le fichier n'est pas encodé en UTF-8 (octet invalide "
            f"0x{data[exc.start]:02x}).",
            "enregistrez le fichier en UTF-8 (dans l'éditeur : « Enregistrer sous » → encodage UTF-8).",
            "file.encoding")) from None
    if "\x00" in text:
        raise FrontMatterError(error(path, 1, "le fichier contient des caractères nuls (fichier binaire ?).",
                                     "un acte est un fichier texte Markdown.", "file.binary"))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split(path: str, text: str) -> tuple[str, int, str, int]:
    """Split ``---`` front matter from the body; returns (yaml, yaml_line, body, body_line)."""
    if not text.strip():
        raise FrontMatterError(error(path, 1, "le fichier est vide.",
                                     "commencez par un bloc d'en-tête YAML entre deux lignes « --- » "
                                     "(voir « registre new »).", "file.empty"))
    lines = text.split("\n")
    if lines[0].strip() != "---":
        raise FrontMatterError(error(path, 1, "l'en-tête YAML est absent : la première ligne doit être « --- ».",
                                     "ajoutez en tête du fichier un bloc « --- » … « --- » décrivant l'acte.",
                                     "frontmatter.missing"))
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            yaml_text = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1:])
            return yaml_text, 2, body, index + 2
    raise FrontMatterError(error(path, 1, "l'en-tête YAML n'est pas refermé.",
                                 "ajoutez une ligne « --- » après la dernière clé de l'en-tête.",
                                 "frontmatter.unclosed"))


class _NoAliasComposer(yaml.SafeLoader):
    """SafeLoader whose composer refuses anchors and aliases."""

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "alias YAML interdit", event.start_mark)
        event = self.peek_event()
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise yaml.composer.ComposerError(
                None, None, "ancre YAML interdite", event.start_mark)
        return super().compose_node(parent, index)


def _compose_fast(yaml_text: str) -> yaml.Node | None:
    """libyaml's C composer (about 10× faster), or None to take the careful path.

    Text with « & », « * » or a tabulation anywhere (libyaml accepts a tab
    after « : », PyYAML does not), text libyaml rejects, and machines
    without libyaml go through :class:`_NoAliasComposer`, which refuses
    anchors and aliases and words errors the way :func:`_french_problem`
    knows; so both paths accept exactly the same documents.  libyaml marks
    plain scalars with style ``''`` where PyYAML says ``None``: normalised."""
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None or "&" in yaml_text or "*" in yaml_text or "\t" in yaml_text:
        return None
    try:
        node = yaml.compose(yaml_text, Loader=loader)
    except yaml.YAMLError:
        return None
    # No « * » in the text, so no alias: the tree is a tree and this walk ends.
    scalar, mapping = yaml.ScalarNode, yaml.MappingNode
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        kind = current.__class__
        if kind is scalar:
            if current.style == "":
                current.style = None
        elif kind is mapping:
            for key, value in current.value:
                if key.__class__ is scalar:
                    if key.style == "":
                        key.style = None
                else:
                    stack.append(key)
                stack.append(value)
        else:
            stack.extend(current.value)
    return node


def compose(path: str, yaml_text: str, first_line: int) -> yaml.MappingNode:
    """YAML text → mapping node; syntax problems become one diagnostic."""
    try:
        node = _compose_fast(yaml_text)
        if node is None:
            node = yaml.compose(yaml_text, Loader=_NoAliasComposer)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        problem = exc.problem or "syntaxe incorrecte"
        if "alias" in problem or "ancre" in problem:
            raise FrontMatterError(error(
                path, line, f"en-tête YAML : {problem} (« & » et « * » ne sont pas acceptés).",
                "écrivez chaque valeur en entier, sans ancre ni alias.", "yaml.alias")) from None
        raise FrontMatterError(error(
            path, line, f"en-tête YAML illisible : {_french_problem(problem)}.",
            "vérifiez l'indentation (des espaces, pas de tabulation), les deux-points après chaque clé "
            "et mettez entre guillemets les textes qui contiennent « : » ou « # ».",
            "yaml.syntax")) from None
    except RecursionError:
        raise FrontMatterError(_too_deep(path, first_line)) from None
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        raise FrontMatterError(error(path, first_line, f"en-tête YAML illisible : {exc}.",
                                     "vérifiez la syntaxe de l'en-tête.", "yaml.syntax")) from None
    if node is None:
        raise FrontMatterError(error(path, first_line, "l'en-tête YAML est vide.",
                                     "décrivez l'acte : type, numero, date, objet, signataire…",
                                     "frontmatter.empty"))
    if _depth(node) > MAX_DEPTH:
        raise FrontMatterError(_too_deep(path, first_line))
    if not isinstance(node, yaml.MappingNode):
        raise FrontMatterError(error(path, first_line + node.start_mark.line,
                                     "l'en-tête YAML doit être une liste de clés « clé: valeur ».",
                                     "écrivez une clé par ligne, par exemple « type: decision ».",
                                     "frontmatter.not_mapping"))
    return node


MAX_DEPTH = 10  # an act nests at most three levels (annexes: - fichier: …)


def _depth(node: yaml.Node) -> int:
    """Nesting depth of a YAML tree, without recursion."""
    deepest = 0
    stack = [(node, 1)]
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        if isinstance(current, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in current.value for child in pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in current.value)
    return deepest


def _too_deep(path: str, line: int):
    return error(path, line, "en-tête YAML trop imbriqué (listes ou blocs les uns dans les autres).",
                 "un acte n'a besoin que de « clé: valeur », de blocs sur un niveau et de listes simples.",
                 "yaml.depth")


_PROBLEMS = {
    "mapping values are not allowed here": "deux-points inattendu (un texte contenant « : » doit être entre guillemets)",
    "could not find expected ':'": "deux-points manquant après une clé",
    "found character '\\t' that cannot start any token": "tabulation interdite (utilisez des espaces)",
    "expected <block end>, but found '<block mapping start>'": "indentation incohérente",
    "found undefined alias": "alias YAML interdit",
    "found unexpected end of stream": "guillemet, crochet ou accolade non refermé avant la fin de l'en-tête",
    "expected ',' or ']'": "crochet non refermé ou virgule manquante dans une liste [ … ]",
    "expected ',' or '}'": "accolade non refermée ou virgule manquante dans un bloc { … }",
}


def _french_problem(problem: str) -> str:
    for english, french in _PROBLEMS.items():
        if problem.startswith(english):
            return french
    return problem


def read_source(path: str, data: bytes) -> SourceFile:
    """Parse the bytes of one act file; raises :class:`FrontMatterError`."""
    text = decode(path, data)
    yaml_text, yaml_line, body, body_line = split(path, text)
    check_raw_characters(path, yaml_text, yaml_line)
    node = compose(path, yaml_text, yaml_line)
    return SourceFile(path=path, front=node, body=body, body_line=body_line, front_line=yaml_line,
                      yaml_text=yaml_text)


def check_raw_characters(path: str, yaml_text: str, first_line: int) -> None:
    """A control, bidirectional or zero-width character written as such in the front
    matter (a value or a comment) is refused before YAML reads it, naming its line."""
    found = first_forbidden_line(yaml_text, FORBIDDEN_IN_RAW_YAML)
    if found is None:
        return
    index, char = found
    line_text = yaml_text.split("\n")[index]
    comment = line_text.lstrip().startswith("#")
    key = line_text.split(":", 1)[0].strip(" -") if ":" in line_text and not comment else ""
    where = (f"« {FORBIDDEN_IN_RAW_YAML.sub('', key)} »" if key
             else "un commentaire de l'en-tête" if comment else "cette ligne de l'en-tête")
    raise FrontMatterError(error(
        path, first_line + index, f"caractère invisible interdit dans {where} : {describe(char)}.",
        what_to_do(where), "value.character"))
