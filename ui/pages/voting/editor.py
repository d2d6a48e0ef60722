"""Keying one paper's marks from the keyboard (or a numeric keypad), fast and visibly.

Keys, the same for every paper:

* digits: on a mark-one question, the option with that number (0 = left blank), then on to
  the next question; on a mark-several question, toggle that option; on a numbered question
  (rank, score, dots, grade), the number written in the current option's box, then on to
  the next option (after the last, the next question);
* ↑ ↓ move between options; ← → lower/raise a number; Space marks/toggles the current option;
* Tab, PageDown or + next question; Shift+Tab, PageUp or - the previous one;
* Delete, Backspace or . clear the current option (mark-one: the question);
* / the question is unreadable or over-marked in a way a number cannot hold (invalid);
* * the whole paper is spoiled;
* Enter saves the paper, Esc puts it aside unsaved.

A letter can never be a mark, and ballot codes always start with one: a letter typed here
means the scanner is reading the next paper, so :attr:`scan_started` is emitted with it and
the page sends the rest of the code to its scan field (this paper is then not saved).
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget

from facilitator.ballots import (
    MULTI_CHOICE,
    PER_OPTION,
    SINGLE_CHOICE,
    Answer,
    Kind,
    MarkError,
    Paper,
    Question,
    Status,
    assess,
    check_answer,
)
from facilitator.i18n import _
from ui.keyer import Keyer

_MARKED = "☒"
_EMPTY = "☐"
_STATUS_COLOURS = {Status.VALID: "#166534", Status.BLANK: "#92400e", Status.INVALID: "#b91c1c"}


class BallotEditor(Keyer):
    """The questions of one scanned paper, with the marks keyed so far."""

    marks_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            parent, name=_("Marks on this paper"), spacing=8,
            idle=_("Scan a paper's code (or type it and press Enter): its questions appear "
                   "here to key the marks."),
            keys=_("Digits: mark · ↑↓ option · ←→ number · Tab next question · Del clear · "
                   "/ unreadable · * spoiled paper · Enter save · Esc put aside"))
        self.paper: Paper | None = None
        self.marks: list[list[int | None]] = []
        self.unreadable: list[bool] = []
        self.spoiled = False
        self.clear()

    # -- loading -------------------------------------------------------------------------

    def load(self, paper: Paper, answers: tuple[Answer, ...] | None = None) -> None:
        """Show ``paper`` for keying, blank (or with ``answers``, e.g. to adjudicate)."""
        self.paper = paper
        questions = paper.questions
        self.marks = [list(a.marks) for a in answers] if answers else \
            [[None] * len(q.options) for q in questions]
        self.unreadable = [a.unreadable for a in answers] if answers else \
            [False] * len(questions)
        self.spoiled = False
        self.current = 0
        self.option = 0
        self._show_rows(len(questions))
        self._render_all()

    def clear(self) -> None:
        self.paper = None
        self.marks, self.unreadable, self.spoiled = [], [], False
        self._show_idle()

    def put_aside(self) -> str | None:
        """Drop the paper being keyed, unsaved: the sentence that says so (None when no paper
        was open)."""
        paper = self.paper
        self.clear()
        return None if paper is None else _("Paper {code} put aside, not saved.").format(
            code=paper.pretty)

    @property
    def loaded(self) -> bool:
        return self.paper is not None

    def answers(self) -> tuple[Answer, ...]:
        if self.paper is None:
            return ()
        return tuple(check_answer(q, Answer(tuple(m), u)) for q, m, u in
                     zip(self.paper.questions, self.marks, self.unreadable, strict=True))

    # -- keys ----------------------------------------------------------------------------

    def _key(self, key: int, text: str) -> bool:
        if text.isdigit() and len(text) == 1:
            self._digit(int(text))
        elif key == Qt.Key.Key_Left:
            self._step_value(-1)
        elif key == Qt.Key.Key_Right:
            self._step_value(1)
        elif key == Qt.Key.Key_Space:
            self._space()
        elif key == Qt.Key.Key_Slash:
            self.unreadable[self.current] = not self.unreadable[self.current]
            self._changed()
        elif key == Qt.Key.Key_Asterisk:
            self.spoiled = not self.spoiled
            self._changed()
        else:
            return False
        return True

    # -- editing ---------------------------------------------------------------------------

    @property
    def question(self) -> Question:
        assert self.paper is not None
        return self.paper.questions[self.current]

    def _digit(self, digit: int) -> None:
        q = self.question
        marks = self.marks[self.current]
        if q.kind in SINGLE_CHOICE:
            if digit > len(marks):
                return
            marks[:] = [None] * len(marks)
            if digit:
                marks[digit - 1] = 1
                self.option = digit - 1
            self._changed()
            self._move(1)
        elif q.kind in MULTI_CHOICE:
            if not 1 <= digit <= len(marks):
                return
            marks[digit - 1] = None if marks[digit - 1] else 1
            self.option = digit - 1
            self._changed()
        else:
            marks[self.option] = digit if digit or q.kind is Kind.SCORE else None
            self._changed()
            if self.option + 1 < len(marks):
                self._move_option(1)
            else:
                self._move(1)

    def _space(self) -> None:
        q = self.question
        marks = self.marks[self.current]
        if q.kind in SINGLE_CHOICE:
            chosen = marks[self.option]
            marks[:] = [None] * len(marks)
            marks[self.option] = None if chosen else 1
        elif q.kind in MULTI_CHOICE:
            marks[self.option] = None if marks[self.option] else 1
        else:
            return
        self._changed()

    def _step_value(self, step: int) -> None:
        q = self.question
        if q.kind not in PER_OPTION:
            self._move_option(step)
            return
        marks = self.marks[self.current]
        low, high = q.value_range()
        old = marks[self.option]
        value = (low if step > 0 else high) if old is None else max(0, min(99, old + step))
        marks[self.option] = None if value == 0 and q.kind is not Kind.SCORE else value
        self._changed()

    def _clear_current(self) -> None:
        marks = self.marks[self.current]
        if self.question.kind in SINGLE_CHOICE:
            marks[:] = [None] * len(marks)
        else:
            marks[self.option] = None
        self.unreadable[self.current] = False
        self._changed()

    def _move_option(self, step: int) -> None:
        count = len(self.question.options)
        self.option = max(0, min(count - 1, self.option + step))
        self._render(self.current)

    def _move(self, step: int) -> None:
        assert self.paper is not None
        target = max(0, min(len(self.paper.questions) - 1, self.current + step))
        if target == self.current:
            self._render(self.current)
            return
        before, self.current, self.option = self.current, target, 0
        self._render(before)
        self._render(self.current)
        self.scroll_area.ensureWidgetVisible(self.labels[self.current])

    def go_to(self, question: int, option: int = 0) -> None:
        before, self.current, self.option = self.current, question, option
        self._render(before)
        self._render(question)

    def _changed(self) -> None:
        self._render_all()
        self.marks_changed.emit()

    # -- drawing ---------------------------------------------------------------------------

    def _render_all(self) -> None:
        if self.paper is None:
            return
        paper = self.paper
        what = {1: _("first keying"), 2: _("second keying"), 3: _("adjudication")}[paper.pass_]
        text = _("Paper {code} (no. {serial}) — {what}").format(
            code=paper.pretty, serial=paper.serial, what=what) if paper.serial else \
            _("Paper {code} — {what}").format(code=paper.pretty, what=what)  # at a station
        if self.spoiled:
            text += " — " + _("SPOILED: nothing on it will count (* again to undo)")
        self.header.setText(text)
        if self.header.property("spoiled") != self.spoiled:
            self.header.setProperty("spoiled", self.spoiled)
            self.header.style().unpolish(self.header)
            self.header.style().polish(self.header)
        self.header.setVisible(True)
        for index in range(len(self.labels)):
            self._render(index)

    def _render(self, index: int) -> None:
        if self.paper is None or not 0 <= index < len(self.labels):
            return
        q = self.paper.questions[index]
        marks = self.marks[index]
        answer = Answer(tuple(marks), self.unreadable[index])
        try:
            assessment = assess(q, check_answer(q, answer))
        except MarkError:
            assessment = None
        active = index == self.current and not self.spoiled
        if assessment is None:
            status = _("not a valid mark")
            colour = _STATUS_COLOURS[Status.INVALID]
        else:
            status = {Status.VALID: _("valid"), Status.BLANK: _("blank"),
                      Status.INVALID: _("INVALID")}[assessment.status]
            if assessment.reason:
                status += f": {assessment.reason}"
            colour = _STATUS_COLOURS[assessment.status]
        rows = []
        for i, option in enumerate(q.options):
            mark = marks[i]
            if q.kind in PER_OPTION:
                shown = "&nbsp;" if mark is None else str(mark)
                if q.kind is Kind.JUDGMENT and mark is not None and 1 <= mark <= len(q.grades):
                    shown += f" <small>{escape(q.grades[mark - 1])}</small>"
                box = f"[&nbsp;{shown}&nbsp;]"
            else:
                box = _MARKED if mark else _EMPTY
            here = active and i == self.option
            style = "background:#fde68a;" if here else ""
            number = str(i + 1) if i < 9 else ""
            rows.append(f"<tr style='{style}'><td style='color:#6b7280'>{number}</td>"
                        f"<td style='{style}'><b>{box}</b></td>"
                        f"<td style='{style}'>{escape(option)}</td></tr>")
        grades = ""
        if q.kind is Kind.JUDGMENT:
            grades = "<br/><small>" + escape(" · ".join(
                f"{n} {g}" for n, g in enumerate(q.grades, start=1))) + "</small>"
        label = self.labels[index]
        flag = " <b>" + escape(_("(unreadable)")) + "</b>" if self.unreadable[index] else ""
        if label.property("current") != active:  # re-polish only when it changes
            label.setProperty("current", active)
            label.style().unpolish(label)
            label.style().polish(label)
        label.setText(
            f"<b>{index + 1}. {escape(q.text)}</b>{flag}<br/>"
            f"<span style='color:{colour}'>{escape(status)}</span>{grades}"
            f"<table cellspacing='2' cellpadding='3'>{''.join(rows)}</table>")
