"""The text of a signed act (text file or PDF) → a draft act file.

``registre import`` reads what the document states and leaves to staff what
it does not: :func:`analyse` finds the type and number (title line), the date
(« Fait à …, le … »), the objet (« Objet : » line, « portant … » title, or
article 1), the signataire (qualité and « Prénom NOM » under the date), the
délibération of delegation and the L2122-22 alinéa, the mention of voies et
délais de recours, the stamps of the @ctes transmission and of the
publication when the scan carries them, and the boundary where the annexes
start.  Each finding keeps its line so the report can point to it; each
missing item becomes a French sentence and an « À COMPLÉTER » of the draft.

Scanned documents are noisy: the reader tolerates OCR slips such as a stray
quote and a split day (« '3 0 MAI 2025 »), a misread qualité (« Le Mane »),
markup left by a transcription (``**``, ``<u>``), and text reflowed by a PDF
(paragraphs wrapped over several lines, no blank lines).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from registre.authoring.scaffold import Draft, ScaffoldError, next_number, number_taken_by, render
from registre.checks.html_policy import INLINE_TAGS
from registre.domain.dates import MONTHS, format_date
from registre.domain.model import ActType, Signataire
from registre.domain.paths import display_path
from registre.domain.plurals import counted

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
SHORT_LINE = 45  # a line shorter than this always ends its paragraph


class DocumentError(Exception):
    """The document cannot be read (message and fix in French)."""

    def __init__(self, message: str, fix: str = ""):
        super().__init__(message)
        self.message = message
        self.fix = fix


# -- reading ---------------------------------------------------------------

@dataclass
class Document:
    name: str
    kind: str  # "pdf" or "texte"
    text: str
    pages: int = 1


def read_document(path: Path) -> Document:
    """Text of a PDF (read with pypdf) or of a text file (UTF-8, else Windows-1252)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DocumentError(f"{path} : fichier introuvable.", "vérifiez le chemin du document.") from None
    except IsADirectoryError:
        raise DocumentError(f"{path} est un dossier.", "indiquez le fichier du document (PDF ou texte).") from None
    except OSError as exc:
        raise DocumentError(f"{path} : lecture impossible ({exc.strerror}).", "vérifiez les droits du fichier.") \
            from None
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentError(f"{path} : document trop volumineux ({len(data) // 1024 // 1024} Mo).",
                            "importez l'acte seul, sans ses pièces volumineuses.")
    if data.startswith(b"%PDF") or path.suffix.lower() == ".pdf":
        return _read_pdf(path, data)
    if b"\x00" in data[:4096]:
        raise DocumentError(f"{path} n'est ni un PDF ni un fichier texte.",
                            "exportez l'acte en PDF ou en texte (.txt) depuis le traitement de texte.")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return Document(name=path.name, kind="texte", text=_normalise_newlines(text))


def _read_pdf(path: Path, data: bytes) -> Document:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:  # noqa: BLE001 - any failure means a password is needed
                raise DocumentError(f"{path} : PDF protégé par un mot de passe.",
                                    "enregistrez une copie sans mot de passe, puis importez-la.") from None
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise DocumentError(f"{path} : PDF illisible ({exc}).",
                            "ouvrez-le et réenregistrez-le en PDF, ou importez le texte (.txt).") from None
    text = _normalise_newlines("\n\n".join(pages))
    if not text.strip():
        raise DocumentError(f"{path} : ce PDF ne contient pas de texte (image numérisée sans reconnaissance de "
                            "caractères).",
                            "passez le document dans un logiciel de reconnaissance de caractères (OCR), ou "
                            "saisissez l'acte avec « registre new ».")
    return Document(name=path.name, kind="pdf", text=text, pages=len(pages))


def _normalise_newlines(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("\f", "\n")


# -- text helpers ----------------------------------------------------------

def fold(text: str) -> str:
    """Lower case without accents, *same length* as ``text`` (offsets stay valid)."""
    out = []
    for char in text:
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)).lower()
        out.append(base if len(base) == 1 else char.lower() if len(char.lower()) == 1 else char)
    return "".join(out)


_TAG_RE = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)\b[^<>]*>")
_MARKUP_RE = re.compile(r"\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)")


def clean_line(line: str) -> str:
    """A line without transcription markup (headings, bold, tags), for detection."""
    line = _TAG_RE.sub("", line)
    line = re.sub(r"^\s*#{1,6}\s+", "", line)
    return _MARKUP_RE.sub("", line).strip()


_MONTH_FOLDED = [fold(m) for m in MONTHS]
_FR_DATE_RE = re.compile(
    r"(?P<d>1\s?er|premier|[0-3]?\s?\d)\s*['’`]?\s*(?P<m>[a-z]{3,10}\.?)\s+(?P<y>(?:1\s?9|2\s?0)\s?\d\s?\d)\b")
_NUM_DATE_RE = re.compile(r"(?<!\d)(?P<d>[0-3]?\d)\s?[/.\-]\s?(?P<m>[01]?\d)\s?[/.\-]\s?(?P<y>(?:19|20)\d\d)(?!\d)")


def parse_date(folded: str) -> tuple[date, int, int] | None:
    """First date in folded text: (date, start, end). Tolerates OCR spaces and quotes."""
    candidates = []
    for match in _FR_DATE_RE.finditer(folded):
        month = _month(match["m"])
        if month is None:
            continue
        day_text = match["d"].replace(" ", "")
        day = 1 if day_text in ("1er", "premier") else int(day_text)
        year = int(match["y"].replace(" ", ""))
        try:
            candidates.append((match.start(), date(year, month, day), match.end()))
        except ValueError:
            continue
    for match in _NUM_DATE_RE.finditer(folded):
        try:
            candidates.append((match.start(), date(int(match["y"]), int(match["m"]), int(match["d"])), match.end()))
        except ValueError:
            continue
    if not candidates:
        return None
    start, day, end = min(candidates, key=lambda c: c[0])
    return day, start, end


def _month(word: str) -> int | None:
    word = word.rstrip(".")
    if word in _MONTH_FOLDED:
        return _MONTH_FOLDED.index(word) + 1
    abbreviations = {"janv": 1, "fevr": 2, "avr": 4, "juil": 7, "sept": 9, "oct": 10, "nov": 11, "dec": 12}
    if word in abbreviations:
        return abbreviations[word]
    guess = difflib.get_close_matches(word, _MONTH_FOLDED, n=1, cutoff=0.75)
    return _MONTH_FOLDED.index(guess[0]) + 1 if guess else None


# -- analysis --------------------------------------------------------------

@dataclass
class Found:
    """A value read from the document, with the line that states it."""

    value: object
    line: int
    how: str = ""  # French: where it comes from, when not obvious


@dataclass
class Analysis:
    lines: list[str]  # the document's lines, markup removed
    short: int = SHORT_LINE  # see short_line_length
    act_type: Found | None = None
    numero: Found | None = None
    year: int | None = None
    title_line: int | None = None
    date: Found | None = None
    objet: Found | None = None
    signataire: Found | None = None  # value: Signataire (qualité may come from the config)
    delegation_date: Found | None = None
    alinea: Found | None = None
    recours: Found | None = None  # value: the mention's text
    publication: Found | None = None
    transmission_date: Found | None = None
    ar: Found | None = None
    act_end: int | None = None  # last line (1-based) of the act
    annex_start: int | None = None  # first line (1-based) of the annexes
    annex_title: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def body_lines(self) -> tuple[int, int]:
        start = self.title_line or 1
        end = self.act_end or len(self.lines)
        return start, end


TYPE_WORDS = (
    (re.compile(r"^(?:extrait\s+du\s+registre\s+des\s+)?deliberations?\b"), ActType.DELIBERATION),
    (re.compile(r"^arretes?\b"), ActType.ARRETE),
    (re.compile(r"^decisions?\b"), ActType.DECISION),
)
NUMBER_RE = re.compile(r"\bn\s*[°º o]\s*(\d{1,4})\s*[/\-_.]\s*(\d{2,4})\b|\bn\s*[°º]\s*(\d{1,4})\b")
DISPOSITIF_RE = re.compile(r"^(decide|arrete|delibere|decident)\s*:?$")
ARTICLE_RE = re.compile(r"^(?:<u>|\*\*)?\s*(article)\s+(\d+|1\s?er|premier)\s*(?:er)?\s*(?:</u>|\*\*)?\s*[:.\-–]?\s*"
                        r"(?:</u>|\*\*)?\s*:?\s*", re.I)
FAIT_RE = re.compile(r"\bfait\s+(?:et\s+delibere\s+)?(?:a|en\s+mairie\s+de)\s+[^,\n]{1,80}?,?\s+le\b")
SEANCE_RE = re.compile(r"\bseance\s+(?:publique\s+)?(?:du\s+conseil\s+municipal\s+)?du\b")
OBJET_RE = re.compile(r"^objet\s*:\s*(.+)$")
TITLE_OBJET_RE = re.compile(r"\b(portant|relatif|relative|relatifs|relatives|concernant|fixant|instituant|"
                            r"reglementant|autorisant|approuvant)\b")
INFINITIVE_RE = re.compile(
    r"^(?:de\s+|d')(?:conclure|signer|approuver|attribuer|accepter|passer|autoriser|confier|fixer|creer|"
    r"retenir|valider|solliciter|louer|renouveler|modifier|resilier|engager|mettre\s+a\s+disposition)"
    r"\s+(?:(?:une?|la|le|les)\s+|l')?")
ALINEA_RES = (
    re.compile(r"l\s?\.?\s?2122-22\s*(?:du\s+cgct\s*)?[(,]?\s*(\d{1,2})\s*°"),
    re.compile(r"(?<!\d)(\d{1,2})\s*°\s*(?:de\s+l'article\s+)?l\s?\.?\s?2122-22"),
)
ALINEA_CONTEXT_RE = re.compile(r"\b(?:point|alinea|paragraphe|item)\s*(?:n\s*[°º]\s*)?(\d{1,2})\b")
AR_RE = re.compile(r"\b(\d{3}-\d{9}-\d{8}-[A-Z0-9_]{1,15}-[A-Z]{2})\b")
RECU_RE = re.compile(r"\brecu\s+en\s+prefecture\s+le\b|\baccuse\s+de\s+reception\s+(?:en\s+prefecture\s+)?du\b"
                     r"|\btransmis\s+(?:en|a\s+la)\s+prefecture\s+le\b")
PUBLIE_RE = re.compile(r"\b(?:publie|mis\s+en\s+ligne|affiche)\s+le\b")
CLOSING_WORDS = ("recours", "executoire", "2131-1", "2131-2", "2122-23", "transmission", "prefecture", "prefet",
                 "publie", "affiche", "notifie", "telerecours", "certifie", "accuse de reception", "id :",
                 "mis en ligne")
QUALITES = ("Maire", "Adjoint au maire", "Adjointe au maire", "Premier adjoint", "Première adjointe",
            "Maire délégué", "Maire déléguée", "Conseiller municipal délégué", "Conseillère municipale déléguée")
NAME_RE = re.compile(r"(?:(?:M\.|Mme|Monsieur|Madame)\s+)?([A-ZÀ-Ý][a-zà-ÿ]+(?:[-\s][A-ZÀ-Ý][a-zà-ÿ]+)?)\s+"
                     r"([A-ZÀ-Ý][A-ZÀ-Ý'\-]+(?:\s[A-ZÀ-Ý][A-ZÀ-Ý'\-]+)?)$")
ANNEX_MARKER_RE = re.compile(r"^annexe\b")
HEADER_LINES = ("liberte egalite fraternite", "republique francaise")


def analyse(text: str, signataire_hint: Signataire | None = None) -> Analysis:
    lines = [clean_line(line) for line in text.split("\n")]
    result = Analysis(lines=lines, short=short_line_length(lines))
    folded_lines = [fold(line) for line in lines]
    _find_title(result, folded_lines)
    start = (result.title_line or 1) - 1
    _find_end(result, folded_lines, start)
    end = result.act_end or len(lines)
    act_folded = "\n".join(folded_lines[start:end]).replace("\n", " ")
    act_text = "\n".join(lines[start:end]).replace("\n", " ")
    offsets = _line_offsets(lines[start:end], start + 1)
    _find_date(result, act_text, act_folded, offsets)
    _find_objet(result, lines, folded_lines, act_text, act_folded, offsets)
    _find_signataire(result, folded_lines, signataire_hint)
    if result.act_type is None or result.act_type.value is ActType.DECISION:
        _find_delegation(result, act_folded, offsets)
    _find_recours(result, act_text, act_folded, offsets)
    _find_stamps(result, text, fold(text.replace("\n", " ")), _line_offsets(text.split("\n"), 1))
    _find_annex_title(result, folded_lines)
    return result


def _line_offsets(lines: list[str], first_line: int) -> list[tuple[int, int]]:
    """[(offset of the line in the lines joined by one character, line number)]."""
    offsets, position = [], 0
    for index, line in enumerate(lines):
        offsets.append((position, first_line + index))
        position += len(line) + 1
    return offsets


def _line_at(offsets: list[tuple[int, int]], position: int) -> int:
    line = offsets[0][1] if offsets else 1
    for start, number in offsets:
        if start > position:
            break
        line = number
    return line


def _find_title(result: Analysis, folded: list[str]) -> None:
    for index, line in enumerate(folded):
        for pattern, act_type in TYPE_WORDS:
            if not pattern.match(line):
                continue
            window = line
            follow = next((folded[j] for j in range(index + 1, min(index + 3, len(folded))) if folded[j].strip()), "")
            number = NUMBER_RE.search(window) or (NUMBER_RE.search(follow) if len(follow) < 40 else None)
            if not number:
                continue
            result.title_line = index + 1
            result.act_type = Found(act_type, index + 1)
            if number[3]:
                numero, year = int(number[3]), None
            else:
                first, second = number[1], number[2]
                if len(first) == 4 and 1900 <= int(first) <= 2100 and len(second) < 4:
                    numero, year = int(second), int(first)
                else:
                    numero, year = int(first), int(second) if len(second) == 4 else 2000 + int(second)
            if numero > 0:
                result.numero = Found(numero, index + 1)
            result.year = year
            return


def short_line_length(lines: list[str]) -> int:
    """Below this length a line ends its paragraph: 3/4 of the usual full line
    (80th percentile), so that wrapped lines of a PDF join and titles do not."""
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    if not lengths:
        return SHORT_LINE
    return max(SHORT_LINE, int(lengths[int(len(lengths) * 0.8)] * 0.75))


def _paragraphs(lines: list[str], start: int, short: int = SHORT_LINE) -> list[tuple[int, int, str]]:
    """(first line, last line, joined text) from ``start`` (0-based): blank lines,
    sentence ends and short lines close a paragraph; long lines wrap."""
    paragraphs: list[tuple[int, int, str]] = []
    current: list[str] = []
    first = start
    for index in range(start, len(lines)):
        line = lines[index].strip()
        if not line:
            if current:
                paragraphs.append((first + 1, index, " ".join(current)))
                current = []
            continue
        if not current:
            first = index
        current.append(line)
        if line.endswith((".", ";", ":", "!", "?", "»")) or len(line) < short:
            paragraphs.append((first + 1, index + 1, " ".join(current)))
            current = []
    if current:
        paragraphs.append((first + 1, len(lines), " ".join(current)))
    return paragraphs


def _is_closing(text: str) -> bool:
    """A paragraph that still belongs to the act after « Fait à … »: qualité,
    signature, mentions of publication, transmission, exécution, recours."""
    folded = fold(text)
    if any(word in folded for word in CLOSING_WORDS):
        return True
    if len(text) <= 60 and (NAME_RE.search(text.strip(" ,.")) or _qualite(text)):
        return True
    return False


def _qualite(text: str) -> str | None:
    words = fold(text).strip(" ,.;:")
    words = re.sub(r"^(?:pour\s+le\s+maire\s*,?\s*|p/\s*le\s+maire\s*,?\s*)?(?:le|la|l')\s*", "", words)
    words = words.strip(" ,.;:")
    if not words or len(words) > 40:
        return None
    folded = [fold(q) for q in QUALITES]
    match = difflib.get_close_matches(words, folded, n=1, cutoff=0.6)
    return QUALITES[folded.index(match[0])] if match else None


def _find_end(result: Analysis, folded: list[str], start: int) -> None:
    fait = next((i for i in range(start, len(folded)) if FAIT_RE.search(folded[i])), None)
    marker = next((i for i in range(start + 1, len(folded)) if ANNEX_MARKER_RE.match(folded[i])), None)
    if fait is None:
        result.notes.append("formule « Fait à …, le … » introuvable : la fin de l'acte n'a pas pu être située ; "
                            "tout le texte est repris dans l'acte.")
        if marker is not None:
            result.act_end, result.annex_start = _last_text_line(result.lines, marker), marker + 1
        return
    result.fait_line = fait + 1  # type: ignore[attr-defined]
    end = fait + 1
    for first, last, text in _paragraphs(result.lines, fait + 1, result.short):
        if marker is not None and first - 1 >= marker:
            break
        if not _is_closing(text):
            result.annex_start = first
            break
        end = last
    else:
        if marker is not None:
            result.annex_start = marker + 1
    if marker is not None and (result.annex_start is None or marker + 1 < result.annex_start):
        result.annex_start = marker + 1
    result.act_end = end


def _last_text_line(lines: list[str], before: int) -> int:
    index = before - 1
    while index > 0 and not lines[index].strip():
        index -= 1
    return index + 1


def _find_date(result: Analysis, act_text: str, act_folded: str, offsets) -> None:
    fait = FAIT_RE.search(act_folded)
    if fait:
        found = parse_date(act_folded[fait.end():fait.end() + 40])
        if found:
            result.date = Found(found[0], _line_at(offsets, fait.start()))
            raw = act_text[fait.end() + found[1]:fait.end() + found[2]]
            if re.search(r"['’`]|\d\s\d", raw):
                result.notes.append(f"date lue « {raw.strip()} » ligne {result.date.line}, comprise comme le "
                                    f"{format_date(found[0])} : texte issu d'une reconnaissance de caractères, "
                                    "relisez-le.")
            return
    if result.act_type and result.act_type.value is ActType.DELIBERATION:
        seance = SEANCE_RE.search(act_folded)
        if seance:
            found = parse_date(act_folded[seance.end():seance.end() + 40])
            if found:
                result.date = Found(found[0], _line_at(offsets, seance.start()), "date de la séance")


def _find_objet(result: Analysis, lines, folded, act_text: str, act_folded: str, offsets) -> None:
    start, end = result.body_lines
    for index in range(start - 1, end):
        match = OBJET_RE.match(folded[index])
        if match:
            text = lines[index][match.start(1):].strip()
            result.objet = Found(_tidy_objet(text), index + 1)
            return
    if result.title_line:
        title = folded[result.title_line - 1]
        match = TITLE_OBJET_RE.search(title)
        number = NUMBER_RE.search(title)
        if match and (not number or match.start() > number.start()):
            text = lines[result.title_line - 1][match.start():]
            result.objet = Found(_tidy_objet(text), result.title_line, "titre de l'acte")
            return
    article = re.search(r"\barticle\s*(?:1\s?er|premier|1)\b\s*(?:er)?\s*[:.\-–]?\s*", act_folded)
    if article:
        stop = re.search(r"\barticle\s*2\b|\bfait\s+(?:et\s+delibere\s+)?a\b", act_folded[article.end():])
        stretch_end = article.end() + (stop.start() if stop else 400)
        sentence = act_folded[article.end():stretch_end]
        cut = re.search(r"\s;|;|\.\s|\.$", sentence)
        sentence_end = article.end() + (cut.start() if cut else len(sentence))
        folded_sentence = act_folded[article.end():sentence_end]
        original = act_text[article.end():sentence_end]
        infinitive = INFINITIVE_RE.match(folded_sentence)
        if infinitive:
            original = original[infinitive.end():]
        text = _tidy_objet(original)
        if len(text) >= 10:
            result.objet = Found(text, _line_at(offsets, article.start()),
                                 "déduit de l'article 1 : à relire" if infinitive else "article 1 : à résumer")


def _tidy_objet(text: str) -> str:
    text = " ".join(text.split()).strip(" .;:,")
    text = re.sub(r"(\w)- (\w)", r"\1-\2", text)  # « ENT- école » : hyphen cut by the OCR
    return text[:1].upper() + text[1:]


def _find_signataire(result: Analysis, folded: list[str], hint: Signataire | None) -> None:
    fait = getattr(result, "fait_line", None)
    if fait is None:
        return
    end = result.act_end or len(folded)
    qualite = qualite_line = None
    for index in range(fait, min(end, fait + 12)):
        line = result.lines[index].strip(" ,.")
        if not line:
            continue
        if len(line) > 60:
            break
        if qualite is None:
            part = line.split(",")[0]
            qualite = _qualite(part)
            if qualite:
                qualite_line = index + 1
                said = re.sub(r"^(?:le|la|l')\s*", "", fold(part).strip())
                if said != fold(qualite):
                    result.notes.append(f"qualité lue « {part.strip()} » ligne {index + 1}, comprise comme "
                                        f"« {qualite} » : relisez.")
        name = NAME_RE.search(line)
        if name and not _qualite(name.group(0)):
            prenom, nom = name[1], name[2]
            how = ""
            if hint and fold(hint.nom) == fold(nom) and fold(hint.prenom) == fold(prenom):
                prenom, nom = hint.prenom, hint.nom
                if qualite is None:
                    qualite, how = hint.qualite, "qualité reprise de mkdocs.yml"
            if qualite is None:
                result.notes.append(f"signataire « {prenom} {nom} » trouvé ligne {index + 1}, mais pas sa qualité.")
                return
            result.signataire = Found(Signataire(prenom=prenom, nom=nom, qualite=qualite), qualite_line or index + 1,
                                      how)
            if hint and (fold(hint.nom) != fold(nom)):
                result.notes.append(f"le signataire ({prenom} {nom}) n'est pas celui de mkdocs.yml "
                                    f"({hint.prenom} {hint.nom}) : vérifiez (adjoint, délégation de signature ?).")
            return


def _find_delegation(result: Analysis, act_folded: str, offsets) -> None:
    for match in re.finditer(r"\bdeliberation\b", act_folded):
        window = act_folded[max(0, match.start() - 200):match.end() + 400]
        if "deleg" not in window:
            continue
        stretch = act_folded[match.end():match.end() + 160]
        stretch = stretch[:min((i for i in (stretch.find(". "), stretch.find(";"), len(stretch)) if i >= 0))]
        found = None
        for du in re.finditer(r"\bdu\s+", stretch):
            found = parse_date(stretch[du.end():du.end() + 40])
            if found and found[1] <= 2:
                break
            found = None
        if not found:
            continue
        result.delegation_date = Found(found[0], _line_at(offsets, match.start()))
        rest = act_folded[match.end():]
        stop = re.search(r"\b(?:vu|considerant|decide|arrete)\b", rest)
        context = rest[:min(stop.start() if stop else 800, 800)]
        alinea = ALINEA_CONTEXT_RE.search(context)
        if alinea:
            result.alinea = Found(int(alinea[1]), _line_at(offsets, match.end() + alinea.start()))
        break
    if result.alinea is None:
        for pattern in ALINEA_RES:
            alinea = pattern.search(act_folded)
            if alinea:
                result.alinea = Found(int(alinea[1]), _line_at(offsets, alinea.start()))
                break
    if result.alinea is not None and not 1 <= int(result.alinea.value) <= 29:  # type: ignore[arg-type]
        result.notes.append(f"alinéa {result.alinea.value} lu ligne {result.alinea.line} : l'article L2122-22 "
                            "compte 29 alinéas, valeur ignorée.")
        result.alinea = None


def _find_recours(result: Analysis, act_text: str, act_folded: str, offsets) -> None:
    for match in re.finditer(r"\brecours\b", act_folded):
        start = max(act_folded.rfind(". ", 0, match.start()) + 2, 0)
        end = act_folded.find(". ", match.end())
        end = len(act_folded) if end < 0 else end + 1
        sentence = act_folded[start:end]
        if ("tribunal administratif" in sentence or "telerecours" in sentence) and "mois" in sentence:
            result.recours = Found(" ".join(act_text[start:end].split()), _line_at(offsets, start))
            return


def _find_stamps(result: Analysis, text: str, flat_folded: str, offsets) -> None:
    ar = AR_RE.search(text.replace("\n", " "))
    if ar:
        result.ar = Found(ar[1], _line_at(offsets, ar.start()))
    recu = RECU_RE.search(flat_folded)
    if recu:
        found = parse_date(flat_folded[recu.end():recu.end() + 30])
        if found:
            result.transmission_date = Found(found[0], _line_at(offsets, recu.start()))
    publie = PUBLIE_RE.search(flat_folded)
    if publie:
        found = parse_date(flat_folded[publie.end():publie.end() + 30])
        if found:
            result.publication = Found(found[0], _line_at(offsets, publie.start()))


def _find_annex_title(result: Analysis, folded: list[str]) -> None:
    if result.annex_start is None:
        return
    for first, _, text in _paragraphs(result.lines, result.annex_start - 1, result.short)[:8]:
        plain = fold(text).strip(" .:")
        if plain in HEADER_LINES or parse_date(plain) and len(plain) < 30 or len(text.split()) < 3:
            continue
        title = " ".join(text.split()).strip(" .:")
        result.annex_title = title if len(title) <= 200 else title[:197].rstrip() + "…"
        return


# -- Markdown of the act and of the annex ------------------------------------

def body_markdown(analysis: Analysis, raw_lines: list[str], first: int, last: int, *, is_act: bool) -> str:
    """Lines ``first``..``last`` (1-based) as Markdown paragraphs: wrapped lines
    joined, title, dispositif and article numbers in bold, foreign HTML removed."""
    source = [_strip_foreign_tags(line).strip() for line in raw_lines]
    out: list[str] = []
    for start, end, _ in _paragraphs(source, first - 1, analysis.short):
        if start > last:
            break
        end = min(end, last)
        parts = [source[i] for i in range(start - 1, end) if source[i]]
        text = parts[0] if parts else ""
        for part in parts[1:]:
            text = text + part if text.endswith("-") and part[:1].islower() else f"{text} {part}"
        if not text:
            continue
        out.append(_markdown_line(text, is_title=is_act and start == first, is_act=is_act))
    return "\n\n".join(out) + "\n"


def _strip_foreign_tags(line: str) -> str:
    return _TAG_RE.sub(lambda m: m.group(0) if m.group(1).lower() in INLINE_TAGS else "", line)


def _markdown_line(text: str, *, is_title: bool, is_act: bool) -> str:
    plain = clean_line(text)
    if is_title or is_act and DISPOSITIF_RE.match(fold(plain)):
        return f"**{plain}**"
    article = ARTICLE_RE.match(text) if is_act else None
    if article and article.end() < len(text):
        number = re.sub(r"\s", "", article[2])
        return f"**{article[1]} {number} :** {text[article.end():].strip()}"
    if text.startswith(("#", ">", "    ", "```", "~~~")):
        return "\\" + text.lstrip()
    return text


# -- the report ------------------------------------------------------------

def missing_items(analysis: Analysis, act_type: ActType | None) -> list[str]:
    """What the document does not state, in French, one sentence each."""
    missing = []
    if analysis.act_type is None:
        missing.append("type d'acte (titre « DÉCISION / ARRÊTÉ / DÉLIBÉRATION N°… ») : introuvable.")
    if analysis.numero is None:
        missing.append("numéro de l'acte : introuvable dans le titre ; le numéro suivant du registre est proposé.")
    if analysis.date is None:
        missing.append("date de l'acte (« Fait à …, le … ») : introuvable.")
    if analysis.objet is None:
        missing.append("objet : introuvable (ni ligne « Objet : », ni titre « portant … », ni article 1 lisible).")
    if analysis.signataire is None:
        missing.append("signataire (qualité, prénom et NOM sous la date) : introuvable.")
    if act_type is ActType.DECISION:
        if analysis.delegation_date is None:
            missing.append("délibération de délégation (« Vu la délibération … du … ») : introuvable.")
        if analysis.alinea is None:
            missing.append("alinéa de l'article L2122-22 : introuvable.")
    if analysis.publication is None:
        missing.append("date de mise en ligne (publication) : le document ne l'indique pas ; c'est la date à "
                       "laquelle l'acte sera publié sur le site.")
    if analysis.ar is None or analysis.transmission_date is None:
        missing.append("accusé de réception de la préfecture (@ctes : date et identifiant « AR ») : absent du "
                       "document ; la transmission est notée « en attente ».")
    if analysis.recours is None:
        missing.append("mention des voies et délais de recours : absente ; la page de l'acte affichera la "
                       "mention standard.")
    missing.append("matière (code de la nomenclature @ctes) : jamais écrite sur l'acte ; indiquez celle choisie "
                   "lors de la télétransmission.")
    return missing


def describe(found: Found | None, label: str) -> str | None:
    if found is None:
        return None
    value = found.value
    if isinstance(value, date):
        value = format_date(value)
    elif isinstance(value, ActType):
        value = value.label.lower()
    elif isinstance(value, Signataire):
        value = value.display
    elif isinstance(value, str) and len(value) > 90:
        value = f"« {value[:87]}… »"
    elif isinstance(value, str):
        value = f"« {value} »"
    how = f" ({found.how})" if found.how else ""
    return f"{label:<12} {value}{how} — ligne {found.line}"


# -- the draft ---------------------------------------------------------------

@dataclass
class ImportPlan:
    """What ``registre import`` writes, and what it tells staff."""

    draft: "Draft"
    act_path: Path
    act_text: str
    annex_path: Path | None
    annex_text: str | None
    found: list[str]
    missing: list[str]
    notes: list[str]


def plan_import(document: Document, register, config, *, output: Path | None = None,
                act_type: ActType | None = None, on: date | None = None) -> ImportPlan:
    """Analyse ``document`` and prepare the draft act (and its annex) for ``register``."""

    analysis = analyse(document.text, config.signataire)
    notes = list(analysis.notes)
    detected_type = analysis.act_type.value if analysis.act_type else None
    if act_type is not None and detected_type is not None and act_type is not detected_type:
        notes.append(f"type imposé par --type ({act_type.label.lower()}) alors que le document dit "
                     f"{detected_type.label.lower()} (ligne {analysis.act_type.line}).")  # type: ignore[union-attr]
    kind = act_type or detected_type
    if kind is None:
        raise ScaffoldError("type d'acte introuvable dans le document (titre « DÉCISION », « ARRÊTÉ » ou "
                            "« DÉLIBÉRATION » suivi de « N° … »).",
                            "indiquez-le avec --type decision, --type arrete ou --type deliberation.")
    today = register.today
    act_date = on or (analysis.date.value if analysis.date else None)
    date_unknown = act_date is None
    year = act_date.year if act_date else (analysis.year or today.year)  # type: ignore[union-attr]
    if act_date is None:
        act_date = today if today.year == year else date(year, 12, 31)
    if analysis.year and analysis.date and analysis.year != act_date.year:  # type: ignore[union-attr]
        notes.append(f"le numéro porte l'année {analysis.year} mais l'acte est daté de {act_date.year} : "
                     "vérifiez le numéro et la date.")
    numero = int(analysis.numero.value) if analysis.numero else next_number(register, kind, year)  # type: ignore[arg-type]
    delegation = analysis.delegation_date
    draft = Draft(
        act_type=kind, numero=numero, date=act_date, date_unknown=date_unknown,
        signataire=analysis.signataire.value if analysis.signataire else None,  # type: ignore[arg-type]
        objet=str(analysis.objet.value) if analysis.objet else None,
        publication=analysis.publication.value if analysis.publication else None,  # type: ignore[arg-type]
        delegation_date=delegation.value if delegation and kind is ActType.DECISION else None,  # type: ignore[arg-type]
        alinea=int(analysis.alinea.value) if analysis.alinea and kind is ActType.DECISION else None,  # type: ignore[arg-type]
        transmission_date=analysis.transmission_date.value if analysis.transmission_date else None,  # type: ignore[arg-type]
        ar=str(analysis.ar.value) if analysis.ar else None,
        created=today,
    )
    if output is None:
        act_path = register.acts_root / str(act_date.year) / draft.filename
        taken = number_taken_by(register, kind, act_date.year, numero)
        if taken and taken != act_path:
            raise ScaffoldError(f"le numéro {numero} des {kind.plural.lower()} de {act_date.year} est déjà pris "
                                f"({display_path(taken)}) : rien n'a été écrit.",
                                "vérifiez que cet acte n'est pas déjà au registre, ou écrivez le brouillon "
                                "ailleurs avec -o FICHIER.md.")
    else:
        act_path = output
        taken = number_taken_by(register, kind, act_date.year, numero)
        if taken:
            notes.append(f"le registre a déjà un acte n°{numero} de ce type en {act_date.year} "
                         f"({display_path(taken)}).")
    raw_lines = document.text.split("\n")
    first, last = analysis.body_lines
    draft.body = body_markdown(analysis, raw_lines, first, last, is_act=True)
    if analysis.title_line and analysis.title_line > 1 and any(l.strip() for l in raw_lines[:analysis.title_line - 1]):
        notes.append(f"lignes 1 à {analysis.title_line - 1} (avant le titre de l'acte) non reprises : en-tête du "
                     "document.")
    annex_path = annex_text = None
    if analysis.annex_start:
        annex_path = act_path.with_name(f"{draft.identifier}-annexe-1.md")
        annex_text = body_markdown(analysis, raw_lines, analysis.annex_start, len(raw_lines), is_act=False)
        draft.annexes = [(annex_path.name, analysis.annex_title)]
    if analysis.recours:
        draft.recours_note = (f"Mention des voies et délais de recours de l'acte (ligne {analysis.recours.line} du "
                              "document) : conservée dans le texte ci-dessous.")
    source = f"{document.name} ({'PDF, ' + counted(document.pages, 'page') if document.kind == 'pdf' else 'texte'})"
    draft.notes = [f"Brouillon créé par « registre import » depuis {source} : relisez-le contre l'acte signé."]
    draft.notes += [f"Remarque : {note}" for note in notes]
    found = [line for line in (
        describe(analysis.act_type, "type"), describe(analysis.numero, "numéro"), describe(analysis.date, "date"),
        describe(analysis.objet, "objet"), describe(analysis.signataire, "signataire"),
        describe(analysis.delegation_date, "délégation") if kind is ActType.DECISION else None,
        describe(analysis.alinea, "alinéa") if kind is ActType.DECISION else None,
        describe(analysis.recours, "recours"), describe(analysis.publication, "publication"),
        describe(analysis.transmission_date, "transmission"), describe(analysis.ar, "accusé (AR)"),
    ) if line]
    if analysis.annex_start:
        found.append(f"{'annexe':<12} « {analysis.annex_title or 'sans titre'} » — à partir de la ligne "
                     f"{analysis.annex_start}")
    return ImportPlan(draft=draft, act_path=act_path, act_text=render(draft, config), annex_path=annex_path,
                      annex_text=annex_text, found=found, missing=missing_items(analysis, kind), notes=notes)
