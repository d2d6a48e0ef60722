"""Keying a questionnaire page (or a control-sample form) from the keyboard or a keypad.

Keys, the same for every page, in the order the boxes are printed:

* a 0–10 or 1–5 scale: the number ticked;
* yes/no: 1 yes, 2 no; a choice or a knowledge question: the number of the box ticked;
  on both, the box after the last option (3 on a yes/no) is "don't know", 0 no answer;
* a ranking: the rank written in each option's box, option by option (0 none);
* a number of two digits (10 on a 0–10 scale, box 11 of a long list) is typed as two: when
  a second digit could follow, the first waits for it (a digit that cannot follow, Tab or
  any other key keeps the first), so a 1 then a 0 for the next item needs Tab between;
* / don't know · Delete, Backspace or . no answer · ↑ ↓ options of a ranking;
* Tab, PageDown or + the next item; Shift+Tab, PageUp or - the previous one;
* Enter saves the page, Esc puts it aside.

A letter is never an answer, and a form page's code starts with one: a letter typed here
means the scanner is reading the next page, so :attr:`scan_started` is emitted with it and
the page sends the rest of the code to its scan field (this page is then not saved).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from facilitator.i18n import _
from facilitator.polls.model import (
    CHOICE,
    DONT_KNOW,
    KNOWLEDGE,
    RANKING,
    YES_NO,
    Answer,
    Item,
    answer_from_ranks,
)

Keyed = int | str | dict[int, int] | None
"""What is keyed for an item so far: a value, DONT_KNOW, a ranking's ranks, or nothing."""


class FormKeyer(QWidget):
    """The items of one scanned page, with the answers keyed so far."""

    save_requested = Signal()
    cancelled = Signal()
    scan_started = Signal(str)
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(_("Answers on this page"))
        self.items: tuple[Item, ...] = ()
        self.numbers: tuple[int, ...] = ()
        self.keyed: list[Keyed] = []
        self.current = 0
        self.option = 0
        self._pending: int | None = None
        self.header = QLabel()
        self.header.setObjectName("ballotHeader")
        self.header.setWordWrap(True)
        self.idle = QLabel(_("Scan a questionnaire page's code (or type it and press Enter): "
                             "its questions appear here to key the answers."))
        self.idle.setObjectName("placeholderText")
        self.idle.setWordWrap(True)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 0, 0)
        self.body_layout.setSpacing(6)
        self.labels: list[QLabel] = []
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll_area.setWidget(self.body)
        self.keys = QLabel(_(
            "Digits: the box ticked (10: 1 then 0; yes/no: 1 yes, 2 no) · / don't know · "
            "Del no answer · Tab next item · ↑↓ ranking options · Enter save · Esc put aside"))
        self.keys.setObjectName("ballotKeys")
        self.keys.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.idle)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.keys)
        self.clear()

    # -- loading -------------------------------------------------------------------------

    def load(self, header: str, items: Sequence[Item], numbers: Sequence[int],
             answers: Mapping[str, Answer] | None = None) -> None:
        """Show ``items`` (numbered as printed) for keying, blank or with ``answers``."""
        self._reset_body()
        self.items, self.numbers = tuple(items), tuple(numbers)
        self.keyed = [_keyed_of(item, (answers or {}).get(item.key)) for item in self.items]
        self.current = self.option = 0
        self._pending = None
        self.header.setText(header)
        self.header.setVisible(True)
        for _item in self.items:
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
        self._render_all()

    def _reset_body(self) -> None:
        for label in self.labels:
            label.hide()
            label.deleteLater()
        self.labels = []
        while self.body_layout.count():
            self.body_layout.takeAt(0)

    def clear(self) -> None:
        self._reset_body()
        self.items, self.numbers, self.keyed = (), (), []
        self.header.clear()
        self.header.setVisible(False)
        self.idle.setVisible(True)
        self.scroll_area.setVisible(False)
        self.keys.setVisible(False)

    @property
    def loaded(self) -> bool:
        return bool(self.items)

    def answers(self) -> dict[str, Answer]:
        """The answers keyed, item key -> answer (an item left alone is no answer);
        :class:`~facilitator.polls.model.PollError` for a ranking's ranks out of order."""
        out: dict[str, Answer] = {}
        for item, keyed in zip(self.items, self.keyed, strict=True):
            if isinstance(keyed, dict):
                ranked = answer_from_ranks(item, keyed)
                if ranked is not None:
                    out[item.key] = ranked
            elif keyed is not None:
                out[item.key] = keyed
        return out

    # -- keys ----------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        # Tab and Shift+Tab move between items here, not between widgets.
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
        if len(text) == 1 and text.isascii() and text.isdigit():
            self._digit(int(text))
            return
        self._pending = None
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.save_requested.emit()
        elif key == Qt.Key.Key_Escape:
            self.cancelled.emit()
        elif key == Qt.Key.Key_Slash:
            self._set(DONT_KNOW)
            self._move(1)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Period):
            self._set(None)
        elif key == Qt.Key.Key_Up:
            self._move_option(-1)
        elif key == Qt.Key.Key_Down:
            self._move_option(1)
        elif key in (Qt.Key.Key_PageDown, Qt.Key.Key_Plus):
            self._move(1)
        elif key in (Qt.Key.Key_PageUp, Qt.Key.Key_Minus):
            self._move(-1)
        else:
            super().keyPressEvent(event)

    # -- editing ---------------------------------------------------------------------------

    @property
    def item(self) -> Item:
        return self.items[self.current]

    def _limit(self) -> int:
        """The largest number the digits can type for the current item (its last box)."""
        item = self.item
        if item.scale is not None:
            return item.scale[1]
        if item.kind == YES_NO:
            return 3
        return len(item.options) + (0 if item.kind == RANKING else 1)

    def _digit(self, digit: int) -> None:
        """A digit: the box ticked, or a rank. When a second digit could follow (10 on a
        0–10 scale, box 11 of a long list) the first waits for it; any other key, or a digit
        that cannot follow, keeps the first and goes on."""
        if self._pending is not None:
            first, self._pending = self._pending, None
            if self._apply(first * 10 + digit):
                self._advance()
                return
            at = (self.current, self.option)
            self._advance()  # the first digit stands; this one belongs to the next box
            if (self.current, self.option) == at:
                self._render(self.current)
                return
        if digit and digit * 10 <= self._limit() and self._apply(digit):
            self._pending = digit
            self._render(self.current)
        elif self._apply(digit):
            self._advance()

    def _apply(self, number: int) -> bool:
        """Key ``number`` for the current item (or ranking option); False if no box has it."""
        item = self.item
        if item.kind == RANKING:
            if number > len(item.options):
                return False
            current = self.keyed[self.current]
            ranks = dict(current) if isinstance(current, dict) else {}
            if number:
                ranks[self.option] = number
            else:
                ranks.pop(self.option, None)
            self._set(ranks or None)
        elif item.scale is not None:
            low, high = item.scale
            if not low <= number <= high:
                return False
            self._set(number)
        else:
            boxes = self._limit() - 1
            if number > boxes + 1:
                return False
            if number == 0:
                self._set(None)
            elif number == boxes + 1:
                self._set(DONT_KNOW)
            elif item.kind == YES_NO:
                self._set(1 if number == 1 else 0)
            else:
                self._set(number - 1)
        return True

    def _advance(self) -> None:
        """On to the next box to key: a ranking's next option, else the next item."""
        if self.item.kind == RANKING and self.option + 1 < len(self.item.options):
            self._move_option(1)
        else:
            self._move(1)

    def _set(self, value: Keyed) -> None:
        if self.item.kind == RANKING and value == DONT_KNOW:
            value = None  # a ranking has no "don't know" box
        self.keyed[self.current] = value
        self._render(self.current)
        self.changed.emit()

    def _move_option(self, step: int) -> None:
        self._pending = None
        if self.item.kind != RANKING:
            return
        self.option = max(0, min(len(self.item.options) - 1, self.option + step))
        self._render(self.current)

    def _move(self, step: int) -> None:
        self._pending = None
        target = max(0, min(len(self.items) - 1, self.current + step))
        before, self.current, self.option = self.current, target, 0
        self._render(before)
        self._render(self.current)
        self.scroll_area.ensureWidgetVisible(self.labels[self.current])

    # -- drawing ---------------------------------------------------------------------------

    def _render_all(self) -> None:
        for index in range(len(self.labels)):
            self._render(index)

    def _render(self, index: int) -> None:
        if not 0 <= index < len(self.labels):
            return
        item, keyed = self.items[index], self.keyed[index]
        active = index == self.current
        boxes = _boxes(item)
        cells = []
        for n, (label, value) in enumerate(boxes):
            if item.kind == RANKING:
                rank = keyed.get(n) if isinstance(keyed, dict) else None
                mark = f"[&nbsp;{rank if rank is not None else '&nbsp;'}&nbsp;]"
                here = active and n == self.option
            else:
                mark = "☒" if keyed is not None and keyed == value else "☐"
                here = False
            style = "background:#fde68a;" if here else ""
            cells.append(f"<span style='{style}'><b>{mark}</b> {escape(label)}</span>")
        state = _("no answer") if keyed is None else ""
        if active and self._pending is not None:
            state = _("{n} — a second digit may follow (Tab: keep {n})").format(
                n=self._pending)
        title_style = "background:#fde68a;" if active else ""
        # Grey, not italic: the Arabic font has no italic face (its letters became boxes).
        note = (f" &nbsp; <span style='color:#4b5563'>{escape(state)}</span>"
                if state else "")
        text = (f"<div style='{title_style}'><b>{self.numbers[index]}.</b> "
                f"{escape(item.text)}</div><div>{' &nbsp; '.join(cells)}"
                f"{note}</div>")
        self.labels[index].setText(text)


def _boxes(item: Item) -> list[tuple[str, object]]:
    """The boxes printed under an item, in order: (label, the value ticking it keys)."""
    dont_know = _("Don't know")
    if item.scale is not None:
        low, high = item.scale
        return [(str(v), v) for v in range(low, high + 1)] + [(dont_know, DONT_KNOW)]
    if item.kind == YES_NO:
        return [(_("Yes"), 1), (_("No"), 0), (dont_know, DONT_KNOW)]
    if item.kind in (CHOICE, KNOWLEDGE):
        return [(f"{n + 1} {o}", n) for n, o in enumerate(item.options)] + [
            (f"{len(item.options) + 1} {dont_know}", DONT_KNOW)]
    return [(o, n) for n, o in enumerate(item.options)]


def _keyed_of(item: Item, answer: Answer | None) -> Keyed:
    if answer is None:
        return None
    if item.kind == RANKING and isinstance(answer, tuple):
        return {option: rank for rank, option in enumerate(answer, start=1)}
    assert isinstance(answer, int | str)
    return answer
