"""Bundled DejaVu fonts, registered once, so accents and non-Latin names print everywhere.

Right-to-left text (Arabic, Hebrew…) is shaped and put in visual order here, in the one
place every printed sheet goes through: the fonts are :class:`ShapedFont`, whose width and
drawing both see :func:`visual` of the text. ReportLab draws a string's characters left to
right as they come, so Arabic would otherwise print as isolated letters in reverse order.
A Paragraph breaks its lines in logical order and hands each line to the font, so each line
is reordered on its own, as the Unicode bidirectional algorithm wants.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

from facilitator.i18n import is_rtl, language
from facilitator.paths import resource_path

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"

_RTL_RANGES = ((0x0590, 0x08FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF))
"""Hebrew, Arabic, Syriac, Thaana, N'Ko… and their presentation forms."""


def has_rtl(text: str) -> bool:
    return any(lo <= ord(ch) <= hi for ch in text for lo, hi in _RTL_RANGES)


def visual(text: str) -> str:
    """``text`` as it must be drawn left to right: Arabic letters joined (their contextual
    forms) and right-to-left runs reversed, numbers and Latin words kept reading left to
    right. Text without right-to-left letters is returned as it is."""
    if not has_rtl(text):
        return text
    return _visual(text, "R" if is_rtl(language()) else None)


@lru_cache(maxsize=4096)
def _visual(text: str, base: str | None) -> str:
    import arabic_reshaper
    from bidi.algorithm import get_display  # mirrors brackets; the Rust one (bidi) does not

    shaped = arabic_reshaper.reshape(text)
    return str(get_display(shaped, base_dir=base) if base else get_display(shaped))


def _shaped_font_class() -> type:
    from reportlab.pdfbase.ttfonts import TTFont

    class ShapedFont(TTFont):
        """A TrueType font that measures and draws :func:`visual` text."""

        def stringWidth(self, text: Any, size: float, encoding: str = "utf8") -> float:
            if isinstance(text, str):
                text = visual(text)
            return float(super().stringWidth(text, size, encoding))

        def splitString(self, text: Any, doc: Any, encoding: str = "utf-8") -> Any:
            if isinstance(text, str):
                text = visual(text)
            return super().splitString(text, doc, encoding)

    return ShapedFont


def register() -> tuple[str, str]:
    """The (regular, bold) font names, registered on first use; sets the paragraph
    alignment default for the language's direction (right-aligned for Arabic: a style
    that names its alignment, e.g. centred, keeps it)."""
    from reportlab.lib.enums import TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    fonts = _register()
    ParagraphStyle.defaults["alignment"] = TA_RIGHT if is_rtl(language()) else TA_LEFT
    return fonts


@cache
def _register() -> tuple[str, str]:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics

    shaped = _shaped_font_class()
    pdfmetrics.registerFont(shaped(REGULAR, str(resource_path("fonts", "DejaVuSans.ttf"))))
    pdfmetrics.registerFont(shaped(BOLD, str(resource_path("fonts", "DejaVuSans-Bold.ttf"))))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
    return REGULAR, BOLD
