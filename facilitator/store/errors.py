"""Store errors the user is told about, told apart from bugs (HOUSE_STYLE 4)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from facilitator.errors import UserError
from facilitator.i18n import _

if TYPE_CHECKING:
    from facilitator.store.holder import Holder


class StoreError(UserError):
    """The event file could not be read or written; nothing half-written was kept."""


class NotAnEventFileError(StoreError):
    pass


class NewerVersionError(StoreError):
    pass


class DiskFullError(StoreError):
    pass


class ReadOnlyError(StoreError):
    pass


class LockedError(StoreError):
    pass


class CorruptError(StoreError):
    pass


class StoreIOError(StoreError):
    pass


class EventInUseError(StoreError):
    """Another program (or this one) owns the event file; the message names it."""

    def __init__(self, message: str, holder: Holder | None = None, *,
                 same_process: bool = False) -> None:
        super().__init__(message)
        self.holder = holder
        self.same_process = same_process


class ReadOnlySnapshotError(ReadOnlyError):
    """A change was asked of an event opened read-only (a snapshot); nothing was saved."""


def translate(exc: sqlite3.Error, path: Path) -> StoreError | None:
    """Map an SQLite failure to a message for the user, or None if it is a bug."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    where = str(path)
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return DiskFullError(
            _("The disk holding {path} is full, so the last change was not saved. "
              "Free some space (or save the event elsewhere) and try again.").format(path=where)
        )
    if name.startswith("SQLITE_READONLY") or "readonly" in text:
        return ReadOnlyError(
            _("{path} is read-only, so the last change was not saved. "
              "Copy the event file to a folder you can write to and open the copy.").format(
                path=where
            )
        )
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return LockedError(
            _("{path} is in use by another program (perhaps Facilitator is open twice), "
              "so the last change was not saved. Close the other program and try again.").format(
                path=where
            )
        )
    if name.startswith("SQLITE_NOTADB") or "not a database" in text:
        return NotAnEventFileError(
            _("{path} is not a Facilitator event file.").format(path=where)
        )
    if name.startswith("SQLITE_CORRUPT") or "malformed" in text:
        return CorruptError(
            _("{path} is damaged and cannot be used safely. Open your most recent copy "
              "of the event file instead.").format(path=where)
        )
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_PERM")) or (
        "unable to open" in text or "disk i/o" in text
    ):
        return StoreIOError(
            _("{path} could not be read or written ({detail}). Check that the drive is "
              "still connected and that you may write to the folder.").format(
                path=where, detail=str(exc)
            )
        )
    return None
