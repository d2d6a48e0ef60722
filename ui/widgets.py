"""Small widgets the pages and dialogs share: the red error line, the OK/Cancel row, a
column that scrolls up and down."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QScrollArea,
    QWidget,
)


def error_label() -> QLabel:
    """Hidden until a dialog has something to refuse; styled by ``#dialogError``."""
    label = QLabel()
    label.setObjectName("dialogError")
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def ok_cancel(dialog: QDialog, on_ok: Callable[[], None]) -> QDialogButtonBox:
    """OK runs ``on_ok`` (which checks, then accepts or shows why not); Cancel rejects."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons


class ScrollDown(QScrollArea):
    """``widget`` in a column that scrolls up and down, never sideways: as wide as the
    widget needs (its text is never cut at the right), as short as the room there is (on a
    768-pixel screen a tall tab scrolls rather than push the window off the screen)."""

    def __init__(self, widget: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(widget)

    def minimumSizeHint(self) -> QSize:
        inner = self.widget()
        width = inner.minimumSizeHint().width() if inner is not None else 0
        return QSize(width + self.verticalScrollBar().sizeHint().width()
                     + 2 * self.frameWidth(), super().minimumSizeHint().height())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # the widget's needs changed (rows added, text longer)
        return super().eventFilter(watched, event)


def narrow_combo(combo: QComboBox, characters: int = 12) -> QComboBox:
    """``combo`` asks room for ``characters`` characters, not for its longest choice (shown
    whole in the open list, and elided in the closed box only when the room is short)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
    return combo
