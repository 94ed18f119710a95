"""The rules of the council's séance (CGCT L2121-10 to L2121-25), on the séance files and on the
délibérations dated on a séance.

- convocation sent at least 3 jours francs before the séance under 3,500 inhabitants, 5 at or above,
  1 with urgence (L2121-11, L2121-12); with ``habitants`` not set, 3 is assumed and a warning says so
  when only the shorter delay is met;
- quorum: more than half of the members in office present, unless on a second convocation (L2121-17),
  at the séance and for each délibération (members may leave); a séance without quorum where nothing
  was deliberated is the first meeting a second convocation follows, at least three days later;
- proxies (L2121-20): the mandataire is present and holds one proxy at most, the mandant is not
  present; présents, mandants and absents are disjoint and add up to the members in office;
  secretaries are among the présents (L2121-15);
- liste des délibérations online within a week of the séance (L2121-25); procès-verbal arrêté at the
  next séance, online within a week of it (L2121-15).

Reminders (late or awaited liste and PV, PV not arrêté at the next séance, délibération without a
séance file) are warnings in :data:`registre.domain.diagnostics.REMINDER_CODES`: they never stop a
strict build, since they only say that time has passed (or that the register began before séance
files).  Plain Python, no MkDocs.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Iterable

from registre.checks.html_policy import check_body
from registre.checks.original_pdf import read_problem
from registre.domain.characters import FORBIDDEN_IN_TEXT, describe, forbidden_lines, what_to_do
from registre.domain.dates import format_date, format_date_long
from registre.domain.diagnostics import Diagnostic, error, warning
from registre.domain.model import ActType
from registre.domain.paths import check_inside, display_path
from registre.domain.register import Register
from registre.domain.seance import (
    HABITANTS_THRESHOLD,
    LISTE_DAYS,
    PV_DAYS,
    SECOND_CONVOCATION_DAYS,
    Seance,
    convocation_days,
    jours_francs,
    member_key,
)


def _days(count: int) -> str:
    return f"{count} jour franc" if count <= 1 else f"{count} jours francs"


def _online(day, today, participle: str = "mise") -> str:
    """« mise en ligne le … », or, for a date to come (a scheduled publication), « dont la mise en
    ligne est prévue le … »."""
    if day <= today:
        return f"{participle} en ligne le {format_date(day)}"
    return f"dont la mise en ligne est prévue le {format_date(day)}"


THRESHOLD = f"{HABITANTS_THRESHOLD:,}".replace(",", "\u202f")  # « 3 500 »


def _members(count: int) -> str:
    return f"{count} membre" if count == 1 else f"{count} membres"


def _where(register: Register, seance: Seance) -> str:
    path = register.shown_paths.get(seance.source)
    if path is None:
        path = register.shown_paths[seance.source] = display_path(register.acts_root / seance.source)
    return path


def rule_duplicates(register: Register) -> Iterable[Diagnostic]:
    """One séance file per date."""
    by_date: dict = defaultdict(list)
    for seance in register.seances:
        by_date[seance.date].append(seance)
    for same in by_date.values():
        if len(same) < 2:
            continue
        for seance in same:
            others = ", ".join(_where(register, o) for o in same if o is not seance)
            yield error(_where(register, seance), seance.line_of("date"),
                        f"deux fichiers décrivent la séance du {format_date(seance.date)} : celui-ci et {others}.",
                        "gardez un seul fichier par séance, « seance-AAAA-MM-JJ.md » dans le dossier de son année ; "
                        "si le conseil s'est réuni deux fois, corrigez la date de l'autre séance.",
                        "seance.duplicate")


def rule_convocation(register: Register) -> Iterable[Diagnostic]:
    habitants = register.config.habitants
    for seance in register.seances:
        path = _where(register, seance)
        line = seance.line_of("convocation")
        francs = jours_francs(seance.convocation, seance.date)
        sent, held = format_date_long(seance.convocation), format_date_long(seance.date)
        if seance.convocation >= seance.date:
            yield error(path, line,
                        f"convocation envoyée le {sent}, pas avant la séance du {held}.",
                        "indiquez la date d'envoi de la convocation, antérieure à la séance.", "seance.convocation")
            continue
        needed = convocation_days(habitants, seance.urgence)
        if francs < needed:
            if seance.urgence:
                why = "même en cas d'urgence, le délai ne peut être inférieur à un jour franc (L2121-11, L2121-12 CGCT)"
            elif habitants is not None and habitants >= HABITANTS_THRESHOLD:
                why = (f"dans une commune de {THRESHOLD} habitants et plus, la convocation est adressée "
                       "cinq jours francs au moins avant la séance (L2121-12 CGCT)")
            else:
                why = ("la convocation est adressée trois jours francs au moins avant la séance (L2121-11 CGCT, "
                       f"communes de moins de {THRESHOLD} habitants)")
            latest = seance.date - timedelta(days=needed + 1)
            urgence = ("" if seance.urgence else "Si le délai a été abrégé pour urgence, écrivez « urgence: true » "
                       "(le maire en rend compte à l'ouverture de la séance) ; sinon ")
            yield error(path, line,
                        f"convocation envoyée le {sent} pour la séance du {held} : {_days(francs)} "
                        f"(ni le jour d'envoi ni celui de la séance ne comptent) ; {why}.",
                        f"vérifiez la date d'envoi : il fallait convoquer au plus tard le {format_date_long(latest)}. "
                        + (urgence or "Sinon, ") + "les délibérations de cette séance sont exposées à l'annulation.",
                        "seance.convocation")
        elif habitants is None and not seance.urgence and francs < 5:
            yield warning(path, line,
                          f"convocation envoyée {_days(francs)} avant la séance du {held} : le délai de trois jours "
                          f"francs (communes de moins de {THRESHOLD} habitants, L2121-11 CGCT) a été "
                          "retenu, la population de la commune n'étant pas indiquée ; à partir de "
                          f"{THRESHOLD} habitants il en faut cinq (L2121-12 CGCT).",
                          "indiquez la population sous « registre: » dans mkdocs.yml, par exemple "
                          "« habitants: 1500 ».", "seance.habitants_unknown")


def rule_quorum(register: Register) -> Iterable[Diagnostic]:
    """Quorum (L2121-17): a séance without it deliberates nothing; the second convocation that
    follows, at least three days later, deliberates without it."""
    deliberated = {act.date for act in register.acts if act.type is ActType.DELIBERATION}
    previous: Seance | None = None
    for seance in sorted(register.seances, key=lambda s: s.date):
        if seance.seconde_convocation:
            yield from _second_convocation(register, seance, previous)
        elif seance.lacks_quorum and seance.date in deliberated:
            present = len(seance.presents)
            yield error(_where(register, seance), seance.line_of("presents"),
                        f"quorum non atteint : {present} présent{'s' if present > 1 else ''} pour "
                        f"{_members(seance.membres_en_exercice)} en exercice ; le conseil ne délibère valablement "
                        f"que si la majorité de ses membres en exercice est présente, soit {seance.quorum} "
                        "(L2121-17 CGCT ; les pouvoirs ne comptent pas), et des délibérations sont datées de "
                        "cette séance.",
                        "vérifiez la liste des présents et « membres_en_exercice ». Si le quorum manquait, le "
                        "conseil n'a rien pu délibérer : il a été convoqué à nouveau, à trois jours au moins "
                        "d'intervalle ; décrivez cette seconde séance dans son propre fichier avec "
                        "« seconde_convocation: true » et datez-en les délibérations.", "seance.quorum")
        previous = seance


def _second_convocation(register: Register, seance: Seance, first: Seance | None) -> Iterable[Diagnostic]:
    """A séance without quorum requirement follows, in the register, a séance that lacked it."""
    path, line = _where(register, seance), seance.line_of("seconde_convocation")
    why = ("le conseil ne délibère sans condition de quorum que s'il a été convoqué à nouveau après une "
           "première séance où le quorum n'était pas atteint (L2121-17 CGCT)")
    if first is None or first.seconde_convocation or not first.lacks_quorum:
        before = ("le registre ne contient aucune séance antérieure" if first is None else
                  f"la séance précédente du registre, le {format_date(first.date)}, "
                  + ("était elle-même une seconde convocation" if first.seconde_convocation
                     else f"avait le quorum ({len(first.presents)} présents pour {first.quorum} nécessaires)"))
        yield error(path, line, f"« seconde_convocation: true » : {why} ; {before}.",
                    "ajoutez le fichier de la première séance (ses présents, sans délibération), ou retirez "
                    "« seconde_convocation: true » si le quorum était atteint.", "seance.seconde_convocation")
        return
    gap = (seance.date - first.date).days
    if gap < SECOND_CONVOCATION_DAYS:
        yield error(path, line,
                    f"seconde convocation le {format_date(seance.date)}, {gap} jour{'s' if gap > 1 else ''} après la "
                    f"séance sans quorum du {format_date(first.date)} : le conseil est convoqué à nouveau « à trois "
                    "jours au moins d'intervalle » (L2121-17 CGCT).",
                    "vérifiez les dates des deux séances ; une réunion plus proche ne peut pas délibérer sans "
                    "quorum.", "seance.seconde_convocation")


def rule_members(register: Register) -> Iterable[Diagnostic]:
    """Proxies, présents, absents and secretaries of each séance."""
    for seance in register.seances:
        path = _where(register, seance)
        present = {member_key(name): name for name in seance.presents}
        absent = {member_key(name): name for name in seance.absents}
        held: dict[str, int] = defaultdict(int)
        given: dict[str, int] = defaultdict(int)
        for index, pouvoir in enumerate(seance.pouvoirs):
            line = seance.line_of(f"pouvoirs.{index}")
            de, a = member_key(pouvoir.de), member_key(pouvoir.a)
            if de == a:
                yield error(path, line, f"pouvoir de « {pouvoir.de} » à lui-même.",
                            "indiquez dans « a » le conseiller présent qui vote au nom du mandant.",
                            "seance.pouvoir_self")
                continue
            if a not in present:
                yield error(path, line,
                            f"pouvoir de « {pouvoir.de} » à « {pouvoir.a} », qui n'est pas dans la liste des "
                            "présents : le mandataire vote au nom du mandant, il doit être présent (L2121-20 CGCT).",
                            f"ajoutez « {pouvoir.a} » aux présents, ou corrigez le nom du mandataire (écrit comme "
                            "dans « presents »).", "seance.pouvoir_mandataire")
            if de in present:
                yield error(path, line,
                            f"« {pouvoir.de} » est présent et donne pourtant pouvoir : seul un conseiller empêché "
                            "donne pouvoir (L2121-20 CGCT).",
                            f"retirez « {pouvoir.de} » des présents, ou retirez ce pouvoir.",
                            "seance.pouvoir_mandant_present")
            if de in absent:
                yield error(path, line,
                            f"« {pouvoir.de} » est à la fois mandant (il a donné pouvoir) et absent : présents, "
                            "représentés et absents sont trois listes distinctes.",
                            f"retirez « {pouvoir.de} » de « absents » : un conseiller qui a donné pouvoir est "
                            "représenté, il figure seulement dans « pouvoirs ».", "seance.membre_double")
            given[de] += 1
            if given[de] == 2:
                yield error(path, line, f"« {pouvoir.de} » donne deux pouvoirs.",
                            "un conseiller empêché donne un seul pouvoir : retirez l'un des deux.",
                            "seance.pouvoir_double")
            held[a] += 1
            if held[a] == 2:
                yield error(path, line,
                            f"« {pouvoir.a} » porte deux pouvoirs : un même conseiller ne peut être porteur que "
                            "d'un seul pouvoir (L2121-20 CGCT).",
                            "vérifiez les pouvoirs d'après le procès-verbal : le second mandant est absent, non "
                            "représenté.", "seance.pouvoir_multiple")
        for key, name in absent.items():
            if key in present:
                yield error(path, seance.line_of(f"absents.{key}"),
                            f"« {name} » figure à la fois parmi les présents et parmi les absents.",
                            "gardez le conseiller dans une seule des deux listes.", "seance.membre_double")
        counted = len(set(present) | set(given) | set(absent))
        if counted != seance.membres_en_exercice:
            yield warning(path, seance.line_of("membres_en_exercice"),
                          f"{len(present)} présent{'s' if len(present) > 1 else ''}, "
                          f"{len(given)} représenté{'s' if len(given) > 1 else ''} et "
                          f"{len(absent)} absent{'s' if len(absent) > 1 else ''} font "
                          f"{_members(counted)}, pour {_members(seance.membres_en_exercice)} en exercice.",
                          "complétez les listes « presents », « pouvoirs » et « absents » (chaque conseiller en "
                          "exercice figure dans l'une d'elles), ou corrigez « membres_en_exercice ».",
                          "seance.membres_total")
        for secretaire in seance.secretaires:
            if member_key(secretaire.display) not in present:
                yield error(path, seance.line_of("secretaires"),
                            f"le secrétaire de séance « {secretaire.display} » n'est pas dans la liste des présents : "
                            "il est désigné parmi les membres présents et signe le procès-verbal (L2121-15 CGCT).",
                            f"ajoutez « {secretaire.display} » aux présents (même écriture du prénom et du nom), "
                            "ou corrigez le secrétaire.", "seance.secretaire_absent")
        if member_key(seance.president.display) not in present:
            yield warning(path, seance.line_of("president"),
                          f"le président de séance « {seance.president.display} » n'est pas dans la liste des "
                          "présents.",
                          f"ajoutez « {seance.president.display} » aux présents (même écriture du prénom et du "
                          "nom), ou corrigez le président.", "seance.president_absent")


def rule_deliberations(register: Register) -> Iterable[Diagnostic]:
    """Each délibération dated on a séance agrees with it; one with no séance file is reported."""
    files = {rel.rsplit("/", 1)[-1] for rel in register.shown_paths}
    for act in register.of_type(ActType.DELIBERATION):
        seance = register.seance_by_date.get(act.date)
        path = register.shown(act)
        if seance is None:
            if f"seance-{act.date.isoformat()}.md" in files:
                continue  # a séance file with errors: those are reported
            yield warning(path, act.line_of("date"),
                          f"aucun fichier de séance pour le {format_date(act.date)}, date de cette délibération : "
                          "la convocation, le quorum et les pouvoirs ne peuvent être vérifiés.",
                          f"ajoutez « seance-{act.date.isoformat()}.md » dans le dossier de l'année (voir « Le "
                          "fichier de séance » dans le format des actes), ou corrigez la date.", "seance.missing")
            continue
        vote = act.vote
        if vote is None:
            continue
        where = f"la séance du {format_date(seance.date)} ({_where(register, seance)})"
        present = len(seance.presents)
        if vote.presents > present:
            yield error(path, act.line_of("vote.presents"),
                        f"vote : {vote.presents} présents, plus que les {present} présents de {where}.",
                        "corrigez le nombre de présents au vote, ou la liste des présents de la séance.",
                        "seance.vote_presents")
        proxies = len(seance.pouvoirs)
        if vote.votants > vote.presents + proxies:
            yield error(path, act.line_of("vote.votants"),
                        f"vote : {vote.votants} votants pour {vote.presents} présents et "
                        f"{proxies} pouvoir{'s' if proxies > 1 else ''} à {where} : on ne vote que présent "
                        "ou représenté (L2121-20 CGCT).",
                        "corrigez le nombre de votants d'après le procès-verbal, ou les pouvoirs de la séance.",
                        "seance.vote_votants")
        if not seance.seconde_convocation and vote.presents < seance.quorum:
            yield error(path, act.line_of("vote.presents"),
                        f"quorum non atteint pour cette délibération : {vote.presents} présents au vote pour "
                        f"{_members(seance.membres_en_exercice)} en exercice, il en faut {seance.quorum} ; le quorum "
                        "s'apprécie à chaque délibération, les conseillers sortis ne comptent pas "
                        "(L2121-17 CGCT).",
                        "vérifiez le nombre de présents au vote ; si la séance s'est tenue sur une seconde "
                        f"convocation, écrivez « seconde_convocation: true » dans {_where(register, seance)}.",
                        "seance.vote_quorum")


def rule_liste(register: Register) -> Iterable[Diagnostic]:
    """The liste des délibérations is online within a week of the séance (L2121-25)."""
    today = register.today
    for seance in register.seances:
        path = _where(register, seance)
        due = seance.date + timedelta(days=LISTE_DAYS)
        published = seance.liste_publication
        if published is not None and published < seance.date:
            yield error(path, seance.line_of("liste.publication"),
                        f"liste des délibérations mise en ligne le {format_date(published)}, avant la séance du "
                        f"{format_date(seance.date)}.",
                        "indiquez la date où la liste des délibérations examinées a été mise en ligne.",
                        "seance.liste_before")
        elif published is not None and published > due:
            yield warning(path, seance.line_of("liste.publication"),
                          f"liste des délibérations {_online(published, today)}, plus d'une semaine "
                          f"après la séance du {format_date(seance.date)} : elle devait l'être au plus tard le "
                          f"{format_date(due)} (L2121-25 CGCT).",
                          "pour les séances suivantes, mettez la liste en ligne et affichez-la à la mairie dans la "
                          "semaine.", "seance.liste_late")
        elif published is None and today > due:
            yield warning(path, seance.line_of("liste") if "liste" in seance.lines else seance.line_of("date"),
                          f"la liste des délibérations de la séance du {format_date(seance.date)} n'est pas en "
                          f"ligne : elle devait l'être au plus tard le {format_date(due)} (L2121-25 CGCT).",
                          "mettez-la en ligne et affichez-la à la mairie, puis indiquez la date :\n"
                          "    liste:\n      publication: {date: AAAA-MM-JJ}", "seance.liste_missing")


def rule_proces_verbal(register: Register) -> Iterable[Diagnostic]:
    """The PV is arrêté at the next séance and online within a week of it (L2121-15)."""
    today = register.today
    dates = sorted({s.date for s in register.seances})
    for seance in register.seances:
        path = _where(register, seance)
        pv = seance.proces_verbal
        later = [d for d in dates if d > seance.date]
        following = later[0] if later else None
        arrete = pv.arrete_le if pv else None
        if arrete is not None and arrete > today:
            yield error(path, seance.line_of("proces_verbal.arrete_le"),
                        f"procès-verbal arrêté le {format_date(arrete)} : cette date est postérieure à aujourd'hui "
                        f"({format_date(today)}), la séance qui doit l'arrêter ne s'est pas encore tenue.",
                        "retirez « arrete_le » tant que le procès-verbal n'est pas arrêté ; indiquez-le au "
                        "commencement de cette séance, une fois arrêté.", "dates.not_yet")
            arrete = None
        elif arrete is not None:
            unreadable = None  # the file of that séance, when it has errors (the register lacks the séance)
            if arrete not in register.seance_by_date and arrete > seance.date:
                name = f"seance-{arrete.isoformat()}.md"
                unreadable = next((shown for rel, shown in register.shown_paths.items()
                                   if rel.rsplit("/", 1)[-1] == name), None)
            if unreadable is not None:
                yield error(path, seance.line_of("proces_verbal.arrete_le"),
                            f"procès-verbal arrêté le {format_date(arrete)} : le fichier de cette séance, "
                            f"{unreadable}, contient des erreurs (voir ses messages) ; le registre ne peut pas "
                            "vérifier qu'elle a arrêté ce procès-verbal.",
                            f"corrigez d'abord {unreadable}.", "seance.pv_arrete")
                arrete = None
            elif arrete not in register.seance_by_date or arrete <= seance.date:
                known = (f"les séances suivantes du registre : {', '.join(format_date(d) for d in later[:5])}"
                         if later else "le registre n'a aucune séance après celle-ci")
                yield error(path, seance.line_of("proces_verbal.arrete_le"),
                            f"procès-verbal arrêté le {format_date(arrete)} : ce n'est pas la date d'une séance "
                            f"postérieure du registre ({known}). Le procès-verbal est arrêté au commencement d'une "
                            "séance suivante (L2121-15 CGCT).",
                            "indiquez la date de la séance qui l'a arrêté et ajoutez son fichier de séance, ou "
                            "retirez « arrete_le » tant qu'il n'est pas arrêté.", "seance.pv_arrete")
                arrete = None
            elif following is not None and arrete > following and following <= today:
                yield warning(path, seance.line_of("proces_verbal.arrete_le"),
                              f"procès-verbal arrêté le {format_date(arrete)}, pas à la séance suivante du "
                              f"{format_date(following)} : il est arrêté au commencement de la séance suivante "
                              "(L2121-15 CGCT).", "vérifiez la date ; pour les séances suivantes, faites arrêter le "
                              "procès-verbal à la séance qui suit.", "seance.pv_not_arrete")
        elif following is not None and following <= today:
            yield warning(path, seance.line_of("proces_verbal") if pv else seance.line_of("date"),
                          f"le procès-verbal de la séance du {format_date(seance.date)} n'a pas été arrêté à la "
                          f"séance suivante du {format_date(following)} (L2121-15 CGCT).",
                          "faites-le arrêter au commencement de la prochaine séance, puis indiquez la date :\n"
                          "    proces_verbal:\n      arrete_le: AAAA-MM-JJ", "seance.pv_not_arrete")
        if pv is None:
            continue
        published = pv.publication
        if arrete is not None:
            due = arrete + timedelta(days=PV_DAYS)
            if published is not None and published < arrete:
                yield error(path, seance.line_of("proces_verbal.publication"),
                            f"procès-verbal mis en ligne le {format_date(published)}, avant d'être arrêté "
                            f"({format_date(arrete)}).",
                            "le procès-verbal est publié après la séance qui l'arrête : vérifiez les deux dates.",
                            "seance.pv_before")
            elif published is not None and published > due:
                yield warning(path, seance.line_of("proces_verbal.publication"),
                              f"procès-verbal {_online(published, today, 'mis')}, plus d'une semaine après "
                              f"la séance du {format_date(arrete)} qui l'a arrêté : il devait l'être au plus tard "
                              f"le {format_date(due)} (L2121-15 CGCT).",
                              "pour les séances suivantes, publiez le procès-verbal dans la semaine où il est "
                              "arrêté.", "seance.pv_late")
            elif published is None and today > due:
                yield warning(path, seance.line_of("proces_verbal"),
                              f"procès-verbal arrêté le {format_date(arrete)} et pas encore en ligne : il devait "
                              f"l'être au plus tard le {format_date(due)} (L2121-15 CGCT).",
                              "publiez-le, puis indiquez la date : « publication: {date: AAAA-MM-JJ} » sous "
                              "« proces_verbal ».", "seance.pv_unpublished")
        if published is not None and not seance.body.strip() and not pv.original:
            yield warning(path, seance.line_of("proces_verbal.publication"),
                          "procès-verbal indiqué en ligne, mais ni son texte (après l'en-tête) ni son original "
                          "signé (« original ») ne sont dans le fichier : il n'y a rien à publier.",
                          "copiez le texte du procès-verbal sous la ligne « --- », ou indiquez le PDF signé dans "
                          "« original ».", "seance.pv_empty")
        if pv.original:
            problem = check_inside(register.acts_root, pv.original)
            if problem:
                yield error(path, seance.line_of("proces_verbal.original"),
                            f"procès-verbal signé « {pv.original} » : {problem}",
                            "ajoutez le PDF signé dans acts/ ou corrigez son nom.", "original.missing")
            else:
                found = read_problem(register.acts_root / pv.original)
                if found:
                    message, fix, blocking = found
                    yield (error if blocking else warning)(
                        path, seance.line_of("proces_verbal.original"),
                        f"procès-verbal signé « {pv.original} » : {message}.", fix, "original.unreadable")


def rule_text(register: Register) -> Iterable[Diagnostic]:
    """The PV's text is published as a page: same limits as an act's text."""
    for seance in register.seances:
        path = _where(register, seance)
        for line, message, fix in check_body(seance.body):
            yield error(path, seance.body_line + line - 1, message.replace("de l'acte", "du procès-verbal"), fix,
                        "body.html")
        for index, char in forbidden_lines(seance.body, FORBIDDEN_IN_TEXT):
            yield error(path, seance.body_line + index,
                        f"caractère invisible interdit dans le texte du procès-verbal : {describe(char)}.",
                        what_to_do("cette ligne"), "body.character")


SEANCE_RULES = (rule_duplicates, rule_convocation, rule_quorum, rule_members, rule_deliberations,
                rule_liste, rule_proces_verbal, rule_text)


def rule_seances(register: Register) -> Iterable[Diagnostic]:
    """Every rule of the séances (one entry in :data:`registre.checks.rules.RULES`)."""
    for rule in SEANCE_RULES:
        yield from rule(register)
