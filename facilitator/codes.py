"""Short human-typable codes with a check character, and long secret tokens.

Codes use Crockford's base-32 alphabet (no I, L, O, U), so a code read aloud or typed from a
badge survives the usual confusions (O/0, I/1/L); the last character is a Luhn mod-32 check
that catches every single-character typo and every swap of two neighbours.

A badge code is 12 characters: 11 random (55 bits) and the check, printed ``K7QM-2X4A-B9CD``.
It is a password as well as a name: typed on the phone join page it opens that person's
ballot, so it must not be guessable within the join page's limits (the arithmetic is in
:class:`facilitator.lan.security.GuessBudget`). Badges printed before had 7 characters
(6 random, 30 bits): the check-in desk still reads them, the join page refuses them.
"""

from __future__ import annotations

import secrets
from typing import Literal

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_ALIASES = {"O": "0", "I": "1", "L": "1"}
TOKEN_BYTES = 20  # 160 bits: far beyond guessing, even at thousands of tries a second
BADGE_BODY_LENGTH = 11  # random characters of a badge code: 32**11 = 2**55 codes
BADGE_LENGTH = BADGE_BODY_LENGTH + 1
OLD_BADGE_LENGTH = 7  # badges printed before codes were lengthened


def check_char(body: str) -> str:
    """Luhn mod N over the base-32 values of ``body``."""
    factor = 2
    total = 0
    n = len(ALPHABET)
    for ch in reversed(body):
        addend = factor * _VALUE[ch]
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return ALPHABET[(n - total % n) % n]


def new_code(length: int = 6) -> str:
    """A random code of ``length`` characters plus its check character, e.g. ``K7QM2X4``."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(length))
    return body + check_char(body)


def new_badge_code() -> str:
    """A badge code: 11 random characters and the check, e.g. ``K7QM2X4AB9CD``."""
    return new_code(BADGE_BODY_LENGTH)


BadgeCheck = Literal["ok", "old", "typo", "length"]


def check_badge_code(code: str) -> BadgeCheck:
    """What a (normalised) code typed as a badge code is: ``ok`` (a current badge code,
    worth looking up), ``old`` (a correct 7-character code from an older badge), ``typo``
    (the right length, but a character is wrong: the check says so without a look-up) or
    ``length`` (too short, too long, or not a code at all)."""
    if len(code) == BADGE_LENGTH:
        return "ok" if is_valid(code) else "typo"
    if len(code) == OLD_BADGE_LENGTH and is_valid(code):
        return "old"
    return "length"


def looks_like_badge(code: str) -> bool:
    """True for a (normalised) badge code of either length with a correct check character:
    what the ballot entry page tells apart from a ballot code."""
    return len(code) in (BADGE_LENGTH, OLD_BADGE_LENGTH) and is_valid(code)


def normalise(text: str) -> str:
    """Upper-case, drop separators and map look-alikes, so ``k7qm-2x4`` equals ``K7QM2X4``."""
    out = []
    for ch in text.upper():
        if ch in "- .\t":
            continue
        out.append(_ALIASES.get(ch, ch))
    return "".join(out)


def is_valid(code: str) -> bool:
    """True if ``code`` (already normalised) has a correct check character."""
    if len(code) < 2 or any(ch not in _VALUE for ch in code):
        return False
    return check_char(code[:-1]) == code[-1]


def pretty(code: str) -> str:
    """Groups of four for reading aloud and typing: ``K7QM-2X4A-B9CD``, ``K7QM-2X4``."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def new_token() -> str:
    """A personal voting token: unguessable, URL-safe."""
    return secrets.token_urlsafe(TOKEN_BYTES)
