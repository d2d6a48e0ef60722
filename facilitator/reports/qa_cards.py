"""Paper question cards: one per table, with the table's QR code.

Tables write their agreed question on the card; whoever keys it in scans the QR (the table is
then filled in) and types the question. Two A5 cards per A4 sheet, cut along the dashed line.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.qa.model import table_code
from facilitator.reports.cards import CARD_MARGIN, card_mirror, card_qr, ruled_lines, write_cards
from facilitator.reports.fonts import register

MAX_TABLE_LABEL = 40  # a longer label makes the card's QR code too dense to scan


def _fit(text: str, font: str, size: float, room: float) -> str:
    """``text`` cut with an ellipsis so that it fits in ``room`` points."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= room:
        return text
    while text and stringWidth(text + "…", font, size) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def write_question_cards(path: Path | str, tables: Sequence[str], *, event_name: str,
                         panel_title: str = "", copies: int = 1) -> Path:
    """Write ``copies`` cards for each table in ``tables`` to a PDF at ``path``."""
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth

    regular, bold = register()
    cards = [t for t in tables for _copy in range(max(copies, 1))]
    if not cards:
        raise ValueError("no tables to print cards for")
    for table in tables:
        if len(table) > MAX_TABLE_LABEL:
            raise UserError(_("A table label of more than {n} characters cannot go on a "
                              "question card (its QR code could not be scanned): {label}").format(
                n=MAX_TABLE_LABEL, label=_fit(table, regular, 10, 200)))

    def draw(canvas: Any, table: str, top: float, width: float) -> None:
        margin = CARD_MARGIN
        m = card_mirror(width)
        canvas.setFont(bold, 15)
        m.start(canvas, margin, top - 20 * mm, _("Question for the expert panel"))
        canvas.setFont(regular, 9.5)
        room = width - 2 * margin - 85 * mm  # left of the table number and its QR code
        m.start(canvas, margin, top - 26 * mm, _fit(event_name, regular, 9.5, room))
        if panel_title:
            m.start(canvas, margin, top - 31 * mm, _fit(panel_title, regular, 9.5, room))
        heading = _("Table {table}").format(table=table)
        size = 30.0
        while size > 14 and stringWidth(heading, bold, size) > 49 * mm:
            size -= 1
        canvas.setFont(bold, size)
        m.end(canvas, width - margin - 36 * mm, top - 24 * mm, _fit(heading, bold, size, 49 * mm))
        card_qr(canvas, table_code(table), top, width)
        canvas.setFont(regular, 10)
        m.start(canvas, margin, top - 40 * mm,
                _("Write one question your table agreed on. One question per card."))
        y = ruled_lines(canvas, top - 52 * mm, width)
        canvas.rect(m.x(margin, 5 * mm), y + 2 * mm, 5 * mm, 5 * mm)
        m.start(canvas, margin + 8 * mm, y + 3 * mm,
                _("If there is no time to ask it, we would like a written answer."))

    return write_cards(path, cards, draw, title=_("Question cards"))
