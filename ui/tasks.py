"""Run slow work off the GUI thread and get the result back on it (HOUSE_STYLE 5)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot


class _Relay(QObject):
    """Lives on the GUI thread; its signals, emitted from a worker, arrive queued there."""

    finished = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
        forget: Callable[[_Relay], None],
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self._on_done = on_done
        self._on_error = on_error
        self._forget = forget
        # Bound slots of an object living on the GUI thread: Qt queues the call there. (A plain
        # Python callable would run on the worker thread and touch widgets from it.)
        self.finished.connect(self._on_finished)
        self.failed.connect(self._on_failed)

    @Slot(object)
    def _on_finished(self, result: Any) -> None:
        self._forget(self)
        self._on_done(result)

    @Slot(object)
    def _on_failed(self, exc: Exception) -> None:
        self._forget(self)
        self._on_error(exc)


class TaskRunner(QObject):
    """Owns a thread pool; ``run(fn, on_done, on_error)`` calls back on the GUI thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="facilitator-task")
        self._futures: set[Future[Any]] = set()
        self._relays: set[_Relay] = set()
        self.destroyed.connect(lambda *_args: self._pool.shutdown(wait=False))

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
    ) -> None:
        relay = _Relay(on_done, on_error, self._forget, self)
        self._relays.add(relay)

        def work() -> None:
            try:
                result = fn()
            except Exception as exc:  # handed to the GUI thread, which decides what to show
                relay.failed.emit(exc)
            else:
                relay.finished.emit(result)

        future = self._pool.submit(work)
        self._futures.add(future)
        future.add_done_callback(self._futures.discard)

    def _forget(self, relay: _Relay) -> None:
        self._relays.discard(relay)
        relay.deleteLater()

    @property
    def busy(self) -> bool:
        return bool(self._relays)

    def wait(self, seconds: float = 30) -> bool:
        """Block until running jobs end (their results still arrive via the event loop)."""
        _done, pending = wait(list(self._futures), timeout=seconds)
        return not pending
