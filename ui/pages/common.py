"""Small pieces every page uses the same way: shortcuts, running a command, saving a file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QWidget

from facilitator.changes import Changes
from facilitator.errors import UserError
from facilitator.i18n import _
from ui.bus import ChangeBus
from ui.feedback import FeedbackBanner

SaveChooser = Callable[[QWidget, str, str], Path | None]


def add_shortcut(widget: QWidget, text: str, keys: str, slot: Callable[[], object]) -> QAction:
    """A keyboard shortcut active while the focus is anywhere inside ``widget``."""
    action = QAction(text, widget)
    action.setShortcut(QKeySequence(keys))
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.triggered.connect(slot)
    widget.addAction(action)
    return action


def run_command(banner: FeedbackBanner, bus: ChangeBus, command: Callable[[], Changes],
                success: str = "") -> bool:
    """Run a domain command: broadcast what changed, or show the refusal. True if it ran."""
    try:
        changes = command()
    except UserError as exc:
        banner.show_message(exc.message, "error")
        return False
    bus.publish(changes)
    if success:
        banner.show_message(success, "ok", seconds=6)
    return True


def choose_save_path(parent: QWidget, title: str, suggested: str) -> Path | None:
    path, _filter = QFileDialog.getSaveFileName(parent, title, suggested)
    return Path(path) if path else None


def save_export(banner: FeedbackBanner, path: Path | None,
                write: Callable[[Path], object]) -> Path | None:
    """Write an export with ``write(path)``; say where it went, or why it could not."""
    if path is None:
        return None
    try:
        write(path)
    except OSError as exc:
        banner.show_message(_("Could not write {path}: {error}").format(
            path=path, error=exc.strerror or exc), "error")
        return None
    banner.show_message(_("Saved {path}").format(path=path), "ok", seconds=8)
    return path
