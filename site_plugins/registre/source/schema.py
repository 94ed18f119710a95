"""The act format: front matter YAML tree → typed :class:`~registre.domain.model.Act`.

Each value is typed from its *raw text* according to the key it sits under,
so YAML 1.1 guesses never reach the register.  Every problem is collected as
a diagnostic naming the line; reading goes on to report them all at once.
"""

from __future__ import annotations

import difflib
import re
from datetime import date

import yaml

from registre.domain.characters import FORBIDDEN_IN_FIELDS, describe, what_to_do
from registre.domain.diagnostics import Diagnostic, error, warning
from registre.domain.model import (
    RESULTAT_WORDS,
    Act,
    ActType,
    Annex,
    Delegation,
    Portee,
    Signataire,
    Transmission,
    TransmissionMode,
    TransmissionStatus,
    Vote,
)
from registre.domain.paths import normalise_relative
from registre.source.frontmatter import SourceFile

# What `registre new` writes where staff must fill in a value (checks.placeholders finds those left).
MARKER = "À COMPLÉTER"

TOP_KEYS = (
    "type", "numero", "date", "objet", "signataire", "matiere", "portee", "notification",
    "delegation", "vote", "resultat", "publication", "affichage", "transmission", "annexes", "donne_acte", "recours",
    "note", "modifie", "abroge", "retire", "rectifie", "masquer", "original",
)
SIGNATAIRE_KEYS = ("prenom", "nom", "qualite")
DELEGATION_KEYS = ("deliberation", "alinea")
VOTE_KEYS = ("presents", "votants", "pour", "contre", "abstentions")
TRANSMISSION_KEYS = ("date", "ar", "mode", "non_requise", "en_attente")
PUBLICATION_KEYS = ("date", "mode")
DATED_KEYS = ("date",)
ANNEX_KEYS = ("fichier", "titre")
CORRECTION_KEYS = ("modifie", "abroge", "retire", "rectifie")
# The only fields whose text may run over several lines (a YAML block « | » keeps the newlines).
MULTILINE_KEYS = frozenset({"note", "recours"})

IDENTIFIER_RE = re.compile(r"^(deliberation|arrete|decision)-(\d{4})-([1-9]\d*)$")
MATIERE_RE = re.compile(r"^[1-9](\.[1-9]\d?){0,4}$")
# What a browser reads as markup: « < » directly followed by a letter, « / », « ! » or « ? »
# (a tag, an end tag, a comment); « a < b » and « < 10 € » stay text.
HTML_RE = re.compile(r"<[A-Za-z/!?][^>\n]{0,38}>?")
DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
DATE_LIKE_RE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$")  # « publication: 2025-06-02 »: a date alone
TRUE_WORDS = ("true",)
FALSE_WORDS = ("false",)
IMPLICIT_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in
                          ("str", "int", "float", "bool", "null", "timestamp"))

KEY_LABELS = {
    "type": "le type d'acte (deliberation, arrete ou decision)",
    "numero": "le numéro de l'acte",
    "date": "la date de l'acte",
    "objet": "l'objet de l'acte",
    "signataire": "le signataire (prénom, nom, qualité : R2131-1 CGCT)",
    "transmission": "la transmission au représentant de l'État (date et accusé de réception, "
                    "ou « non_requise », ou « en_attente »)",
    "delegation": "la délégation du conseil municipal (L2122-22 CGCT)",
    "portee": "la portée de l'arrêté (reglementaire, individuel ou espece)",
    "notification": "la date de notification (acte individuel, L2131-1 II CGCT)",
    "publication": "la date de mise en ligne (R2131-1 CGCT)",
    "affichage": "la date de l'affichage en mairie (L2131-1 IV CGCT)",
    "matiere": "le code matière @ctes entre guillemets, par exemple « matiere: \"8.1\" »",
}


def suggest(word: str, choices: tuple[str, ...] | list[str]) -> str | None:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return match[0] if match else None


class _Reader:
    """Types the values of one act's front matter and collects diagnostics."""

    def __init__(self, source: SourceFile, today: date):
        self.source = source
        self.path = source.path
        self.today = today
        self.diags: list[Diagnostic] = []
        self.lines: dict[str, int] = {"": 1}
        self.yaml_lines: list[str] | None = None
        # Blocks between braces (« signataire: {prenom: …} ») rather than indented: fixes follow suit.
        front = source.front.value if isinstance(source.front, yaml.MappingNode) else []
        self.flow = any(isinstance(v, yaml.MappingNode) and v.flow_style for _, v in front)

    # -- plumbing -------------------------------------------------------
    def line(self, node: yaml.Node) -> int:
        return self.source.front_line + node.start_mark.line

    def err(self, node_or_line, message: str, fix: str = "", code: str = "") -> None:
        line = node_or_line if isinstance(node_or_line, int) else self.line(node_or_line)
        self.diags.append(error(self.path, line, message, fix, code))

    def warn(self, node_or_line, message: str, fix: str = "", code: str = "") -> None:
        line = node_or_line if isinstance(node_or_line, int) else self.line(node_or_line)
        self.diags.append(warning(self.path, line, message, fix, code))

    def mapping(self, node: yaml.Node, key: str, allowed: tuple[str, ...]) -> dict[str, yaml.Node] | None:
        """Children of a mapping node; duplicate and unknown keys reported."""
        where = f"« {key} »" if key else "l'en-tête"
        if not isinstance(node, yaml.MappingNode):
            self.err(node, f"{where} doit être un bloc de clés (« clé: valeur »).",
                     f"écrivez les clés de {where} en dessous, indentées de deux espaces.", "type.mapping")
            return None
        if node.tag != "tag:yaml.org,2002:map":
            self.err(node, f"étiquette YAML « {node.tag} » interdite dans {where}.",
                     "supprimez l'étiquette commençant par « ! ».", "yaml.tag")
            return None
        result: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.err(key_node, f"clé invalide dans {where}.", "une clé est un mot suivi de « : ».",
                         "key.invalid")
                continue
            name = key_node.value
            bad = FORBIDDEN_IN_FIELDS.search(name)
            if bad:
                self.err(key_node, f"caractère invisible interdit dans une clé de {where} : {describe(bad.group(0))}.",
                         what_to_do("la clé"), "key.character")
                continue
            dotted = f"{key}.{name}" if key else name
            if name in result:
                first = self.lines.get(dotted, 0)
                self.err(key_node, f"la clé « {name} » apparaît deux fois dans {where} "
                                   f"(déjà ligne {first}) ; YAML ne garderait que la dernière.",
                         "supprimez l'une des deux lignes.", "key.duplicate")
                continue
            if name not in allowed:
                guess = suggest(name, allowed)
                hint = (f"vouliez-vous dire « {guess} » ?" if guess
                        else f"clés possibles : {', '.join(allowed)}.")
                self.err(key_node, f"clé inconnue « {name} » dans {where}.", hint, "key.unknown")
                continue
            self.lines[dotted] = self.line(key_node)
            result[name] = value_node
        return result

    def scalar(self, node: yaml.Node, key: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self.err(node, f"« {key} » doit être une valeur simple, pas une liste ni un bloc.",
                     "écrivez la valeur sur la même ligne que la clé.", "type.scalar")
            return None
        if node.tag not in IMPLICIT_TAGS:
            self.err(node, f"étiquette YAML « {node.tag} » interdite dans « {key} ».",
                     "supprimez l'étiquette commençant par « ! ».", "yaml.tag")
            return None
        value = node.value
        bad = FORBIDDEN_IN_FIELDS.search(value) if value else None
        if bad:
            self.err(node, f"caractère invisible interdit dans « {key} » : {describe(bad.group(0))}.",
                     what_to_do(f"« {key} »"), "value.character")
            return None
        return value

    def text(self, node: yaml.Node, key: str) -> str | None:
        value = self.scalar(node, key)
        if value is None:
            return None
        if node.style is None and value:
            self.cut_by_comment(node, key)
        if node.style is None and node.value in ("", "~", "null", "Null", "NULL"):
            self.err(node, f"« {key} » est vide.", f"indiquez {KEY_LABELS.get(key, 'une valeur')}.",
                     "value.empty")
            return None
        value = value.strip()
        if not value:
            self.err(node, f"« {key} » est vide.", f"indiquez {KEY_LABELS.get(key, 'une valeur')}.",
                     "value.empty")
            return None
        if "\n" in value and key not in MULTILINE_KEYS:
            self.err(node, f"« {key} » doit tenir sur une ligne.", "supprimez les retours à la ligne.",
                     "value.multiline")
        if HTML_RE.search(value):
            self.err(node, f"« {key} » contient une balise HTML ({HTML_RE.search(value).group(0)[:40]}).",
                     "les champs de l'en-tête sont du texte simple : retirez les « < » et « > » "
                     "ou écrivez « inférieur à ».", "value.html")
        return value

    def cut_by_comment(self, node: yaml.ScalarNode, key: str) -> None:
        """A plain text value followed on its line by « # »: YAML read the rest as a comment
        and dropped it (``objet: Contrat #2 d'entretien`` is « Contrat »).  The comment
        « # À COMPLÉTER : … » that ``registre new`` writes after an empty value may stay
        once the value is typed before it (see the guide de saisie)."""
        if self.yaml_lines is None:
            self.yaml_lines = self.source.yaml_text.split("\n")
        end = node.end_mark
        if end.line >= len(self.yaml_lines):
            return
        line = self.yaml_lines[end.line]
        rest = line[end.column:]
        comment = rest.lstrip()
        start = node.start_mark
        next_line = False
        if not comment and end.line + 1 < len(self.yaml_lines):
            # A comment line indented under the key, where the text would go on: « objet: Contrat »
            # then « ··#2 d'entretien » on the next line.
            following = self.yaml_lines[end.line + 1]
            first = self.yaml_lines[start.line]
            key_column = len(first) - len(first.lstrip(" -"))
            if following.lstrip().startswith("#") and len(following) - len(following.lstrip()) > key_column:
                comment = following.strip()
                next_line = True
        if not comment.startswith("#") or comment[1:].lstrip().startswith(MARKER):
            return  # no comment, or the one « registre new » wrote after the value to type
        if next_line:
            whole = f"{node.value} {comment}"
            self.err(node, f"« {key} » est coupé : YAML lit la ligne suivante, qui commence par « # », comme un "
                           f"commentaire, la valeur publiée serait « {node.value[:80]} » au lieu de « {whole[:120]} ».",
                     "mettez tout le texte entre guillemets sur la ligne de la clé (un commentaire voulu se place "
                     "sur sa propre ligne, sans décalage).", "value.comment")
            return
        whole = (node.value + rest).strip() if start.line == end.line else f"{node.value}{rest.rstrip()}"
        corrected = line[:start.column] + quoted(whole) if start.line == end.line else None
        self.err(node, f"« {key} » est coupé : YAML lit tout ce qui suit « # » comme un commentaire, la valeur "
                       f"publiée serait « {node.value[:80]} » au lieu de « {whole[:120]} ».",
                 "mettez le texte entre guillemets"
                 + (f", la ligne devient : {corrected.strip()}" if corrected else "")
                 + " (un commentaire voulu se place sur sa propre ligne, commençant par « # »).",
                 "value.comment")

    def integer(self, node: yaml.Node, key: str, *, minimum: int = 0) -> int | None:
        value = self.scalar(node, key)
        if value is None:
            return None
        value = value.strip()
        if not value:
            self.err(node, f"« {key} » est vide.", f"écrivez le nombre après les deux-points, par exemple « "
                     f"{key.rsplit('.', 1)[-1]}: 12 ».", "value.empty")
            return None
        if not re.fullmatch(r"[0-9]+", value):
            self.err(node, f"« {key} » doit être un nombre entier, pas « {value[:40]} ».",
                     f"écrivez par exemple « {key.rsplit('.', 1)[-1]}: 12 ».", "value.integer")
            return None
        if len(value) > 10:
            self.err(node, f"« {key} » est démesuré (nombre de {len(value)} chiffres : {value[:20]}…).",
                     "vérifiez la valeur : un numéro ou un nombre de voix s'écrit en quelques chiffres.",
                     "value.range")
            return None
        if len(value) > 1 and value.startswith("0"):
            self.err(node, f"« {key.rsplit('.', 1)[-1]}: {value} » commence par un zéro : YAML le lirait comme un nombre "
                           f"octal ({_octal_reading(value)}).",
                     f"écrivez « {key.rsplit('.', 1)[-1]}: {int(value)} » sans zéro initial.", "value.leading_zero")
            return None
        number = int(value)
        if number < minimum:
            self.err(node, f"« {key} » doit valoir au moins {minimum}.", "", "value.range")
            return None
        if number > 10**9:
            self.err(node, f"« {key} » est démesuré ({value[:20]}).", "vérifiez la valeur.", "value.range")
            return None
        return number

    def date(self, node: yaml.Node, key: str) -> date | None:
        value = self.scalar(node, key)
        if value is None:
            return None
        value = value.strip()
        if not value:
            self.err(node, f"« {key} » est vide.", f"écrivez la date après les deux-points, au format AAAA-MM-JJ, "
                     f"par exemple « {key.rsplit('.', 1)[-1]}: 2025-05-30 ».", "value.empty")
            return None
        match = DATE_RE.match(value)
        if not match:
            self.err(node, f"« {key} » : « {value[:40]} » n'est pas une date au format AAAA-MM-JJ.",
                     f"écrivez par exemple « {key.rsplit('.', 1)[-1]}: 2025-05-30 ».", "date.format")
            return None
        try:
            parsed = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            self.err(node, f"« {key} » : la date {value} n'existe pas.",
                     "vérifiez le jour et le mois (AAAA-MM-JJ).", "date.impossible")
            return None
        if parsed.year < 1790:
            self.err(node, f"« {key} » : l'année {parsed.year} est invraisemblable.",
                     "vérifiez l'année.", "date.implausible")
            return None
        if parsed.year > self.today.year + 1:
            self.err(node, f"« {key} » : la date {value} est dans un futur lointain.",
                     "vérifiez l'année.", "date.far_future")
            return None
        return parsed

    def boolean(self, node: yaml.Node, key: str) -> bool | None:
        value = self.scalar(node, key)
        if value is None:
            return None
        if value in TRUE_WORDS:
            return True
        if value in FALSE_WORDS:
            return False
        self.err(node, f"« {key} » doit valoir « true » ou « false », pas « {value[:20]} ».",
                 f"écrivez « {key.rsplit('.', 1)[-1]}: true » (les mots oui, non, yes, no, on, off ne sont pas "
                 "acceptés : YAML les lit de façons différentes).", "value.boolean")
        return None

    def text_list(self, node: yaml.Node, key: str) -> list[tuple[str, yaml.Node]]:
        if isinstance(node, yaml.ScalarNode) and node.value:
            items = [node]
        elif isinstance(node, yaml.SequenceNode):
            items = node.value
        else:
            example = f"{key}: [valeur1, valeur2]" if self.flow else f"{key}:\n  - valeur1\n  - valeur2"
            self.err(node, f"« {key} » doit être une liste.", "écrivez une valeur par ligne :" + shown_yaml(example),
                     "type.list")
            return []
        result = []
        for item in items:
            value = self.text(item, key)
            if value is not None:
                result.append((value, item))
        return result

    def identifiers(self, node: yaml.Node, key: str) -> tuple[str, ...]:
        result = []
        for value, item in self.text_list(node, key):
            if not IDENTIFIER_RE.match(value):
                self.err(item, f"« {key} » : « {value[:60]} » n'est pas un identifiant d'acte.",
                         "un identifiant s'écrit type-année-numéro, par exemple « decision-2025-11 ».",
                         "identifier.format")
                continue
            result.append(value)
        return tuple(result)

    def dated(self, node: yaml.Node, key: str, allowed: tuple[str, ...] = DATED_KEYS) -> date | None:
        """A ``{date: …}`` block (publication, notification, affichage)."""
        if isinstance(node, yaml.ScalarNode) and DATE_LIKE_RE.match(node.value.strip()):
            short = key.rsplit(".", 1)[-1]
            self.err(node, f"« {key} » : la date s'écrit dans un bloc, pas seule.",
                     f"écrivez « {short}: {{date: {node.value}}} ».", "type.mapping")
            return None
        children = self.mapping(node, key, allowed)
        if children is None:
            return None
        if "date" not in children:
            self.err(node, f"« {key} » doit contenir une « date ».",
                     "écrivez la date :" + shown_yaml(yaml_mapping(key, [("date", "2025-06-02")],
                                                                   bool(getattr(node, "flow_style", False)))),
                     "key.required")
            return None
        return self.date(children["date"], f"{key}.date")

    def require(self, children: dict[str, yaml.Node], keys, where_line: int, act_label: str) -> bool:
        ok = True
        for key in keys:
            if key not in children:
                self.err(where_line, f"{_capitalised(KEY_LABELS.get(key, key))} manque ({act_label}) : "
                                     f"clé « {key} » absente.",
                         required_fix(key, self.flow), f"{key}.missing")
                ok = False
        return ok


def _capitalised(text: str) -> str:
    """First letter in capitals, the others as written (« l'État » stays so)."""
    return text[:1].upper() + text[1:]


def quoted(text: str) -> str:
    """``text`` as a YAML quoted scalar: double quotes, or single ones when it holds « " » or « \\ »."""
    if '"' in text or "\\" in text:
        return "'" + text.replace("'", "''") + "'"
    return '"' + text + '"'


def _octal_reading(value: str) -> str:
    try:
        return str(int(value, 8))
    except ValueError:
        return "une autre valeur"


# Blocks the fixes propose, as (key, [(sub-key, example value)]).
EXAMPLE_BLOCKS = {
    "transmission": [[("date", "AAAA-MM-JJ"), ("ar", '"DDD-SIREN-AAAAMMJJ-NUMERO-NATURE"')],
                     [("non_requise", '"motif"')], [("en_attente", "true")]],
    "signataire": [[("prenom", "…"), ("nom", "…"), ("qualite", "Maire")]],
    "delegation": [[("deliberation", "AAAA-MM-JJ"), ("alinea", "4")]],
    "notification": [[("date", "AAAA-MM-JJ")]],
    "publication": [[("date", "AAAA-MM-JJ")]],
    "affichage": [[("date", "AAAA-MM-JJ")]],
}
REQUIRED_NOTES = {
    "transmission": "ajoutez la transmission au représentant de l'État (date et accusé de réception), ou le motif "
                    "pour lequel elle n'est pas requise, ou « en_attente » :",
    "signataire": "ajoutez le signataire :",
    "delegation": "ajoutez la date de la délibération du conseil donnant délégation et l'alinéa de l'article "
                  "L2122-22 :",
    "notification": "ajoutez la date de notification à l'intéressé :",
    "publication": "ajoutez la date de mise en ligne :",
    "affichage": "ajoutez la date de l'affichage en mairie :",
}
REQUIRED_SCALARS = {
    "portee": "ajoutez « portee: reglementaire », « portee: individuel » ou « portee: espece ».",
    "type": "ajoutez « type: deliberation », « type: arrete » ou « type: decision ».",
    "numero": "ajoutez « numero: 12 » (numéro dans l'année et le type ; « registre new » le calcule).",
    "date": "ajoutez « date: AAAA-MM-JJ » (date de signature ou de séance).",
    "objet": "ajoutez « objet: … » sur une ligne.",
}


def yaml_mapping(key: str, items: list[tuple[str, str]], flow: bool) -> str:
    """``key`` holding ``items``, written as YAML: a block (one sub-key per line, indented
    by two spaces) or, in a file that writes its blocks between braces, on one line."""
    if flow:
        return f"{key}: {{" + ", ".join(f"{name}: {value}" for name, value in items) + "}"
    return f"{key}:" + "".join(f"\n  {name}: {value}" for name, value in items)


def shown_yaml(*snippets: str) -> str:
    """YAML snippets as a fix shows them: each on its own lines, indented by four spaces
    (copy them without the indentation), alternatives separated by « ou »."""
    return "\n  ou".join("\n" + "\n".join("    " + line for line in snippet.split("\n")) for snippet in snippets)


def required_fix(key: str, flow: bool) -> str:
    """The fix for a missing key, its example written in the file's own style."""
    if key in EXAMPLE_BLOCKS:
        return REQUIRED_NOTES[key] + shown_yaml(*(yaml_mapping(key, items, flow) for items in EXAMPLE_BLOCKS[key]))
    return REQUIRED_SCALARS.get(key, f"ajoutez la clé « {key} ».")


def read_act(source: SourceFile, *, acts_root_rel: str, today: date) -> tuple[Act | None, list[Diagnostic]]:
    """Type one act's front matter.  ``acts_root_rel`` is the file's path
    relative to the acts root (POSIX), used for annex paths and ``Act.source``."""
    r = _Reader(source, today)
    top = r.mapping(source.front, "", TOP_KEYS)
    if top is None:
        return None, r.diags
    head_line = source.front_line

    act_type = None
    if "type" in top:
        raw = r.text(top["type"], "type")
        if raw is not None:
            try:
                act_type = ActType(raw)
            except ValueError:
                guess = suggest(raw, [t.value for t in ActType])
                r.err(top["type"], f"type d'acte inconnu « {raw} ».",
                      (f"vouliez-vous dire « {guess} » ? " if guess else "")
                      + "valeurs possibles : deliberation, arrete, decision.", "type.unknown")
    label = act_type.label.lower() if act_type else "acte"

    r.require(top, ("type", "numero", "date", "objet", "signataire", "transmission"), head_line, label)
    numero = r.integer(top["numero"], "numero", minimum=1) if "numero" in top else None
    act_date = r.date(top["date"], "date") if "date" in top else None
    objet = r.text(top["objet"], "objet") if "objet" in top else None

    signataire = None
    if "signataire" in top:
        children = r.mapping(top["signataire"], "signataire", SIGNATAIRE_KEYS)
        if children is not None:
            values = {}
            for key in SIGNATAIRE_KEYS:
                if key not in children:
                    r.err(top["signataire"], f"signataire : « {key} » manque (R2131-1 CGCT : prénom, nom et "
                                             "qualité de l'auteur doivent figurer en caractères lisibles).",
                          f"ajoutez « {key}: … » sous « signataire ».", "signataire.incomplete")
                else:
                    values[key] = r.text(children[key], f"signataire.{key}")
            if all(values.get(k) for k in SIGNATAIRE_KEYS):
                signataire = Signataire(**values)

    matiere = None
    if "matiere" in top:
        matiere = r.text(top["matiere"], "matiere")
        if matiere and not MATIERE_RE.match(matiere):
            r.err(top["matiere"], f"« matiere » : « {matiere} » n'est pas un code de la nomenclature ACTES.",
                  "écrivez le code entre guillemets, par exemple « matiere: \"8.1\" ».", "matiere.format")
            matiere = None
    else:
        r.warn(head_line, "la matière (nomenclature ACTES) n'est pas indiquée.",
               "ajoutez par exemple « matiere: \"8.1\" » : elle sert aux filtres et à l'export open data.",
               "matiere.missing")

    portee = None
    if "portee" in top:
        raw = r.text(top["portee"], "portee")
        if raw is not None:
            try:
                portee = Portee(raw)
            except ValueError:
                guess = suggest(raw, [p.value for p in Portee])
                r.err(top["portee"], f"portée inconnue « {raw} ».",
                      (f"vouliez-vous dire « {guess} » ? " if guess else "")
                      + "valeurs possibles : reglementaire, individuel, espece.", "portee.unknown")
    elif act_type is ActType.ARRETE:
        r.require(top, ("portee",), head_line, label)

    notification = r.dated(top["notification"], "notification") if "notification" in top else None
    publication = r.dated(top["publication"], "publication", PUBLICATION_KEYS) if "publication" in top else None
    publication_papier = _publication_on_paper(r, top["publication"]) if "publication" in top else False
    affichage = r.dated(top["affichage"], "affichage") if "affichage" in top else None
    if portee is Portee.INDIVIDUEL:
        if "notification" not in top:
            r.err(head_line, "acte individuel sans date de notification : il devient exécutoire par sa "
                             "notification à l'intéressé (L2131-1 II CGCT).", required_fix("notification", r.flow),
                  "notification.missing")
    elif "publication" not in top and act_type is not None:
        r.err(head_line, "la date de mise en ligne manque : clé « publication » absente (R2131-1 CGCT).",
              "pour un acte programmé, indiquez la date future ; " + required_fix("publication", r.flow),
              "publication.missing")

    delegation = None
    if "delegation" in top:
        children = r.mapping(top["delegation"], "delegation", DELEGATION_KEYS)
        if children is not None and r.require(children, DELEGATION_KEYS, r.line(top["delegation"]),
                                              "délégation"):
            deleg_date = r.date(children["deliberation"], "delegation.deliberation")
            alinea = r.integer(children["alinea"], "delegation.alinea", minimum=1)
            if alinea is not None and alinea > 29:
                r.err(children["alinea"], f"alinéa {alinea} : l'article L2122-22 compte 29 alinéas.",
                      "vérifiez le numéro d'alinéa de la délégation.", "delegation.alinea")
            elif deleg_date and alinea:
                delegation = Delegation(deleg_date, alinea)
        if act_type is not None and act_type is not ActType.DECISION:
            r.warn(top["delegation"], f"« delegation » ne concerne que les décisions du maire (ici : {label}).",
                   "retirez la clé, ou changez le type en « decision ».", "delegation.unexpected")
    elif act_type is ActType.DECISION:
        r.err(head_line, "décision du maire sans délégation : une décision prise par délégation doit citer "
                         "la délibération qui la donne et l'alinéa de l'article L2122-22 CGCT.",
              required_fix("delegation", r.flow), "delegation.missing")

    vote = None
    if "vote" in top:
        children = r.mapping(top["vote"], "vote", VOTE_KEYS)
        if children is not None and r.require(children, VOTE_KEYS, r.line(top["vote"]), "vote"):
            numbers = {k: r.integer(children[k], f"vote.{k}") for k in VOTE_KEYS}
            if all(v is not None for v in numbers.values()):
                vote = Vote(**numbers)  # type: ignore[arg-type]
        if act_type is not None and act_type is not ActType.DELIBERATION:
            r.warn(top["vote"], "« vote » ne concerne que les délibérations.", "retirez la clé.",
                   "vote.unexpected")

    resultat = None
    if "resultat" in top:
        raw = r.text(top["resultat"], "resultat")
        if raw is not None:
            resultat = RESULTAT_WORDS.get(raw.lower())
            if resultat is None:
                r.err(top["resultat"], f"résultat du vote inconnu « {raw[:40]} ».",
                      "écrivez « resultat: adoptée » ou « resultat: rejetée ».", "resultat.unknown")

    transmission = None
    if "transmission" in top:
        transmission = _read_transmission(r, top["transmission"])

    annexes = []
    if "annexes" in top:
        annexes = _read_annexes(r, top["annexes"], acts_root_rel)

    donne_acte = r.identifiers(top["donne_acte"], "donne_acte") if "donne_acte" in top else ()
    if donne_acte and act_type is not None and act_type is not ActType.DELIBERATION:
        r.err(top["donne_acte"], "« donne_acte » se porte sur une délibération (compte rendu au conseil, L2122-23).",
              "déplacez la liste sur la délibération de la séance.", "donne_acte.unexpected")
    corrections = {k: r.identifiers(top[k], k) if k in top else () for k in CORRECTION_KEYS}
    recours = r.text(top["recours"], "recours") if "recours" in top else None
    note = r.text(top["note"], "note") if "note" in top else None
    masquer = tuple(v for v, _ in r.text_list(top["masquer"], "masquer")) if "masquer" in top else ()
    original = None
    if "original" in top:
        raw = r.text(top["original"], "original")
        if raw:
            original, problem = normalise_relative(acts_root_rel, raw)
            if problem:
                r.err(top["original"], f"« original » : {problem}", "indiquez un fichier PDF placé dans acts/.",
                      "path.outside")

    if not source.body.strip():
        r.err(max(source.body_line - 1, 1), "le texte de l'acte manque : rien n'est écrit après l'en-tête.",
              "copiez sous la ligne « --- » le texte intégral de l'acte signé : un acte est publié en entier "
              "(R2131-1 CGCT).", "body.empty")
    if any(d.is_error for d in r.diags):
        return None, r.diags
    assert act_type and numero and act_date and objet and signataire and transmission
    act = Act(
        source=acts_root_rel, type=act_type, numero=numero, date=act_date, objet=objet,
        signataire=signataire, transmission=transmission, body=source.body, body_line=source.body_line,
        matiere=matiere, portee=portee, notification=notification, publication=publication,
        publication_papier=publication_papier, affichage=affichage,
        delegation=delegation, vote=vote, resultat=resultat, annexes=tuple(annexes), donne_acte=donne_acte,
        recours=recours, note=note, masquer=masquer, original=original, lines=r.lines,
        raw=to_plain(source.front), **corrections,
    )
    return act, r.diags


PUBLICATION_MODES = {"papier": True, "electronique": False}


def _publication_on_paper(r: _Reader, node: yaml.Node) -> bool:
    """``mode`` of a ``publication`` block: « papier » (L2131-1 IV 2° CGCT) or « electronique »."""
    if not isinstance(node, yaml.MappingNode):
        return False  # reported by dated()
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == "mode":
            raw = r.scalar(value_node, "publication.mode")
            if raw is None:
                return False
            if raw.strip().lower() not in PUBLICATION_MODES:
                guess = suggest(raw.strip().lower(), list(PUBLICATION_MODES))
                r.err(value_node, f"mode de publication inconnu « {raw[:40]} ».",
                      (f"vouliez-vous dire « {guess} » ? " if guess else "")
                      + "écrivez « mode: papier » pour une publication sur papier (commune de moins de 3 500 "
                        "habitants, L2131-1 IV CGCT), ou retirez la ligne pour la publication électronique.",
                      "publication.mode")
                return False
            return PUBLICATION_MODES[raw.strip().lower()]
    return False


TRANSMISSION_MODES = {"papier": TransmissionMode.PAPIER, "actes": TransmissionMode.ACTES}


def _read_transmission(r: _Reader, node: yaml.Node) -> Transmission | None:
    children = r.mapping(node, "transmission", TRANSMISSION_KEYS)
    if children is None:
        return None
    forms = [k for k in ("date", "non_requise", "en_attente") if k in children]
    transmitted_keys = [k for k in ("ar", "mode") if k in children]
    if transmitted_keys and "date" not in children:
        forms.append(transmitted_keys[0])
    if len(forms) != 1 or (transmitted_keys and any(k in children for k in ("non_requise", "en_attente"))):
        r.err(node, "« transmission » doit dire une seule chose : transmis (date et ar, ou date et "
                    "« mode: papier »), non requise (non_requise: motif) ou en attente (en_attente: true).",
              "gardez une seule de ces formes.", "transmission.form")
        return None
    form = forms[0]
    if form in ("date", "ar", "mode"):
        mode = TransmissionMode.ACTES
        if "mode" in children:
            raw = r.text(children["mode"], "transmission.mode")
            if raw is None:
                return None
            if raw.lower() not in TRANSMISSION_MODES:
                guess = suggest(raw.lower(), list(TRANSMISSION_MODES))
                r.err(children["mode"], f"mode de transmission inconnu « {raw[:40]} ».",
                      (f"vouliez-vous dire « {guess} » ? " if guess else "")
                      + "écrivez « mode: papier » pour une transmission sur papier à la préfecture, ou retirez "
                        "la ligne pour une télétransmission @ctes.", "transmission.mode")
                return None
            mode = TRANSMISSION_MODES[raw.lower()]
        if mode is TransmissionMode.PAPIER:
            if "ar" in children:
                r.err(children["ar"], "transmission sur papier : l'accusé de réception papier de la préfecture "
                                      "n'a pas d'identifiant @ctes, « ar » ne peut pas l'accompagner.",
                      "retirez la ligne « ar » (transmission sur papier : la date de réception suffit), ou "
                      "retirez « mode: papier » si l'acte a été télétransmis par @ctes.", "transmission.paper_ar")
                return None
            if "date" not in children:
                r.err(node, "transmission sur papier : « date » manque (la date de réception de l'acte en "
                            "préfecture, portée sur l'accusé de réception papier).",
                      "ajoutez « date: AAAA-MM-JJ », ou « en_attente: true » à la place de « mode » si "
                      "l'accusé n'est pas encore revenu.", "transmission.incomplete")
                return None
            when = r.date(children["date"], "transmission.date")
            if when is None:
                return None
            return Transmission(TransmissionStatus.TRANSMIS, date=when, mode=TransmissionMode.PAPIER)
        if "ar" not in children or "date" not in children:
            missing = "ar" if "ar" not in children else "date"
            r.err(node, f"transmission : « {missing} » manque (la date de transmission et l'identifiant de "
                        "l'accusé de réception @ctes vont ensemble).",
                  "ajoutez « ar: \"DDD-SIREN-AAAAMMJJ-NUMERO-NATURE\" » et « date: AAAA-MM-JJ » ; pour un acte "
                  "transmis sur papier, « date » (réception en préfecture) et « mode: papier » ; ou "
                  "« en_attente: true » si l'accusé n'est pas encore revenu.", "transmission.incomplete")
            return None
        when = r.date(children["date"], "transmission.date")
        ar = r.text(children["ar"], "transmission.ar")
        if when is None or ar is None:
            return None
        return Transmission(TransmissionStatus.TRANSMIS, date=when, ar=ar, mode=TransmissionMode.ACTES)
    if form == "non_requise":
        motif = r.text(children["non_requise"], "transmission.non_requise")
        if motif is None:
            return None
        return Transmission(TransmissionStatus.NON_REQUISE, motif=motif)
    value = r.boolean(children["en_attente"], "transmission.en_attente")
    if value is not True:
        if value is False:
            r.err(children["en_attente"], "« en_attente: false » ne dit pas où en est la transmission.",
                  "indiquez la date et l'accusé de réception (date, ar) une fois reçus, ou la date de réception "
                  "et « mode: papier » pour une transmission sur papier.", "transmission.form")
        return None
    return Transmission(TransmissionStatus.EN_ATTENTE)


def _read_annexes(r: _Reader, node: yaml.Node, source_rel: str) -> list[Annex]:
    if not isinstance(node, yaml.SequenceNode):
        r.err(node, "« annexes » doit être une liste.",
              "écrivez une ligne « - fichier: nom.pdf » par annexe, avec « titre: … ».", "type.list")
        return []
    annexes = []
    for item in node.value:
        titre = None
        if isinstance(item, yaml.ScalarNode):
            raw = r.text(item, "annexes")
            line_node = item
        else:
            children = r.mapping(item, "annexes", ANNEX_KEYS)
            if children is None:
                continue
            if "fichier" not in children:
                r.err(item, "annexe sans « fichier ».", "ajoutez « fichier: nom-du-fichier.pdf ».",
                      "annexe.fichier")
                continue
            raw = r.text(children["fichier"], "annexes.fichier")
            line_node = children["fichier"]
            if "titre" in children:
                titre = r.text(children["titre"], "annexes.titre")
        if raw is None:
            continue
        path, problem = normalise_relative(source_rel, raw)
        if problem:
            r.err(line_node, f"annexe « {raw[:80]} » : {problem}",
                  "placez l'annexe dans le dossier acts/, à côté de l'acte, et indiquez son nom.",
                  "path.outside")
            continue
        if not path.lower().endswith((".pdf", ".md")):
            r.err(line_node, f"annexe « {raw[:80]} » : seuls les fichiers PDF et Markdown (.md) sont acceptés.",
                  "convertissez l'annexe en PDF.", "annexe.format")
            continue
        if f"annexes.{path}" in r.lines:
            r.err(line_node, f"l'annexe « {path} » est listée deux fois (déjà ligne {r.lines[f'annexes.{path}']}).",
                  "retirez la ligne en double.", "annexe.duplicate")
            continue
        annexes.append(Annex(path=path, titre=titre))
        r.lines[f"annexes.{path}"] = r.line(line_node)
    return annexes


def to_plain(node: yaml.Node):
    """YAML tree → plain values with every scalar kept as its raw text."""
    if isinstance(node, yaml.MappingNode):
        return {k.value: to_plain(v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    if isinstance(node, yaml.SequenceNode):
        return [to_plain(v) for v in node.value]
    return node.value

