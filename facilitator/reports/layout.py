"""Layout pieces every printed sheet shares: the paper size and the plain ruled table."""

from __future__ import annotations

from typing import Any

HEADER_GREY = "#e5e7eb"
RULE_GREY = "#9ca3af"


def page_size(name: str) -> tuple[float, float]:
    """A4, or US Letter when ``name`` says so (any case)."""
    from reportlab.lib.pagesizes import A4, letter

    return letter if name.lower() == "letter" else A4


def ruled_table_style(regular: str, bold: str, *, size: float = 9.5,
                      extra: list[tuple[Any, ...]] | None = None) -> Any:
    """A grey header row and thin rules, in the bundled fonts; ``extra`` adds commands.
    Cells are right-aligned when the sheet is in a right-to-left language."""
    from reportlab.lib import colors
    from reportlab.platypus import TableStyle

    from facilitator.i18n import is_rtl, language

    direction = [("ALIGN", (0, 0), (-1, -1), "RIGHT")] if is_rtl(language()) else []
    return TableStyle([
        *direction,
        ("FONTNAME", (0, 0), (-1, -1), regular),
        ("FONTNAME", (0, 0), (-1, 0), bold),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEADER_GREY)),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor(RULE_GREY)),
        *(extra or []),
    ])
