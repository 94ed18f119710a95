"""Personal data hidden from the public (CRPA L312-1-2): the one definition of masking.

An act lists in ``masquer`` the strings (a name, an address) that must not be published.  The
site, the PDF, the exports and the sealed register's per-field hashes all hide them the same
way: each occurrence, longest first (so that « Jean MARTIN » is hidden whole before « MARTIN »),
replaced by :data:`MASK`.  Sealed hashes depend on it: change it only with a new hash format.
"""

from __future__ import annotations

from registre.domain.model import Act

MASK = "[donnée masquée]"


def secrets(act: Act) -> tuple[str, ...]:
    """The strings to hide, longest first (an empty one hides nothing)."""
    return tuple(sorted((s for s in act.masquer if s), key=len, reverse=True))


def mask_value(value, hidden: tuple[str, ...]):
    """``value`` (text, or lists and mappings of texts) with each of ``hidden`` replaced by :data:`MASK`."""
    if isinstance(value, str):
        for secret in hidden:
            value = value.replace(secret, MASK)
        return value
    if isinstance(value, dict):
        return {k: mask_value(v, hidden) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_value(v, hidden) for v in value]
    return value


def masked(text: str, act: Act) -> str:
    """Text with the personal data listed in ``masquer`` hidden."""
    return mask_value(text, secrets(act))
