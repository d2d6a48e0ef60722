"""The event file (one SQLite database per event)."""

from facilitator.store.db import APPLICATION_ID, FILE_SUFFIX, EventStore
from facilitator.store.errors import (
    CorruptError,
    DiskFullError,
    EventInUseError,
    LockedError,
    NewerVersionError,
    NotAnEventFileError,
    ReadOnlyError,
    ReadOnlySnapshotError,
    StoreError,
    StoreIOError,
)
from facilitator.store.migrations import SCHEMA_VERSION
from facilitator.store.owner import Holder, set_program

__all__ = [
    "APPLICATION_ID",
    "FILE_SUFFIX",
    "SCHEMA_VERSION",
    "CorruptError",
    "DiskFullError",
    "EventInUseError",
    "EventStore",
    "Holder",
    "LockedError",
    "NewerVersionError",
    "NotAnEventFileError",
    "ReadOnlyError",
    "ReadOnlySnapshotError",
    "StoreError",
    "StoreIOError",
    "set_program",
]
