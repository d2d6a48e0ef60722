"""Screenshots of changed screens, kept as test artefacts (issue 13: "looked at").

Saved under ``$FACILITATOR_ARTIFACTS`` if set, else ``tests/artifacts/`` (gitignored), as
``<name>-<width>x<height>.png``, with Qt's ``grab()`` (offscreen, no real screen needed).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSize
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from facilitator.clock import FakeClock
    from ui.context import AppContext
    from ui.main_window import MainWindow

SIZES = (QSize(1366, 768), QSize(1920, 1080))
"""A common laptop, and a full-HD monitor or projector."""


def artifacts_dir() -> Path:
    root = os.environ.get("FACILITATOR_ARTIFACTS")
    folder = Path(root) if root else Path(__file__).resolve().parents[1] / "artifacts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_screens(widget: QWidget, name: str, sizes: tuple[QSize, ...] = SIZES) -> list[Path]:
    """Resize ``widget`` (a top-level window) to each size, let it lay out, save a grab."""
    saved = []
    for size in sizes:
        widget.resize(size)
        for _ in range(3):
            QCoreApplication.processEvents()
        path = artifacts_dir() / f"{name}-{size.width()}x{size.height()}.png"
        assert widget.grab().save(str(path)), f"could not save {path}"
        saved.append(path)
    return saved


@contextmanager
def demo_window(qtbot: QtBot, context: AppContext, folder: Path, clock: FakeClock,
                size: QSize) -> Iterator[MainWindow]:
    """The main window on a fresh demo event with its votes (as "Open the demo event"),
    shown at ``size``; closed afterwards."""
    from facilitator.demo import create_demo_event
    from ui.main_window import MainWindow

    store = create_demo_event(folder / "demo.facilitator", clock, with_votes=True)
    win = MainWindow(context, store)
    qtbot.addWidget(win)
    win.resize(size)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
