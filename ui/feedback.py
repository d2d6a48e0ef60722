"""A banner that says, in big clear words, what just happened (or what was refused).

Its place on the page is reserved: the banner keeps one fixed height whether it shows a
message or not, so nothing below it moves as messages come and go (a button that jumps
away under the pointer is a mis-click). A message too long for one line at the big size is
set smaller, on up to three lines, in the same height; the whole text stays in the tooltip
and the accessible description.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from facilitator.i18n import _

_STYLES = {
    "ok": "background:#dcfce7; color:#14532d; border:1px solid #16a34a;",
    "error": "background:#fee2e2; color:#7f1d1d; border:1px solid #dc2626;",
    "info": "background:#e0f2fe; color:#0c4a6e; border:1px solid #0284c7;",
}
_EMPTY = "background:transparent; border:1px solid transparent;"

BIG_POINTS = 16
"""The size of a message that fits on one line."""
SMALL_POINTS = (13, 11, 10)
"""Smaller sizes tried, in turn, for a longer message (on more lines, same height)."""
PAD_V, PAD_H, BORDER = 6, 14, 1


class FeedbackBanner(QLabel):
    """Shows the outcome of the last action; screen readers hear it too."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAccessibleName(_("What just happened"))
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._fade = QTimer(self)
        self._fade.setSingleShot(True)
        self._fade.timeout.connect(self._on_fade_timeout)
        self.kind = ""
        self._full_text = ""
        self._points = BIG_POINTS
        self.setFixedHeight(self.reserved_height())
        self.clear_message()

    # -- the reserved space --------------------------------------------------------------------

    def _font(self, points: int) -> QFont:
        font = QFont(self.font())
        font.setPointSize(points)
        font.setWeight(QFont.Weight.DemiBold)
        return font

    def reserved_height(self) -> int:
        """One line at the big size or two at the smallest, with the padding: the banner's
        height, always (about what a one-line message took when the banner came and went)."""
        one_big = QFontMetrics(self._font(BIG_POINTS)).height()
        two_small = 2 * QFontMetrics(self._font(SMALL_POINTS[-1])).lineSpacing()
        return max(one_big, two_small) + 2 * (PAD_V + BORDER)

    def _fit(self) -> None:
        """The biggest size at which the whole message fits in the reserved height."""
        text = self._full_text
        inner_w = max(1, self.width() - 2 * (PAD_H + BORDER))
        inner_h = self.height() - 2 * (PAD_V + BORDER)
        chosen = SMALL_POINTS[-1]
        for points in (BIG_POINTS, *SMALL_POINTS):
            metrics = QFontMetrics(self._font(points))
            needed = metrics.boundingRect(0, 0, inner_w, 10_000,
                                          int(Qt.TextFlag.TextWordWrap), text).height()
            if needed <= inner_h:
                chosen = points
                break
        self._points = chosen
        metrics = QFontMetrics(self._font(chosen))
        lines = max(1, inner_h // max(1, metrics.lineSpacing()))
        shown = text
        if metrics.boundingRect(0, 0, inner_w, 10_000, int(Qt.TextFlag.TextWordWrap),
                                text).height() > inner_h:
            # still too long at the smallest size: the end is cut, the tooltip has it all
            shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, inner_w * lines)
        self._apply(shown)

    def _apply(self, shown: str) -> None:
        style = _STYLES.get(self.kind, _STYLES["info"]) if self.kind else _EMPTY
        self.setStyleSheet(
            f"QLabel {{ {style} border-radius:6px; padding:{PAD_V}px {PAD_H}px;"
            f" font-size:{self._points}pt; font-weight:600; }}")
        super().setText(shown)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._full_text:
            self._fit()

    # -- messages --------------------------------------------------------------------------

    def text(self) -> str:
        """The whole message (what is drawn may be cut to fit the reserved space)."""
        return self._full_text

    def show_message(self, text: str, kind: str = "ok", seconds: float = 0) -> None:
        self.kind = kind
        self._full_text = text
        self.setAccessibleDescription(text)
        self.setToolTip(text)
        self._fit()
        if seconds:
            self._fade.start(int(seconds * 1000))
        else:
            self._fade.stop()

    def clear_message(self) -> None:
        """Empty, but still holding its place."""
        self.kind = ""
        self._full_text = ""
        self._points = BIG_POINTS
        self.setToolTip("")
        self.setAccessibleDescription("")
        self._apply("")

    def _on_fade_timeout(self) -> None:
        self.clear_message()
