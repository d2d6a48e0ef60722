"""The event file (one SQLite database per event)."""

from facilitator.store.db import APPLICATION_ID, FILE_SUFFIX, EventStore
from facilitator.store.errors import (
    CorruptError,
    DiskFullError,
    LockedError,
    NewerVersionError,
    NotAnEventFileError,
    ReadOnlyError,
    StoreError,
    StoreIOError,
)
from facilitator.store.migrations import SCHEMA_VERSION

__all__ = [
    "APPLICATION_ID",
    "FILE_SUFFIX",
    "SCHEMA_VERSION",
    "CorruptError",
    "DiskFullError",
    "EventStore",
    "LockedError",
    "NewerVersionError",
    "NotAnEventFileError",
    "ReadOnlyError",
    "StoreError",
    "StoreIOError",
]
