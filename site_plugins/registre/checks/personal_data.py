"""Personal data in acts about to be published (CRPA L312-1-2).

An act put online must not show the personal data of third parties: a
private e-mail address, a phone number, a date of birth.  The checks
:func:`personal_data_in_act` (objet, note, text) and
:func:`rule_personal_data_annexes` (Markdown annexes) read what the public site
will show, *after* the ``masquer`` list has hidden what it names, and warn, with the file and the line, on what looks
like such data.  It is a warning, not an error: the clerk decides.

Not reported: generic addresses of an institution (``mairie@``, ``contact@``,
``accueil@``, ``greffe.ta-…@``…) and phone numbers written next to the name
of an institution (« Mairie : 04 68 … », « Tribunal administratif …
Téléphone : 04 67 … »).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Iterator

from registre.domain.diagnostics import Diagnostic, warning
from registre.domain.masking import masked
from registre.domain.model import Act
from registre.domain.paths import display_path
from registre.domain.register import Register

EMAIL_RE = re.compile(r"(?<![\w.+-])([\w.+-]+)@([\w-]+(?:\.[\w-]+)+)", re.UNICODE)
# 01 23 45 67 89, 01.23.45.67.89, 0123456789, +33 1 23 45 67 89, +33 (0)1 23 45 67 89, 0033 6…
PHONE_RE = re.compile(r"(?<![\w+])(?:(?:\+|00)33[ .\u00a0-]?(?:\(0\)[ .\u00a0-]?)?[1-9]|0[1-9])"
                      r"(?:[ .\u00a0-]?\d{2}){4}(?![\w])")
_DAY = r"(?:1er|\d{1,2})"
_MONTH = r"(?:janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[ûu]t|septembre|octobre|novembre|d[ée]cembre)"
_DATE = rf"(?:{_DAY}[ \u00a0]+{_MONTH}[ \u00a0]+\d{{4}}|\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}}))"
BIRTH_RE = re.compile(
    rf"\bné(?:e|\(e\))?(?![\w(])(?:[^.;\n]{{0,60}}?)\ble[ \u00a0]+({_DATE})"
    rf"|\bdate[ \u00a0]+de[ \u00a0]+naissance[ \u00a0]*:?[ \u00a0]*({_DATE})",
    re.IGNORECASE)

# Local parts (or parts of them, split on . - _ +) that name a service, not a person.
GENERIC_MAILBOXES = frozenset("""
    accueil administration agenda archives assistance bibliotheque cabinet ccas cantine commune communication
    compta comptabilite contact courrier courriel culture dgs direction dpo ecole elections enfance etat-civil
    etatcivil evenements finances greffe hotel-de-ville info infos information jeunesse juridique mairie marches
    mediatheque noreply no-reply ne-pas-repondre periscolaire police police-municipale prefecture presse
    recrutement reservation rgpd rh scolaire secretariat service services social sport standard technique
    tourisme urbanisme webmaster
""".split())
# Words that, before a phone number on the same line, show it belongs to an institution.
INSTITUTION_WORDS = re.compile(
    r"\b(mairie|h[ôo]tel de ville|tribunal|greffe|pr[ée]fecture|sous-pr[ée]fecture|standard|accueil|"
    r"secr[ée]tariat|services? (?:municipal|municipaux|technique|techniques|public|publics)|"
    r"t[ée]l[ée]recours|commune|d[ée]partement|r[ée]gion|acad[ée]mie|rectorat|gendarmerie|police)\b",
    re.IGNORECASE)
CONTEXT_CHARS = 400  # how far back, on the same line (a paragraph), an institution's name is looked for


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(c) != "Mn")


def is_generic_address(local: str, domain: str) -> bool:
    """``mairie@…``, ``contact.urbanisme@…``, ``greffe.ta-montpellier@…``: a service, not a person."""
    local = _plain(local)
    if local in GENERIC_MAILBOXES:
        return True
    parts = [p for p in re.split(r"[._+-]", local) if p]
    return any(p in GENERIC_MAILBOXES for p in parts) or any(
        f"{a}-{b}" in GENERIC_MAILBOXES for a, b in zip(parts, parts[1:]))


def find_personal_data(text: str) -> Iterator[tuple[int, str, str]]:
    """(1-based line, kind, the text found) for what looks like personal data in ``text``.

    ``kind`` is ``email``, ``phone`` or ``birthdate``.
    """
    # One pass of C-level searches over the whole text first: most acts hold none of these.
    lowered_text = text.lower()
    may_email = "@" in text
    may_phone = PHONE_RE.search(text) is not None
    may_birth = ("né" in lowered_text or "naissance" in lowered_text) and BIRTH_RE.search(text) is not None
    if not (may_email or may_phone or may_birth):
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if may_email and "@" in line:
            for match in EMAIL_RE.finditer(line):
                if not is_generic_address(match.group(1), match.group(2)):
                    yield number, "email", match.group(0)
        if may_phone and sum(c.isdigit() for c in line) >= 9:
            for match in PHONE_RE.finditer(line):
                before = line[max(0, match.start() - CONTEXT_CHARS):match.start()]
                if not INSTITUTION_WORDS.search(before):
                    yield number, "phone", match.group(0)
        lowered = line.lower()
        if may_birth and ("né" in lowered or "naissance" in lowered):
            for match in BIRTH_RE.finditer(line):
                yield number, "birthdate", match.group(0)


MESSAGES = {
    "email": "« {found} » ressemble à l'adresse électronique d'une personne",
    "phone": "« {found} » ressemble à un numéro de téléphone",
    "birthdate": "« {found} » donne une date de naissance",
}
FIX = ("si ce sont les données d'un particulier, ajoutez « {found} » à la liste « masquer » de l'en-tête de "
       "l'acte (le site affiche alors [donnée masquée]) ou retirez-les du texte publié (CRPA L312-1-2) ; "
       "s'il s'agit des coordonnées d'un service public, ignorez cet avertissement.")


def _diagnostic(path: str, line: int, kind: str, found: str, where: str) -> Diagnostic:
    return warning(path, line, f"{MESSAGES[kind].format(found=found)} ({where}) : donnée personnelle publiée ?",
                   FIX.format(found=found), f"personal.{kind}")


def _scan(act: Act, text: str) -> Iterator[tuple[int, str, str]]:
    # What the site shows: the masquer list applied first, line by line (line numbers stay true).
    if not act.masquer:
        yield from find_personal_data(text)
        return
    for number, line in enumerate(text.splitlines(), start=1):
        for _, kind, found in find_personal_data(masked(line, act)):
            yield number, kind, found


def personal_data_in_act(act: Act, path: str) -> Iterator[Diagnostic]:
    """What the act's own file shows: objet, note and text (cached with the act)."""
    for key, where in (("objet", "objet"), ("note", "note")):
        value = getattr(act, key)
        if value:
            for offset, kind, found in _scan(act, value):
                yield _diagnostic(path, act.line_of(key) + offset - 1, kind, found, where)
    for number, kind, found in _scan(act, act.body):
        yield _diagnostic(path, act.body_line + number - 1, kind, found, "texte de l'acte")


def rule_personal_data_annexes(register: Register) -> Iterable[Diagnostic]:
    """The Markdown annexes, read with the masquer list of the act that names them."""
    for act in register.acts:
        for annex in act.annexes:
            if not annex.is_markdown:
                continue
            source = register.acts_root / annex.path
            try:
                text = source.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                continue  # missing or unreadable annexes are reported by the files rule
            for number, kind, found in _scan(act, text):
                yield _diagnostic(display_path(source), number, kind, found, f"annexe de {act.identifier}")
