"""Broadcasts what each domain command changed, once, to every view (HOUSE_STYLE 3)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from facilitator.changes import Changes


class ChangeBus(QObject):
    changes_applied = Signal(object)
    """Emitted with a :class:`facilitator.changes.Changes` after every successful command."""

    saved = Signal()

    def publish(self, changes: Changes) -> None:
        if changes.any:
            self.changes_applied.emit(changes)
            self.saved.emit()
