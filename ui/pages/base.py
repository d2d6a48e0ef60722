"""The base of every page: banner, bus subscription, running ops, shortcuts, refresh policy.

One shape for all pages (ARCHITECTURE.md), after Anki's ``CollectionOp``: a page calls
``self.run(lambda: ops.something(self.store, …, actor=self.actor))``; ``run`` shows a refusal
in the banner or publishes what changed, once, on the bus. Every page, this one included,
then hears the change through :meth:`relevant`; a visible page refreshes at once, a hidden
one is marked stale and refreshes when it is shown (no work for pages nobody looks at).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import QWidget

from facilitator.changes import Changes, OpResult, changes_of
from facilitator.errors import UserError
from facilitator.store import EventStore
from ui.bus import ChangeBus
from ui.feedback import FeedbackBanner

R = TypeVar("R", bound=OpResult)

APP_ACTOR = "app"
"""Who the audit log names for a change made on the laptop's own screens."""


class Page(QWidget):
    """Subclasses implement :meth:`relevant` and :meth:`refresh`, and place ``self.banner``."""

    def __init__(self, store: EventStore, bus: ChangeBus, *, actor: str = APP_ACTOR,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.bus = bus
        self.actor = actor
        self.banner = FeedbackBanner()
        self._stale = False
        bus.changes_applied.connect(self._on_bus_changes_applied)

    # -- what a page implements ------------------------------------------------------------

    def __init_subclass__(cls, **kwargs: object) -> None:
        """A page must say which changes concern it and how it refreshes: checked when the
        class is defined, so a page that forgets fails at import, not on the day."""
        super().__init_subclass__(**kwargs)
        missing = [name for name in ("relevant", "refresh")
                   if getattr(cls, name) is getattr(Page, name)]
        if missing:
            raise TypeError(f"{cls.__name__} must define {' and '.join(missing)}()")

    def relevant(self, changes: Changes) -> bool:
        """Whether ``changes`` can alter what this page shows (every page defines it)."""
        return False

    def refresh(self) -> None:
        """Re-read what the page shows from the event (every page defines it)."""

    # -- running ops -----------------------------------------------------------------------

    def run(self, op: Callable[[], R], success: str = "") -> R | None:
        """Run an op: publish what changed, or show the refusal. The op's result, or None."""
        try:
            result = op()
        except UserError as exc:
            self.banner.show_message(exc.message, "error")
            return None
        self.bus.publish(changes_of(result))
        if success:
            self.banner.show_message(success, "ok", seconds=6)
        return result

    def refuse(self, message: str) -> None:
        """Say why something cannot be done (nothing changed)."""
        self.banner.show_message(message, "error")

    # -- keyboard ----------------------------------------------------------------------------

    def shortcut(self, text: str, keys: str, slot: Callable[[], object]) -> QAction:
        """A keyboard shortcut active while the focus is anywhere inside the page."""
        action = QAction(text, self)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    # -- refresh policy ----------------------------------------------------------------------

    @property
    def stale(self) -> bool:
        return self._stale

    def _on_bus_changes_applied(self, changes: Changes) -> None:
        if not self.relevant(changes):
            return
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.refresh()
