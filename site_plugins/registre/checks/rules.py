"""Rules that look at one act against the law, or at the register as a whole.

Each rule is a function ``(register) -> Iterable[Diagnostic]`` listed in
:data:`RULES`; :func:`check_register` runs them all.  Field-level rules
(required keys, real dates, types) live in :mod:`registre.source.schema`.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from datetime import timedelta
from typing import Callable, Iterable

from registre.checks.html_policy import check_body, rule_html_annexes
from registre.checks.integrity import rule_integrity
from registre.checks.mandats import rule_delegation_mandate
from registre.checks.original_pdf import rule_original_pdf
from registre.checks.personal_data import personal_data_in_act, rule_personal_data_annexes
from registre.checks.placeholders import placeholders_in_act, rule_placeholders
from registre.checks.publicite import rule_publicite
from registre.checks.seances import rule_seances
from registre.domain.addresses import annex_uri
from registre.domain.ar import check_ar
from registre.domain.characters import FORBIDDEN_IN_TEXT, describe, forbidden_lines, what_to_do
from registre.domain.dates import format_date
from registre.domain.diagnostics import Diagnostic, error, warning
from registre.domain.lifecycle import possible_results
from registre.domain.mandats import rejected_days
from registre.domain.model import Act, ActType, Annex, Portee, TransmissionStatus
from registre.domain.nomenclature import rule_matiere_nomenclature
from registre.domain.paths import check_inside, display_path
from registre.domain.register import Register
from registre.source.schema import shown_yaml, yaml_mapping

Rule = Callable[[Register], Iterable[Diagnostic]]

TRANSMISSION_WAIT_DAYS = 15


def _where(register: Register, act: Act) -> str:
    return register.shown(act)


def rule_dates_order(register: Register) -> Iterable[Diagnostic]:
    """The act comes first: transmission, publication and notification follow it."""
    for act in register.acts:
        path = _where(register, act)
        for key, when in (("transmission.date", act.transmission.date), ("publication.date", act.publication),
                          ("notification.date", act.notification)):
            if when is not None and when < act.date:
                yield error(path, act.line_of(key),
                            f"{key.split('.')[0]} le {format_date(when)}, avant la date de l'acte "
                            f"({format_date(act.date)}).",
                            "un acte ne peut être transmis, publié ou notifié avant d'être signé : "
                            "vérifiez les deux dates.", "dates.order")
        for key, when, what in (("transmission.date", act.transmission.date,
                                 "la transmission au représentant de l'État"),
                                ("notification.date", act.notification, "la notification")):
            if when is not None and when > register.today:
                yield error(path, act.line_of(key),
                            f"{what} est datée du {format_date(when)}, postérieure à aujourd'hui "
                            f"({format_date(register.today)}) : le registre ne peut pas dire qu'elle a eu lieu.",
                            "indiquez la date réelle une fois l'acte transmis ou notifié ; d'ici là, écrivez "
                            "« transmission: {en_attente: true} » ou retirez la notification.", "dates.not_yet")
        if act.date > register.today:
            yield error(path, act.line_of("date"),
                        f"la date de l'acte ({format_date(act.date)}) est postérieure à aujourd'hui "
                        f"({format_date(register.today)}).",
                        "la date est celle de la signature ou de la séance ; pour publier plus tard, "
                        "mettez la date future dans « publication ».", "dates.future")
        if act.publication and act.publication > register.today + timedelta(days=366):
            yield error(path, act.line_of("publication.date"),
                        f"mise en ligne programmée à plus d'un an ({format_date(act.publication)}).",
                        "vérifiez l'année de la date de publication.", "dates.far_future")


def rule_delegation(register: Register) -> Iterable[Diagnostic]:
    """A décision rests on a délégation the council gave before it (L2122-22): not after the décision,
    and not on a day whose délibérations the register holds were all rejected (a rejected délibération
    delegates nothing)."""
    rejected = rejected_days(register.acts)
    for act in register.acts:
        delegation = act.delegation
        if delegation is None:
            continue
        if delegation.deliberation > act.date:
            yield error(_where(register, act), act.line_of("delegation.deliberation"),
                        f"la délibération donnant délégation est datée du {format_date(delegation.deliberation)}, "
                        f"après la décision ({format_date(act.date)}) : le maire ne peut décider par "
                        "délégation qu'en vertu d'une délibération déjà adoptée (L2122-22 CGCT).",
                        "vérifiez la date de la délibération de délégation (« deliberation » sous "
                        "« delegation ») et celle de la décision.", "delegation.order")
        elif delegation.deliberation in rejected:
            yield error(_where(register, act), act.line_of("delegation.deliberation"),
                        f"la délibération de délégation citée ({format_date(delegation.deliberation)}) a été "
                        "rejetée, comme toutes les délibérations de ce jour dans le registre : une délibération "
                        "rejetée ne délègue rien au maire (L2122-22 CGCT).",
                        "citez la délibération de délégation adoptée par le conseil en fonction (« deliberation » "
                        "sous « delegation ») ; sans délégation, la décision relève du conseil municipal.",
                        "delegation.rejetee")


def rule_transmission(register: Register) -> Iterable[Diagnostic]:
    config = register.config
    for act in register.acts:
        path = _where(register, act)
        transmission = act.transmission
        if transmission.status is TransmissionStatus.TRANSMIS and transmission.on_paper:
            continue  # the préfecture's paper receipt: a date, no @ctes identifier to check
        if transmission.status is TransmissionStatus.TRANSMIS:
            assert transmission.ar is not None
            for problem in check_ar(transmission.ar, departement=config.departement_code, siren=config.siren,
                                    act_date=act.date):
                make = error if problem.blocking else warning
                yield make(path, act.line_of("transmission.ar"), problem.message, problem.fix, "transmission.ar")
            nature = transmission.ar.rsplit("-", 1)[-1]
            expected = _expected_natures(act)
            if expected and nature not in expected:
                yield warning(path, act.line_of("transmission.ar"),
                              f"accusé de réception de nature {nature} pour {act.type.label.lower()}"
                              f"{' ' + act.portee.label if act.portee else ''} (nature attendue : "
                              f"{' ou '.join(expected)}).",
                              "vérifiez la nature choisie lors de la télétransmission.", "transmission.nature")
        elif transmission.status is TransmissionStatus.EN_ATTENTE:
            age = (register.today - act.date).days
            if age > TRANSMISSION_WAIT_DAYS:
                yield warning(path, act.line_of("transmission"),
                              f"transmission en attente depuis {age} jours : l'acte n'est pas exécutoire tant "
                              "qu'il n'est pas transmis au représentant de l'État.",
                              "indiquez la date et l'identifiant de l'accusé de réception @ctes "
                              "(« date » et « ar ») dès leur retour, ou, pour un acte transmis sur papier, "
                              "la date de réception en préfecture et « mode: papier ».", "transmission.late")
        elif act.type in (ActType.DELIBERATION, ActType.DECISION):
            yield warning(path, act.line_of("transmission"),
                          f"{act.type.label} déclarée non soumise à transmission : les délibérations et les "
                          "décisions prises par délégation sont transmises au représentant de l'État, sauf "
                          "exceptions limitées (L2131-2 I 1° CGCT).",
                          "vérifiez que l'acte relève bien d'une exception, sinon indiquez la transmission.",
                          "transmission.non_requise")


def _expected_natures(act: Act) -> tuple[str, ...]:
    if act.type is ActType.DELIBERATION:
        return ("DE", "BF", "CC")
    if act.type is ActType.ARRETE:
        if act.portee is Portee.INDIVIDUEL:
            return ("AI",)
        return ("AR", "AU")
    return ()  # décisions: DE or AU depending on the préfecture (unconfirmed)


def rule_resultat(register: Register) -> Iterable[Diagnostic]:
    """A délibération says truly whether it was adopted or rejected (L2121-20 CGCT)."""
    for act in register.acts:
        if act.resultat is not None and act.type is not ActType.DELIBERATION:
            yield error(_where(register, act), act.line_of("resultat"),
                        f"« resultat » ne concerne que les délibérations (ici : {act.type.label.lower()}).",
                        "retirez la ligne « resultat ».", "resultat.unexpected")
            continue
        vote = act.vote
        if act.type is not ActType.DELIBERATION or vote is None:
            continue
        possible = possible_results(vote)
        counted = f"{vote.pour} pour, {vote.contre} contre"
        if act.resultat is None and len(possible) > 1:
            yield error(_where(register, act), act.line_of("vote"),
                        f"partage égal des voix ({counted}) : le registre ne peut pas dire seul si la "
                        "délibération est adoptée ou rejetée (L2121-20 CGCT : la voix du président est "
                        "prépondérante, sauf au scrutin secret, où la délibération est rejetée).",
                        "ajoutez « resultat: adoptée » ou « resultat: rejetée » d'après le procès-verbal.",
                        "resultat.missing")
        elif act.resultat is not None and act.resultat not in possible:
            yield error(_where(register, act), act.line_of("resultat"),
                        f"« resultat: {act.resultat.label} » contredit le vote ({counted}) : une délibération "
                        "est adoptée à la majorité des suffrages exprimés, les abstentions ne comptant pas "
                        "(L2121-20 CGCT).",
                        f"écrivez « resultat: {possible[0].label} », ou corrigez les nombres d'après le "
                        "procès-verbal.", "resultat.contradiction")


def rule_vote(register: Register) -> Iterable[Diagnostic]:
    for act in register.acts:
        vote = act.vote
        if vote is None:
            continue
        path = _where(register, act)
        total = vote.pour + vote.contre + vote.abstentions
        if total != vote.votants:
            yield error(path, act.line_of("vote"),
                        f"vote : pour ({vote.pour}) + contre ({vote.contre}) + abstentions ({vote.abstentions}) "
                        f"= {total}, différent du nombre de votants ({vote.votants}).",
                        "corrigez les nombres d'après le procès-verbal de séance.", "vote.sum")
        if vote.votants > 2 * vote.presents:
            yield error(path, act.line_of("vote.votants"),
                        f"vote : {vote.votants} votants pour {vote.presents} présents ; chaque présent ne peut "
                        "détenir qu'un pouvoir (votants ≤ 2 × présents).",
                        "vérifiez le nombre de présents et de votants.", "vote.proxies")
        if vote.presents == 0:
            yield error(path, act.line_of("vote.presents"), "vote : aucun conseiller présent.",
                        "indiquez le nombre de conseillers présents.", "vote.presents")


def rule_files(register: Register) -> Iterable[Diagnostic]:
    """Annexes and originals exist, inside acts/, and are not symlinks."""
    for act in register.acts:
        path = _where(register, act)
        for annex in act.annexes:
            problem = check_inside(register.acts_root, annex.path)
            if problem:
                yield error(path, act.line_of(f"annexes.{annex.path}"),
                            f"annexe « {annex.path} » : {problem}",
                            "ajoutez le fichier dans acts/ (à côté de l'acte) ou corrigez son nom.", "annexe.missing")
        if act.original:
            problem = check_inside(register.acts_root, act.original)
            if problem:
                yield error(path, act.line_of("original"), f"original « {act.original} » : {problem}",
                            "ajoutez le PDF signé dans acts/ ou corrigez son nom.", "original.missing")
            elif not act.original.lower().endswith(".pdf"):
                yield error(path, act.line_of("original"), "l'original signé doit être un fichier PDF.",
                            "numérisez l'acte signé en PDF.", "original.format")


def rule_annex_addresses(register: Register) -> Iterable[Diagnostic]:
    """Two annexes of one act never publish to the same address: the second would replace the
    first on the site while both are sealed.  Addresses equal but for letter case or Unicode
    normalisation count as the same (a server on Windows or macOS makes them one file)."""

    for act in register.acts:
        by_address: dict[str, list[Annex]] = defaultdict(list)
        for annex in act.annexes:
            address = unicodedata.normalize("NFC", annex_uri(act, annex).rstrip("/")).casefold()
            by_address[address].append(annex)
        for annexes in by_address.values():
            if len(annexes) < 2:
                continue
            for annex in annexes:
                others = " et ".join(f"« {o.path} »" for o in annexes if o is not annex)
                yield error(_where(register, act), act.line_of(f"annexes.{annex.path}"),
                            f"l'annexe « {annex.path} » serait publiée à la même adresse que {others} "
                            f"(« {annex_uri(act, annex)} ») : l'une remplacerait l'autre sur le site.",
                            "renommez l'un des fichiers : les majuscules ne suffisent pas à distinguer deux noms, "
                            "et deux annexes d'un même acte ne peuvent pas porter le même nom, même dans deux "
                            "dossiers.", "annexe.address")


def rule_recours(register: Register) -> Iterable[Diagnostic]:
    """The page must carry the voies et délais de recours (CJA R421-5)."""
    tribunal = register.config.tribunal
    for act in register.acts:
        path = _where(register, act)
        if act.recours:
            text = act.recours.lower()
            missing = [label for label, words in (("la juridiction (tribunal administratif)", ("tribunal",)),
                                                  ("le délai (deux mois)", ("deux mois", "2 mois")))
                       if not any(w in text for w in words)]
            if missing:
                yield error(path, act.line_of("recours"),
                            f"la mention des voies et délais de recours ne cite pas {' ni '.join(missing)} "
                            "(R421-5 CJA : sans elle, les délais ne sont pas opposables).",
                            "complétez le texte de « recours » ou supprimez la clé pour utiliser la mention "
                            "standard.", "recours.incomplete")
        elif not tribunal.adresse or "tribunal" not in tribunal.nom.lower():
            yield error(path, act.line_of(""),
                        "mention des voies de recours impossible : le tribunal administratif n'est pas "
                        "configuré.", "renseignez le tribunal sous « registre: » dans mkdocs.yml :"
                        + shown_yaml(yaml_mapping("tribunal", [("nom", "tribunal administratif de …"),
                                                               ("adresse", "…")], flow=False)),
                        "recours.config")


def html_in_act(act: Act, path: str) -> Iterable[Diagnostic]:
    for line, message, fix in check_body(act.body):
        yield error(path, act.body_line + line - 1, message, fix, "body.html")


def characters_in_text(text: str, path: str, first_line: int, what: str, code: str) -> Iterable[Diagnostic]:
    """Control and bidirectional characters in a Markdown text (see :mod:`registre.domain.characters`)."""
    for index, char in forbidden_lines(text, FORBIDDEN_IN_TEXT):
        yield error(path, first_line + index, f"caractère invisible interdit dans le texte {what} : "
                                              f"{describe(char)}.", what_to_do("cette ligne"), code)


def characters_in_act(act: Act, path: str) -> Iterable[Diagnostic]:
    return characters_in_text(act.body, path, act.body_line, "de l'acte", "body.character")


def rule_characters_annexes(register: Register) -> Iterable[Diagnostic]:
    """Markdown annexes are published as pages: the same characters are refused there."""
    for path, text in register.markdown_annex_texts():
        yield from characters_in_text(text, display_path(path), 1, "de l'annexe", "annexe.character")


# Checks of what one act's file says, whatever the rest of the register: their
# diagnostics are kept with the act read (see registre.build.act_cache).
ACT_TEXT_CHECKS: tuple[Callable[[Act, str], Iterable[Diagnostic]], ...] = (
    html_in_act, characters_in_act, personal_data_in_act, placeholders_in_act,
)


def act_text_diagnostics(act: Act, path: str) -> list[Diagnostic]:
    return [diag for check in ACT_TEXT_CHECKS for diag in check(act, path)]


def rule_act_text(register: Register) -> Iterable[Diagnostic]:
    for act in register.acts:
        found = register.text_diagnostics.get(act.source)
        if found is None:
            found = register.text_diagnostics[act.source] = act_text_diagnostics(act, _where(register, act))
        yield from found


def rule_numbering(register: Register) -> Iterable[Diagnostic]:
    """Unique (type, year, numero); gaps and out-of-date-order numbers."""
    groups: dict[tuple[ActType, int], list[Act]] = defaultdict(list)
    for act in register.acts:
        groups[(act.type, act.year)].append(act)
    for (act_type, year), acts in sorted(groups.items(), key=lambda kv: (kv[0][0].value, kv[0][1])):
        acts.sort(key=lambda a: (a.numero, a.source))
        by_number: dict[int, list[Act]] = defaultdict(list)
        for act in acts:
            by_number[act.numero].append(act)
        for numero, same in by_number.items():
            if len(same) > 1:
                for act in same:
                    others = ", ".join(_where(register, o) for o in same if o is not act)
                    yield error(_where(register, act), act.line_of("numero"),
                                f"numéro en double : {act.type.label.lower()} n°{numero} de {year} "
                                f"(« {act.identifier} ») existe aussi dans {others}.",
                                "donnez à l'un des deux actes le numéro suivant libre "
                                "(« registre new » le calcule).", "numero.duplicate")
        first = register.config.first_number(act_type, year)
        numbers = sorted(by_number)
        for act in acts:
            if act.numero < first:
                yield warning(_where(register, act), act.line_of("numero"),
                              f"numéro {act.numero} inférieur au premier numéro de ce registre pour les "
                              f"{act_type.plural.lower()} de {year} ({first}).",
                              "vérifiez le numéro, ou « premiers_numeros » dans mkdocs.yml.", "numero.below_first")
        expected = first
        for numero in numbers:
            if numero < first:
                continue
            if numero > expected:
                act = by_number[numero][0]
                missing = f"n°{expected}" if numero - expected == 1 else f"n°{expected} à {numero - 1}"
                yield warning(_where(register, act), act.line_of("numero"),
                              f"numérotation des {act_type.plural.lower()} de {year} : {missing} {'manquant' if numero - expected == 1 else 'manquants'} "
                              f"avant le n°{numero}.",
                              "ajoutez l'acte manquant, ou corrigez ce numéro.", "numero.gap")
            expected = numero + 1
        previous = None
        for numero in numbers:
            act = by_number[numero][0]
            if previous is not None and act.date < previous.date:
                yield warning(_where(register, act), act.line_of("numero"),
                              f"{act.type.label.lower()} n°{numero} {act.type.agree('daté')} du "
                              f"{format_date(act.date)}, avant {act.type.article} n°{previous.numero} "
                              f"({format_date(previous.date)}) : les actes sont inscrits "
                              "par ordre de date (L2121-23, L2122-29 CGCT).",
                              "vérifiez le numéro ou la date.", "numero.order")
            previous = act


def rule_filename(register: Register) -> Iterable[Diagnostic]:
    for act in register.acts:
        stem = act.source.rsplit("/", 1)[-1][:-3]
        if stem != act.identifier:
            yield warning(_where(register, act), 1,
                          f"le fichier s'appelle « {stem}.md » mais l'acte est « {act.identifier} ».",
                          f"renommez le fichier en « {act.identifier}.md » pour s'y retrouver.", "file.name")


def rule_references(register: Register) -> Iterable[Diagnostic]:
    """donne_acte and corrections point to existing acts of the right kind."""
    for act in register.acts:
        path = _where(register, act)
        for key in ("donne_acte", "modifie", "abroge", "retire", "rectifie"):
            for ident in getattr(act, key):
                target = register.by_id.get(ident)
                if target is None:
                    yield error(path, act.line_of(key), f"« {key} » cite « {ident} », absent du registre.",
                                "vérifiez l'identifiant (type-année-numéro).", "reference.unknown")
                elif ident == act.identifier:
                    yield error(path, act.line_of(key), f"« {key} » : l'acte se cite lui-même.",
                                "retirez cet identifiant.", "reference.self")
                elif key == "donne_acte" and target.type is not ActType.DECISION:
                    yield error(path, act.line_of(key),
                                f"« donne_acte » cite « {ident} », qui n'est pas une décision prise par délégation.",
                                "ne citez que des décisions du maire (type decision).", "donne_acte.type")
                elif target.date > act.date:
                    yield error(path, act.line_of(key),
                                f"« {key} » cite « {ident} », {target.type.agree('daté')} du {format_date(target.date)}, après cet acte "
                                f"({format_date(act.date)}).",
                                "un acte ne peut porter que sur un acte antérieur.", "reference.order")


def rule_donne_acte(register: Register) -> Iterable[Diagnostic]:
    report = register.donne_acte
    seen: dict[str, Act] = {}
    for deliberation in sorted(register.of_type(ActType.DELIBERATION), key=lambda a: (a.date, a.numero)):
        for ident in deliberation.donne_acte:
            if ident in seen:
                yield warning(_where(register, deliberation), deliberation.line_of("donne_acte"),
                              f"« {ident} » a déjà fait l'objet d'un donné acte ({seen[ident].identifier}).",
                              "retirez le doublon.", "donne_acte.duplicate")
            seen.setdefault(ident, deliberation)
    for decision, due in report.missed:
        yield warning(_where(register, decision), decision.line_of("date"),
                      f"décision non rapportée au conseil : la séance du {format_date(due)} aurait dû en "
                      "prendre acte (L2122-23 CGCT).",
                      "ajoutez son identifiant à « donne_acte » de la délibération de la séance suivante.",
                      "donne_acte.missed")


RULES: tuple[Rule, ...] = (
    rule_act_text, rule_dates_order, rule_delegation, rule_delegation_mandate, rule_transmission, rule_publicite,
    rule_vote, rule_resultat, rule_files, rule_annex_addresses, rule_recours,
    rule_numbering, rule_filename, rule_references, rule_donne_acte, rule_matiere_nomenclature,
    rule_placeholders, rule_original_pdf, rule_integrity, rule_html_annexes, rule_personal_data_annexes,
    rule_characters_annexes, rule_seances,
)


def check_register(register: Register) -> list[Diagnostic]:
    diags: list[Diagnostic] = []
    for rule in RULES:
        diags.extend(rule(register))
    return diags

