"""Guards against known faults of the Qt binding itself.

PySide6 6.12.0 dropped a reference to ``True`` on every ``Signal.emit()``: after a few
thousand emits Python aborted at exit ("bool_dealloc"), failing the whole run. pyproject.toml
keeps below it; this test fails loudly if a release with that fault is ever installed.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    with_value = Signal(object)
    bare = Signal()


def test_signal_emit_keeps_reference_counts() -> None:
    emitter = _Emitter()
    before_true, before_none = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(500):
        emitter.with_value.emit(1)
        emitter.bare.emit()
    # A few references may come and go elsewhere; a leak is one per emit (1,000 here).
    assert abs(sys.getrefcount(True) - before_true) < 50
    assert abs(sys.getrefcount(None) - before_none) < 50
