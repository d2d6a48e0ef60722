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
        if not self._undo:
            return False
        edit = self._undo.pop()
        if run(edit.undo, _("Undone: {what}").format(what=edit.text)) is None:
            self._undo.clear()
            return False
        self._redo.append(edit)
        return True

    def redo(self, run: Runner) -> bool:
        if not self._redo:
            return False
        edit = self._redo.pop()
        if run(edit.redo, _("Done again: {what}").format(what=edit.text)) is None:
            self._redo.clear()
            return False
        self._undo.append(edit)
        return True
