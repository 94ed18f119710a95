"""Counts as a French reader reads them: « 1 acte », « 12 actes », « 0 erreur » — never « acte(s) ».

French uses the singular for 0 and 1 (« 0 erreur », « 1,5 kilo »), the plural from 2 on.
"""

from __future__ import annotations

# Words whose plural is not the singular + « s ».
IRREGULAR = {"travail": "travaux", "journal": "journaux", "matériel": "matériels"}
# A complement starts at one of these: « décision du maire » → « décisions du maire ».
COMPLEMENT = frozenset({"de", "du", "des", "d'", "à", "au", "aux", "par", "pour", "en", "dans", "sur", "sans"})


def _plural_word(word: str) -> str:
    if word in IRREGULAR:
        return IRREGULAR[word]
    if not word[:1].isalpha() or word.endswith(("s", "x", "z")):
        return word
    if word.endswith(("au", "eu")):
        return word + "x"
    if word.endswith("al"):
        return word[:-2] + "aux"
    return word + "s"


def plural(phrase: str) -> str:
    """The plural of a noun with its adjectives and participles (« acte publié » → « actes publiés »),
    its complement left as it is (« décision du maire » → « décisions du maire »)."""
    words = phrase.split(" ")
    for index, word in enumerate(words):
        if word in COMPLEMENT or word.startswith("d'"):
            break
        words[index] = _plural_word(word)
    return " ".join(words)


def agree(count: int, word: str, many: str | None = None) -> str:
    """``word`` agreed with ``count`` (``many``: its plural when not regular)."""
    return word if count < 2 else (many or plural(word))


def counted(count: int, word: str, many: str | None = None) -> str:
    """« 1 erreur », « 2 erreurs », « 12 actes lus » (every word of ``word`` agreed)."""
    return f"{count} {agree(count, word, many)}"
