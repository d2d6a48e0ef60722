"""Write-in cards, two A5 cards on each A4 sheet, cut along a dashed line.

The Q&A's question cards (:mod:`facilitator.reports.qa_cards`) and legislative theatre's
idea cards (:mod:`facilitator.reports.theatre`) are the same object: a heading, a QR code at
the top right that the desk's scanner reads, a sentence saying what to write, and ruled
lines to write on. This module lays out the sheets; each caller draws its own card's words.
The QR code's place is fixed here (``CARD_QR_*``) so a test can read it as a scanner would:
at the top right, or the top left on a card in a right-to-left language, whose words start
at the right (:class:`facilitator.reports.layout.Mirror`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from facilitator.reports.ballots import MM, draw_qr
from facilitator.reports.layout import Mirror, is_rtl

T = TypeVar("T")

CARD_MARGIN = 14 * MM
CARD_QR_SIZE = 30 * MM
CARD_QR_BOTTOM = 40 * MM
"""How far below a card's top edge its QR code ends (its right edge is at the margin)."""
LINE_GAP = 10 * MM

DrawCard = Callable[[Any, T, float, float], None]
"""``draw(canvas, item, top, width)``: one card's contents, its top edge at ``top``."""


def write_cards(path: Path | str, items: Sequence[T], draw: DrawCard[T], *,
                title: str) -> Path:
    """A PDF of one card per item, two to an A4 sheet (a dashed cut line between them)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    if not items:
        raise ValueError("no cards to print")
    path = Path(path)
    width, height = A4
    half = height / 2
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setTitle(title)
    canvas.setAuthor("Facilitator")
    for index, item in enumerate(items):
        draw(canvas, item, height if index % 2 == 0 else half, width)
        if index % 2 == 0 and index + 1 < len(items):
            canvas.setDash(4, 4)
            canvas.setLineWidth(0.4)
            canvas.line(8 * MM, half, width - 8 * MM, half)
            canvas.setDash()
        if index % 2 == 1 or index + 1 == len(items):
            canvas.showPage()
    canvas.save()
    return path


def card_qr(canvas: Any, code: str, top: float, width: float) -> None:
    """The card's QR code, in its one place at the top right (left, right to left)."""
    x = card_mirror(width).x(width - CARD_MARGIN - CARD_QR_SIZE, CARD_QR_SIZE)
    draw_qr(canvas, code, x, top - CARD_QR_BOTTOM, CARD_QR_SIZE)


def card_mirror(width: float) -> Mirror:
    """Where a card's words and boxes go in the app's language: mirrored right to left."""
    return Mirror(0, width, is_rtl())


def ruled_lines(canvas: Any, y: float, width: float, count: int = 8) -> float:
    """``count`` lines to write on, the first at ``y``; returns where the next would be."""
    canvas.setLineWidth(0.6)
    for _line in range(count):
        canvas.line(CARD_MARGIN, y, width - CARD_MARGIN, y)
        y -= LINE_GAP
    return y
