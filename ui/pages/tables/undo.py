"""Undo and redo for the Tables page: each step is a pair of ops, run through ``Page.run``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from facilitator.changes import Changes
from facilitator.i18n import _

Op = Callable[[], Changes]
Runner = Callable[[Op, str], Changes | None]
"""``Page.run``: runs an op, publishes what changed or shows the refusal; None if refused."""


@dataclass(frozen=True)
class Edit:
    """One undoable step: what it was called, how to undo it and how to do it again."""

    text: str
    undo: Op
    redo: Op


class UndoStack:
    """The steps done on the page since it opened, newest last."""

    def __init__(self) -> None:
        self._undo: list[Edit] = []
        self._redo: list[Edit] = []

    def push(self, edit: Edit) -> None:
        self._undo.append(edit)
        self._redo.clear()

    @property
    def undo_text(self) -> str | None:
        return self._undo[-1].text if self._undo else None

    @property
    def redo_text(self) -> str | None:
        return self._redo[-1].text if self._redo else None

    def undo(self, run: Runner) -> bool:
        """Undo the newest step; if the event refuses (it changed since), forget the rest."""
        return self._step(run, self._undo, self._redo, undoing=True)

    def redo(self, run: Runner) -> bool:
        return self._step(run, self._redo, self._undo, undoing=False)

    @staticmethod
    def _step(run: Runner, source: list[Edit], target: list[Edit], *, undoing: bool) -> bool:
        if not source:
            return False
        edit = source.pop()
        op, done = ((edit.undo, _("Undone: {what}")) if undoing
                    else (edit.redo, _("Done again: {what}")))
        if run(op, done.format(what=edit.text)) is None:
            source.clear()
            return False
        target.append(edit)
        return True
