"""One allocation or re-balance at a time, off the GUI thread, with progress and Cancel.

The search touches no database (:func:`facilitator.tables.queries.run_allocation`); its
result comes back on the GUI thread, where the page saves it with an op. When the page's
event is being closed, :meth:`SearchRunner.shutdown` stops the search and drops its result:
it is never saved, so nothing ever writes to a closed event file.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from facilitator.tables.search import CancelFn, Progress, ProgressFn
from ui.tasks import TaskRunner

T = TypeVar("T")
Search = Callable[[ProgressFn, CancelFn], T]


class SearchRunner(QObject):
    progressed = Signal(object)
    """A :class:`~facilitator.tables.search.Progress`, emitted on the worker, queued here."""

    def __init__(self, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._cancel = threading.Event()
        self._running: str | None = None
        self._run = 0
        self._shut = False

    @property
    def running(self) -> str | None:
        """What is running (``allocate``, ``rebalance``), or None."""
        return self._running

    @property
    def shut(self) -> bool:
        return self._shut

    def start(self, kind: str, search: Search[T], done: Callable[[T], None],
              failed: Callable[[Exception], None]) -> bool:
        """Run ``search(progress, cancel)``; ``done`` or ``failed`` gets its end, unless the
        runner was shut down meanwhile. False if a search is running already."""
        if self._running is not None or self._shut:
            return False
        self._running = kind
        self._run += 1
        run = self._run
        cancel = self._cancel = threading.Event()
        emit = self.progressed.emit

        def progress(value: Progress) -> None:
            if not self._shut:
                emit(value)

        def finished(result: T) -> None:
            if self._end(run):
                done(result)

        def broke(exc: Exception) -> None:
            if self._end(run):
                failed(exc)

        self._tasks.run(lambda: search(progress, cancel.is_set), finished, broke)
        return True

    def _end(self, run: int) -> bool:
        """Whether the result of ``run`` is still wanted."""
        if run != self._run:
            return False
        self._running = None
        return not self._shut

    def cancel(self) -> bool:
        """Stop the search; it keeps the best plan found so far. False if none is running."""
        if self._running is None:
            return False
        self._cancel.set()
        return True

    def shutdown(self) -> None:
        """The event is closing: stop any search and never hand back its result."""
        self._shut = True
        self._cancel.set()
