"""A banner that says, in big clear words, what just happened (or what was refused)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

from facilitator.i18n import _

_STYLES = {
    "ok": "background:#dcfce7; color:#14532d; border:1px solid #16a34a;",
    "error": "background:#fee2e2; color:#7f1d1d; border:1px solid #dc2626;",
    "info": "background:#e0f2fe; color:#0c4a6e; border:1px solid #0284c7;",
}


class FeedbackBanner(QLabel):
    """Shows the outcome of the last action; screen readers hear it too."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAccessibleName(_("What just happened"))
        self._fade = QTimer(self)
        self._fade.setSingleShot(True)
        self._fade.timeout.connect(self._on_fade_timeout)
        self.kind = ""
        self.clear_message()

    def show_message(self, text: str, kind: str = "ok", seconds: float = 0) -> None:
        self.kind = kind
        self.setText(text)
        self.setAccessibleDescription(text)
        self.setStyleSheet(
            f"QLabel {{ {_STYLES.get(kind, _STYLES['info'])} border-radius:6px; padding:10px 14px;"
            " font-size:16pt; font-weight:600; }")
        self.setVisible(True)
        if seconds:
            self._fade.start(int(seconds * 1000))
        else:
            self._fade.stop()

    def clear_message(self) -> None:
        self.kind = ""
        self.setText("")
        self.setVisible(False)

    def _on_fade_timeout(self) -> None:
        self.clear_message()
