"""Screenshots of changed screens, kept as test artefacts (issue 13: "looked at").

Saved under ``$FACILITATOR_ARTIFACTS`` if set, else ``tests/artifacts/`` (gitignored), as
``<name>-<width>x<height>.png``, with Qt's ``grab()`` (offscreen, no real screen needed).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSize
from PySide6.QtWidgets import QWidget

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
