"""Saving a file from a page: choose where, write it, say where it went or why it could not.

Running ops, shortcuts and the banner belong to :class:`ui.pages.base.Page`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from facilitator.i18n import _
from ui.feedback import FeedbackBanner

SaveChooser = Callable[[QWidget, str, str], Path | None]


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
