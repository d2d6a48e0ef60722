"""Text helpers shared by search, import and sorting."""

from __future__ import annotations

import unicodedata

_EXTRA_FOLDS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i", "ß": "ss"}
)


def fold(text: str) -> str:
    """Case- and accent-insensitive key: 'Siân Ó Súilleabháin' → 'sian o suilleabhain'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.translate(_EXTRA_FOLDS).split())


def header_key(text: str) -> str:
    """Column-name key: 'First Name', 'first_name', 'FIRST-NAME' all → 'firstname'."""
    return "".join(ch for ch in fold(text) if ch.isalnum())
