"""Layout pieces every printed sheet shares: the paper size, the plain ruled table, and the
sheet's direction.

A sheet in a right-to-left language (Arabic) is the English sheet in a mirror, as an Arabic
reader expects it: the first column of every table on the right (columns, alignments, rules
and paddings mirrored), text that starts at the left margin starting at the right one, a
box drawn at the left drawn at the right. The text itself is shaped and put in visual order
by the fonts (:mod:`facilitator.reports.fonts`); digits keep reading left to right. Every
report goes through :func:`directed_table` for its tables and :class:`Mirror` for what it draws on
the canvas, so the direction is decided here once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

HEADER_GREY = "#e5e7eb"
RULE_GREY = "#9ca3af"

Direction = Literal["ltr", "rtl"]


def page_size(name: str) -> tuple[float, float]:
    """A4, or US Letter when ``name`` says so (any case)."""
    from reportlab.lib.pagesizes import A4, letter

    return letter if name.lower() == "letter" else A4


def direction(lang: str | None = None) -> Direction:
    """Which way a sheet in ``lang`` (the app's language when None or blank) reads."""
    from facilitator.i18n import is_rtl, language

    return "rtl" if is_rtl(lang or language()) else "ltr"


def is_rtl(lang: str | None = None) -> bool:
    """Whether a sheet in ``lang`` (the app's language when None) reads right to left."""
    return direction(lang) == "rtl"


def start_alignment(rtl: bool) -> int:
    """Where a line of text starts: the paragraph alignment for left in English."""
    from reportlab.lib.enums import TA_LEFT, TA_RIGHT

    return TA_RIGHT if rtl else TA_LEFT


def end_alignment(rtl: bool) -> int:
    """The paragraph alignment for right in English (figures, a column of numbers)."""
    from reportlab.lib.enums import TA_LEFT, TA_RIGHT

    return TA_LEFT if rtl else TA_RIGHT


def indent(amount: float, rtl: bool) -> dict[str, float]:
    """A paragraph style's indent on the side its lines start from."""
    return {"rightIndent": amount} if rtl else {"leftIndent": amount}


@dataclass(frozen=True)
class Mirror:
    """Horizontal places between ``left`` and ``right`` (a page's edges, a badge's), as the
    English sheet gives them: in a right-to-left sheet each is the same distance from the
    other edge, and text that starts at a place ends there instead."""

    left: float
    right: float
    rtl: bool

    def x(self, x: float, width: float = 0.0) -> float:
        """The left edge of a thing ``width`` wide whose left edge in English is ``x``."""
        return self.left + self.right - x - width if self.rtl else x

    def start(self, canvas: Any, x: float, y: float, text: str) -> None:
        """Text that starts at ``x`` (``drawString`` in English)."""
        if self.rtl:
            canvas.drawRightString(self.x(x), y, text)
        else:
            canvas.drawString(x, y, text)

    def end(self, canvas: Any, x: float, y: float, text: str) -> None:
        """Text that ends at ``x`` (``drawRightString`` in English)."""
        if self.rtl:
            canvas.drawString(self.x(x), y, text)
        else:
            canvas.drawRightString(x, y, text)

    def centred(self, canvas: Any, x: float, y: float, text: str) -> None:
        canvas.drawCentredString(self.x(x), y, text)


def mirror(left: float, right: float, lang: str | None = None) -> Mirror:
    """A :class:`Mirror` for a sheet in ``lang`` (the app's language when None)."""
    return Mirror(left, right, is_rtl(lang))


_SIDES = {"LINEBEFORE": "LINEAFTER", "LINEAFTER": "LINEBEFORE",
          "LEFTPADDING": "RIGHTPADDING", "RIGHTPADDING": "LEFTPADDING"}
_ALIGN = {"LEFT": "RIGHT", "RIGHT": "LEFT"}


def mirror_command(command: tuple[Any, ...], columns: int) -> tuple[Any, ...]:
    """A table style command for the same cells once the ``columns`` columns are in
    reverse order, its sides and horizontal alignment swapped."""
    name, (c0, r0), (c1, r1), *rest = command
    c0, c1 = (c + columns if c < 0 else c for c in (c0, c1))
    if name in ("ALIGN", "ALIGNMENT") and rest and isinstance(rest[0], str):
        rest[0] = _ALIGN.get(rest[0].upper(), rest[0])
    return (_SIDES.get(name, name), (columns - 1 - c1, r0), (columns - 1 - c0, r1), *rest)


def directed_table(rows: list[list[Any]], col_widths: list[float] | None = None,
                   style: Any = None, *, rtl: bool | None = None, **kw: Any) -> Any:
    """A reportlab ``Table`` of ``rows`` (cells in reading order: the first is the first a
    reader meets) laid out in the sheet's direction (``rtl``: the app's language's when
    None). Right to left, the columns are put in reverse order, cells align right unless
    a style says otherwise, and every style command, this one and any ``setStyle`` later,
    is mirrored (:func:`mirror_command`); the cells' text stays as it is (numbers keep
    their digits left to right)."""
    right_to_left = is_rtl() if rtl is None else rtl
    return _directed_table()(rows, col_widths, style=style, mirrored=right_to_left, **kw)


@cache
def _directed_table() -> type:
    from reportlab.platypus import Table, TableStyle

    class DirectedTable(Table):
        """A Table whose columns and style are mirrored when ``mirrored``. The parts a split
        makes are built from the mirrored cells and commands (``mirrored`` False)."""

        def __init__(self, data: Any, colWidths: Any = None, rowHeights: Any = None,
                     style: Any = None, *, mirrored: bool = False, **kw: Any) -> None:
            self.mirrored = mirrored
            if mirrored:
                data = [list(reversed(row)) for row in data]
                if colWidths is not None and not isinstance(colWidths, (int, float)):
                    colWidths = list(reversed(colWidths))
            super().__init__(data, colWidths, rowHeights, **kw)
            if mirrored:
                Table.setStyle(self, TableStyle([("ALIGN", (0, 0), (-1, -1), "RIGHT")]))
            if style is not None:
                self.setStyle(style)

        def setStyle(self, tblstyle: Any) -> None:
            if self.mirrored:
                commands = (tblstyle.getCommands() if isinstance(tblstyle, TableStyle)
                            else tblstyle)
                tblstyle = TableStyle([mirror_command(c, self._ncols) for c in commands])
            super().setStyle(tblstyle)

    return DirectedTable


def ruled_table_style(regular: str, bold: str, *, size: float = 9.5,
                      extra: list[tuple[Any, ...]] | None = None) -> Any:
    """A grey header row and thin rules, in the bundled fonts; ``extra`` adds commands.
    Written for the English column order: :func:`directed_table` mirrors it for Arabic."""
    from reportlab.lib import colors
    from reportlab.platypus import TableStyle

    return TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), regular),
        ("FONTNAME", (0, 0), (-1, 0), bold),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEADER_GREY)),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor(RULE_GREY)),
        *(extra or []),
    ])
