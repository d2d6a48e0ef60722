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

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget

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
from ui.keyer import Keyer

Keyed = int | str | dict[int, int] | None
"""What is keyed for an item so far: a value, DONT_KNOW, a ranking's ranks, or nothing."""


class FormKeyer(Keyer):
    """The items of one scanned page, with the answers keyed so far."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            parent, name=_("Answers on this page"), spacing=6,
            idle=_("Scan a questionnaire page's code (or type it and press Enter): its "
                   "questions appear here to key the answers."),
            keys=_("Digits: the box ticked (10: 1 then 0; yes/no: 1 yes, 2 no) · / don't "
                   "know · Del no answer · Tab next item · ↑↓ ranking options · Enter save · "
                   "Esc put aside"))
        self.items: tuple[Item, ...] = ()
        self.numbers: tuple[int, ...] = ()
        self.keyed: list[Keyed] = []
        self._pending: int | None = None
        self.clear()

    # -- loading -------------------------------------------------------------------------

    def load(self, header: str, items: Sequence[Item], numbers: Sequence[int],
             answers: Mapping[str, Answer] | None = None) -> None:
        """Show ``items`` (numbered as printed) for keying, blank or with ``answers``."""
        self.items, self.numbers = tuple(items), tuple(numbers)
        self.keyed = [_keyed_of(item, (answers or {}).get(item.key)) for item in self.items]
        self.current = self.option = 0
        self._pending = None
        self.header.setText(header)
        self.header.setVisible(True)
        self._show_rows(len(self.items))
        self._render_all()

    def clear(self) -> None:
        self.items, self.numbers, self.keyed = (), (), []
        self._show_idle()

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

    def _key(self, key: int, text: str) -> bool:
        if len(text) == 1 and text.isascii() and text.isdigit():
            self._digit(int(text))
            return True
        self._pending = None
        if key == Qt.Key.Key_Slash:
            self._set(DONT_KNOW)
            self._move(1)
            return True
        return False

    def _clear_current(self) -> None:
        self._set(None)

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
