"""Qt fixtures: every test builds its own context, store and window (HOUSE_STYLE 2, 10)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication

from facilitator.clock import FakeClock
from facilitator.store import EventStore
from ui.context import AppContext, RecentEvents
from ui.style import apply_style


@pytest.fixture
def context(tmp_path: Path, clock: FakeClock) -> AppContext:
    return AppContext(
        config_dir=tmp_path / "config",
        data_dir=tmp_path / "data",
        clock=clock,
        recent=RecentEvents.load(tmp_path / "config" / "recent.json"),
    )


@pytest.fixture
def demo_store(tmp_path: Path, clock: FakeClock) -> Iterator[EventStore]:
    from facilitator.demo import create_demo_event

    store = create_demo_event(tmp_path / "demo.facilitator", clock)
    yield store
    store.close()


@pytest.fixture(autouse=True)
def _no_leftover_windows(qapp: QApplication) -> Iterator[None]:
    """Fail a test that leaves a visible top-level window behind (napari's conftest habit)."""
    apply_style(qapp)
    yield
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    visible = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    for widget in visible:
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not visible, f"test left windows open: {[type(w).__name__ for w in visible]}"
