"""Short human-typable codes with a check character, and long secret tokens.

Codes use Crockford's base-32 alphabet (no I, L, O, U), so a code read aloud or typed from a
badge survives the usual confusions (O/0, I/1/L); the last character is a Luhn mod-32 check
that catches every single-character typo and every swap of two neighbours.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_ALIASES = {"O": "0", "I": "1", "L": "1"}
TOKEN_BYTES = 20  # 160 bits: far beyond guessing, even at thousands of tries a second


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
    """Group for reading aloud: ``K7QM-2X4``."""
    return f"{code[:4]}-{code[4:]}" if len(code) > 4 else code


def new_token() -> str:
    """A personal voting token: unguessable, URL-safe."""
    return secrets.token_urlsafe(TOKEN_BYTES)
