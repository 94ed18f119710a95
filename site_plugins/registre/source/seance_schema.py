"""The séance format: front matter YAML tree → typed :class:`~registre.domain.seance.Seance`.

One file per séance of the council, ``acts/<année>/seance-<AAAA-MM-JJ>.md`` (format:
docs/format-des-actes.md, « Le fichier de séance »).  Values are typed from their raw text by the
same reader as acts (:class:`registre.source.schema._Reader`): unknown keys with a suggestion,
duplicate keys, real dates, integers without leading zeros, ``true``/``false`` only, each problem a
French diagnostic naming its line.  Rules that compare values (delays, quorum, proxies, the acts of
the séance) are :mod:`registre.checks.seances`.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import yaml

from registre.domain.diagnostics import Diagnostic
from registre.domain.paths import normalise_relative
from registre.domain.seance import Member, Pouvoir, ProcesVerbal, Seance, member_key
from registre.source.frontmatter import SourceFile
from registre.source.schema import _Reader, shown_yaml, suggest, to_plain, yaml_mapping

SEANCE_TYPE = "seance"
SEANCE_KEYS = (
    "type", "date", "heure", "lieu", "convocation", "urgence", "seconde_convocation", "membres_en_exercice",
    "president", "secretaires", "presents", "pouvoirs", "absents", "liste", "proces_verbal",
)
REQUIRED_KEYS = ("type", "date", "lieu", "convocation", "membres_en_exercice", "president", "presents")
PRESIDENT_KEYS = ("prenom", "nom", "qualite")
SECRETAIRE_KEYS = ("prenom", "nom")
POUVOIR_KEYS = ("de", "a")
LISTE_KEYS = ("publication",)
PV_KEYS = ("arrete_le", "publication", "original")

# seance-2025-07-03.md: the date of the séance is in the file's name.
SEANCE_NAME_RE = re.compile(r"^seance-(\d{4}-\d{2}-\d{2})\.md$")
HEURE_RE = re.compile(r"^([01]?\d|2[0-3])\s*[:hH]\s*([0-5]\d)?$")

REQUIRED_FIXES = {
    "type": "ajoutez « type: seance » en première ligne de l'en-tête.",
    "date": "ajoutez « date: AAAA-MM-JJ » (le jour de la séance, celui du nom du fichier).",
    "lieu": "ajoutez « lieu: Salle du conseil municipal » (le lieu de la réunion).",
    "convocation": "ajoutez « convocation: AAAA-MM-JJ » : la date d'envoi de la convocation aux conseillers "
                   "(L2121-10 CGCT).",
    "membres_en_exercice": "ajoutez « membres_en_exercice: 15 » : le nombre de conseillers en fonction, "
                           "qui décide du quorum (L2121-17 CGCT).",
    "president": "ajoutez le président de séance :"
                 + shown_yaml("president: {prenom: Patrick, nom: PASCAL, qualite: Maire}"),
    "presents": "ajoutez la liste des conseillers présents, « Prénom NOM » :"
                + shown_yaml("presents:\n  - Patrick PASCAL\n  - Marie DURAND"),
}
KEY_NAMES = {
    "type": "le type", "date": "la date de la séance", "lieu": "le lieu de la séance",
    "convocation": "la date d'envoi de la convocation", "membres_en_exercice": "le nombre de membres en exercice",
    "president": "le président de séance", "presents": "la liste des présents",
}


# The header errors found before the file is known to be a séance (frontmatter.py speaks of an act):
# for a file named « seance-… », their fix describes a séance.
HEADER_CODES = frozenset({"file.empty", "frontmatter.missing", "frontmatter.empty", "frontmatter.not_mapping"})
HEADER_FIX = ("décrivez la séance entre deux lignes « --- » : « type: seance », date, lieu, convocation, "
              "membres_en_exercice, president, presents (voir « Le fichier de séance » dans le guide du format "
              "des actes).")


def as_seance_header_error(diagnostic: Diagnostic) -> Diagnostic:
    """A header error of a séance file, with the fix of a séance."""
    return dataclasses.replace(diagnostic, fix=HEADER_FIX) if diagnostic.code in HEADER_CODES else diagnostic


def is_seance_name(rel: str) -> bool:
    """A file of acts/ named as a séance file (``seance-…``): read as a séance whatever its type."""
    return rel.rsplit("/", 1)[-1].startswith("seance-")


def declares_seance(source: SourceFile) -> bool:
    """The front matter says ``type: seance``."""
    for key, value in source.front.value:
        if getattr(key, "value", None) == "type" and isinstance(value, yaml.ScalarNode):
            return value.value.strip() == SEANCE_TYPE
    return False


def declared_original(source: SourceFile, rel: str) -> str | None:
    """The signed PV a séance file names, even when its front matter has errors."""
    for key, value in source.front.value:
        if getattr(key, "value", None) != "proces_verbal" or not isinstance(value, yaml.MappingNode):
            continue
        for sub, item in value.value:
            if getattr(sub, "value", None) == "original" and isinstance(item, yaml.ScalarNode) and item.value:
                path, problem = normalise_relative(rel, item.value.strip())
                return None if problem else path
    return None


def read_seance(source: SourceFile, *, acts_root_rel: str, today: date) -> tuple[Seance | None, list[Diagnostic]]:
    """Type one séance file's front matter.  ``acts_root_rel``: the file's path under acts/ (POSIX).
    Returns the séance (None when a value is wrong) and every diagnostic found."""
    r = _Reader(source, today)
    top = r.mapping(source.front, "", SEANCE_KEYS)
    if top is None:
        return None, r.diags
    head = source.front_line
    for key in REQUIRED_KEYS:
        if key not in top:
            r.err(head, f"{KEY_NAMES[key][0].upper()}{KEY_NAMES[key][1:]} manque (séance) : clé « {key} » absente.",
                  REQUIRED_FIXES[key], f"{key}.missing")

    if "type" in top:
        raw = r.text(top["type"], "type")
        if raw is not None and raw != SEANCE_TYPE:
            guess = suggest(raw, [SEANCE_TYPE])
            r.err(top["type"], f"« type: {raw[:40]} » dans un fichier de séance : un fichier nommé "
                               "« seance-AAAA-MM-JJ.md » décrit une séance du conseil.",
                  ("vouliez-vous dire « seance » ? " if guess else "")
                  + "écrivez « type: seance », ou, s'il s'agit d'un acte, renommez le fichier "
                    "(par exemple « deliberation-2025-12.md »).", "seance.type")

    when = r.date(top["date"], "date") if "date" in top else None
    name = acts_root_rel.rsplit("/", 1)[-1]
    if when is not None:
        expected = f"seance-{when.isoformat()}.md"
        if name != expected:
            r.err(top["date"],
                  f"le fichier s'appelle « {name} » mais la séance est du {when.isoformat()} : le nom d'un "
                  "fichier de séance porte sa date.",
                  f"renommez le fichier en « {expected} », ou corrigez « date » si elle est fausse.",
                  "seance.file_name")

    heure = None
    if "heure" in top:
        raw = r.text(top["heure"], "heure")
        if raw is not None:
            found = HEURE_RE.match(raw)
            if found is None:
                r.err(top["heure"], f"« heure » : « {raw[:20]} » n'est pas une heure.",
                      "écrivez l'heure d'ouverture entre guillemets, par exemple « heure: \"18:30\" ».",
                      "seance.heure")
            else:
                heure = f"{int(found[1]):02d}:{found[2] or '00'}"
    lieu = r.text(top["lieu"], "lieu") if "lieu" in top else None
    convocation = r.date(top["convocation"], "convocation") if "convocation" in top else None
    urgence = r.boolean(top["urgence"], "urgence") if "urgence" in top else False
    seconde = r.boolean(top["seconde_convocation"], "seconde_convocation") if "seconde_convocation" in top else False
    membres = (r.integer(top["membres_en_exercice"], "membres_en_exercice", minimum=1)
               if "membres_en_exercice" in top else None)

    president = None
    if "president" in top:
        president = _member(r, top["president"], "president", PRESIDENT_KEYS)

    secretaires: list[Member] = []
    if "secretaires" in top:
        node = top["secretaires"]
        if isinstance(node, yaml.MappingNode):
            node_items = [node]  # one secretary written as a block: accepted as a list of one
        elif isinstance(node, yaml.SequenceNode):
            node_items = node.value
        else:
            node_items = None
            r.err(node, "« secretaires » doit être une liste de conseillers (prénom, nom).",
                  "écrivez un secrétaire par ligne :" + shown_yaml("secretaires:\n  - {prenom: Marie, nom: DURAND}"),
                  "type.list")
        for item in node_items or ():
            member = _member(r, item, "secretaires", SECRETAIRE_KEYS)
            if member is not None:
                secretaires.append(member)
        if node_items == []:
            r.err(node, "« secretaires » est vide : le conseil désigne au moins un secrétaire de séance "
                        "(L2121-15 CGCT).",
                  "indiquez le secrétaire :" + shown_yaml("secretaires:\n  - {prenom: Marie, nom: DURAND}"),
                  "value.empty")
    else:
        r.warn(head, "aucun secrétaire de séance : le conseil en désigne au moins un au début de chaque séance, "
                     "il rédige et signe le procès-verbal (L2121-15 CGCT).",
               "ajoutez :" + shown_yaml("secretaires:\n  - {prenom: Marie, nom: DURAND}"), "seance.secretaire_missing")

    presents = _names(r, top["presents"], "presents") if "presents" in top else []
    absents = _names(r, top["absents"], "absents") if "absents" in top else []

    pouvoirs: list[Pouvoir] = []
    if "pouvoirs" in top:
        node = top["pouvoirs"]
        if not isinstance(node, yaml.SequenceNode):
            r.err(node, "« pouvoirs » doit être une liste, un pouvoir par ligne (mandant, mandataire).",
                  "écrivez :" + shown_yaml("pouvoirs:\n  - {de: Jean MARTIN, a: Marie DURAND}"), "type.list")
        else:
            for index, item in enumerate(node.value):
                children = r.mapping(item, "pouvoirs", POUVOIR_KEYS)
                if children is None:
                    continue
                missing = [k for k in POUVOIR_KEYS if k not in children]
                if missing:
                    r.err(item, "pouvoir incomplet : « de » (le conseiller absent qui donne pouvoir) et « a » "
                                "(le conseiller présent qui vote pour lui) vont ensemble (L2121-20 CGCT).",
                          "écrivez par exemple « - {de: Jean MARTIN, a: Marie DURAND} ».", "seance.pouvoir")
                    continue
                de = r.text(children["de"], "pouvoirs.de")
                a = r.text(children["a"], "pouvoirs.a")
                if de is None or a is None:
                    continue
                r.lines[f"pouvoirs.{index}"] = r.line(item)
                pouvoirs.append(Pouvoir(de=" ".join(de.split()), a=" ".join(a.split())))

    liste_publication = None
    if "liste" in top:
        children = r.mapping(top["liste"], "liste", LISTE_KEYS)
        if children is not None:
            if "publication" in children:
                liste_publication = r.dated(children["publication"], "liste.publication")
            else:
                r.err(top["liste"], "« liste » : la date de mise en ligne de la liste des délibérations manque.",
                      "écrivez :" + shown_yaml(yaml_mapping("liste", [("publication", "{date: 2025-07-07}")],
                                                            flow=False)) + " ou retirez « liste » tant qu'elle "
                      "n'est pas en ligne.", "key.required")

    proces_verbal = None
    if "proces_verbal" in top:
        children = r.mapping(top["proces_verbal"], "proces_verbal", PV_KEYS)
        if children is not None:
            arrete_le = (r.date(children["arrete_le"], "proces_verbal.arrete_le")
                         if "arrete_le" in children else None)
            publication = (r.dated(children["publication"], "proces_verbal.publication")
                           if "publication" in children else None)
            original = None
            if "original" in children:
                raw = r.text(children["original"], "proces_verbal.original")
                if raw:
                    original, problem = normalise_relative(acts_root_rel, raw)
                    if problem:
                        r.err(children["original"], f"« proces_verbal.original » : {problem}",
                              "indiquez le PDF du procès-verbal signé, placé dans acts/ à côté du fichier de "
                              "séance.", "path.outside")
                        original = None
                    elif not original.lower().endswith(".pdf"):
                        r.err(children["original"], "le procès-verbal signé doit être un fichier PDF.",
                              "numérisez le procès-verbal signé en PDF et indiquez son nom.", "original.format")
                        original = None
            if "publication" in children and "arrete_le" not in children:
                r.err(children["publication"], "procès-verbal publié sans date d'arrêté : le procès-verbal est "
                                               "arrêté au commencement de la séance suivante, puis publié "
                                               "(L2121-15 CGCT).",
                      "ajoutez « arrete_le: AAAA-MM-JJ » (la date de la séance qui l'a arrêté).",
                      "seance.pv_arrete_missing")
            proces_verbal = ProcesVerbal(arrete_le=arrete_le, publication=publication, original=original)

    if any(d.is_error for d in r.diags):
        return None, r.diags
    assert when and lieu and convocation and membres and president is not None
    seance = Seance(
        source=acts_root_rel, date=when, lieu=lieu, convocation=convocation, membres_en_exercice=membres,
        president=president, presents=tuple(presents), heure=heure, urgence=bool(urgence),
        seconde_convocation=bool(seconde), secretaires=tuple(secretaires), pouvoirs=tuple(pouvoirs),
        absents=tuple(absents), liste_publication=liste_publication, proces_verbal=proces_verbal,
        body=source.body, body_line=source.body_line, lines=dict(r.lines), raw=to_plain(source.front),
    )
    return seance, r.diags


def _member(r: _Reader, node: yaml.Node, key: str, keys: tuple[str, ...]) -> Member | None:
    children = r.mapping(node, key, keys)
    if children is None:
        return None
    values = {}
    for name in keys:
        if name not in children:
            what = "président de séance" if key == "president" else "secrétaire de séance"
            r.err(node, f"{what} : « {name} » manque.",
                  f"ajoutez « {name}: … » sous « {key} », par exemple "
                  + ("« president: {prenom: Patrick, nom: PASCAL, qualite: Maire} »." if key == "president"
                     else "« - {prenom: Marie, nom: DURAND} »."), "seance.member")
        else:
            values[name] = r.text(children[name], f"{key}.{name}")
    if not all(values.get(name) for name in keys):
        return None
    return Member(**values)


def _names(r: _Reader, node: yaml.Node, key: str) -> list[str]:
    """A list of members written « Prénom NOM »; a name twice is an error."""
    if isinstance(node, yaml.SequenceNode) and not node.value:
        return []
    names: list[str] = []
    seen: dict[str, int] = {}
    for value, item in r.text_list(node, key):
        name = " ".join(value.split())
        if "," in name or ";" in name:
            r.err(item, f"« {key} » : « {name[:80]} » : une virgule sépare plusieurs conseillers, lus ici comme un "
                        "seul nom.",
                  f"écrivez une liste entre crochets, « {key}: [Patrick PASCAL, Marie DURAND] », ou un conseiller "
                  "par ligne, « - Marie DURAND ».", "seance.name")
            continue
        if len(name.split()) < 2:
            r.err(item, f"« {key} » : « {name[:60]} » n'est pas un nom complet.",
                  "écrivez chaque conseiller « Prénom NOM », par exemple « Marie DURAND ».", "seance.name")
            continue
        folded = member_key(name)
        if folded in seen:
            where = "plus haut sur la même ligne" if seen[folded] == r.line(item) else f"déjà ligne {seen[folded]}"
            r.err(item, f"« {key} » : « {name} » figure deux fois ({where}).",
                  "retirez la ligne en double.", "seance.name_duplicate")
            continue
        seen[folded] = r.line(item)
        r.lines.setdefault(f"{key}.{folded}", r.line(item))
        names.append(name)
    return names
