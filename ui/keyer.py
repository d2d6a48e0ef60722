"""What every paper keyer has (the voting page's ballot editor, the polls page's form keyer):
one label a question in a scroll area under a header, a placeholder while no paper is
loaded, a line saying the keys, and the keys both share.

Shared keys: Tab, PageDown or + the next question; Shift+Tab, PageUp or - the previous one;
↑ ↓ the options of the question; Delete, Backspace or . clears; Enter saves, Esc puts the
paper aside. A letter is never a mark and a paper's code starts with one: a letter means the
scanner is reading the next paper, so :attr:`scan_started` is emitted with it. Ctrl and Alt
keys are left to the page.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget


class Keyer(QWidget):
    """A paper's questions keyed from the keyboard. A subclass says whether a paper is
    :attr:`loaded`, handles its own keys in :meth:`_key` and moves in :meth:`_move`,
    :meth:`_move_option` and :meth:`_clear_current`."""

    save_requested = Signal()
    cancelled = Signal()
    scan_started = Signal(str)

    def __init__(self, parent: QWidget | None, *, name: str, idle: str, keys: str,
                 spacing: int) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(name)
        self.current = 0
        self.option = 0
        self.header = QLabel()
        self.header.setObjectName("ballotHeader")
        self.header.setWordWrap(True)
        self.idle = QLabel(idle)
        self.idle.setObjectName("placeholderText")
        self.idle.setWordWrap(True)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 0, 0)
        self.body_layout.setSpacing(spacing)
        self.labels: list[QLabel] = []
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll_area.setWidget(self.body)
        self.keys = QLabel(keys)
        self.keys.setObjectName("ballotKeys")
        self.keys.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.idle)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.keys)

    OWN = ("loaded", "_key", "_move", "_move_option", "_clear_current")
    """What each keyer defines for itself (checked when its class is defined)."""

    def __init_subclass__(cls, **kwargs: object) -> None:
        """A keyer that forgets one of :attr:`OWN` fails at import, not on the day."""
        super().__init_subclass__(**kwargs)
        missing = [name for name in Keyer.OWN if getattr(cls, name) is getattr(Keyer, name)]
        if missing:
            raise TypeError(f"{cls.__name__} must define {', '.join(missing)}")

    @property
    def loaded(self) -> bool:
        """Whether a paper is loaded (every keyer defines it)."""
        return False

    # -- the labels --------------------------------------------------------------------------

    def _show_rows(self, count: int) -> None:
        """A fresh label for each of ``count`` questions, shown instead of the placeholder."""
        self._reset_body()
        for _row in range(count):
            label = QLabel()
            label.setObjectName("ballotQuestion")
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            self.body_layout.addWidget(label)
            self.labels.append(label)
        self.body_layout.addStretch(1)
        self.idle.setVisible(False)
        self.scroll_area.setVisible(True)
        self.keys.setVisible(True)

    def _show_idle(self) -> None:
        """No paper: the placeholder alone."""
        self._reset_body()
        self.header.clear()
        self.header.setVisible(False)
        self.idle.setVisible(True)
        self.scroll_area.setVisible(False)
        self.keys.setVisible(False)

    def _reset_body(self) -> None:
        for label in self.labels:
            label.hide()
            label.deleteLater()
        self.labels = []
        while self.body_layout.count():
            self.body_layout.takeAt(0)

    # -- keys ----------------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        # Tab and Shift+Tab move between questions here, not between widgets.
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and \
                event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and self.loaded:
            self._move(-1 if event.key() == Qt.Key.Key_Backtab or
                       event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1)
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.loaded:
            super().keyPressEvent(event)
            return
        key, text = event.key(), event.text()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            super().keyPressEvent(event)
            return
        if text and text.isascii() and text.isalpha():
            self.scan_started.emit(text)
            return
        if self._key(key, text):
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.save_requested.emit()
        elif key == Qt.Key.Key_Escape:
            self.cancelled.emit()
        elif key == Qt.Key.Key_Up:
            self._move_option(-1)
        elif key == Qt.Key.Key_Down:
            self._move_option(1)
        elif key in (Qt.Key.Key_PageDown, Qt.Key.Key_Plus):
            self._move(1)
        elif key in (Qt.Key.Key_PageUp, Qt.Key.Key_Minus):
            self._move(-1)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Period):
            self._clear_current()
        else:
            super().keyPressEvent(event)

    def _key(self, key: int, text: str) -> bool:
        """A key of this keyer's own (digits, ...); False to leave it to the shared ones."""
        return False

    def _move(self, step: int) -> None:
        """To the next (``step`` 1) or previous (-1) question (every keyer defines it)."""

    def _move_option(self, step: int) -> None:
        """To the next or previous option of the question (every keyer defines it)."""

    def _clear_current(self) -> None:
        """Clear the current question's answer (every keyer defines it)."""
