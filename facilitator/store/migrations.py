"""Ordered schema migrations. Never edit a released step; append a new one."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]


def _v1_initial(conn: sqlite3.Connection) -> None:
    for statement in _V1:
        conn.execute(statement)


_V1 = [
    """CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE participants (
        id INTEGER PRIMARY KEY,
        ext_id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL CHECK (length(trim(name)) > 0),
        role TEXT NOT NULL DEFAULT 'participant'
            CHECK (role IN ('participant', 'facilitator', 'expert', 'staff', 'observer')),
        attributes TEXT NOT NULL DEFAULT '{}',
        source TEXT NOT NULL CHECK (source IN ('import', 'walk_in')),
        status TEXT NOT NULL DEFAULT 'expected'
            CHECK (status IN ('expected', 'checked_in', 'no_show')),
        status_at TEXT,
        checked_in_at TEXT,
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        badge_code TEXT NOT NULL UNIQUE,
        token TEXT NOT NULL UNIQUE,
        search_key TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX participants_status ON participants (active, status)",
    """CREATE TABLE imports (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        file_name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        id_column TEXT,
        name_columns TEXT NOT NULL,
        added INTEGER NOT NULL,
        changed INTEGER NOT NULL,
        removed INTEGER NOT NULL,
        unchanged INTEGER NOT NULL
    )""",
    """CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        object_type TEXT NOT NULL,
        object_id TEXT,
        old TEXT,
        new TEXT,
        actor TEXT
    )""",
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]

MIGRATIONS: list[Migration] = [_v1_initial]
"""MIGRATIONS[i] takes a file from user_version i to i + 1."""

SCHEMA_VERSION = len(MIGRATIONS)
