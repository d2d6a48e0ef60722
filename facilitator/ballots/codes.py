"""Ballot codes: unique, random, short, with a check character, printed as a QR code.

A ballot code is 9 characters of Crockford's base-32 (see :mod:`facilitator.codes`): a
letter, seven random characters, and the Luhn mod-32 check character. It always starts with
a *letter*, so a scanner typing the next paper's code while the operator is still keying
digits can never be mistaken for marks (the entry page treats a letter as "a scan began").
Badge codes are 7 characters long, so the two are never confused either.

The QR code holds just the 9 characters (QR "alphanumeric" mode: the smallest symbol,
the easiest to scan); the paper prints them grouped as ``K7Q-M2X-4AB`` for typing.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from facilitator import codes

LENGTH = 9
LETTERS = codes.ALPHABET[10:]


def new_ballot_code() -> str:
    """A fresh random ballot code (about 39 random bits, plus the check character)."""
    body = secrets.choice(LETTERS) + "".join(
        secrets.choice(codes.ALPHABET) for _ in range(LENGTH - 2))
    return body + codes.check_char(body)


def new_unique_codes(count: int, taken: Iterable[str] = ()) -> list[str]:
    """``count`` distinct new codes, none of them in ``taken``."""
    used = set(taken)
    fresh: list[str] = []
    while len(fresh) < count:
        code = new_ballot_code()
        if code not in used:
            used.add(code)
            fresh.append(code)
    return fresh


def normalise(text: str) -> str:
    """What was scanned or typed, as a code: upper case, separators dropped, O→0, I/L→1."""
    return codes.normalise(text.strip())


def is_ballot_code(code: str) -> bool:
    """True if ``code`` (normalised) has the shape of a ballot code and a correct check."""
    return len(code) == LENGTH and code[0] in LETTERS and codes.is_valid(code)


def pretty(code: str) -> str:
    """``K7QM2X4AB`` → ``K7Q-M2X-4AB``: three groups to read aloud or type."""
    return "-".join(code[i:i + 3] for i in range(0, len(code), 3))
