"""SQLite files that are not event files, for the tests that must refuse them unchanged."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def empty_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("VACUUM")  # a valid SQLite file: a header and one empty page
    conn.close()


def foreign_database(path: Path) -> None:
    """Another program's database: a table of its own, rollback-journal mode."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    conn.close()
