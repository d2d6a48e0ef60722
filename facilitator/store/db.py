"""The event file: one SQLite database per event.

One connection, one writer: every write goes through :meth:`EventStore.transaction`, which
holds a lock (so the phone-voting thread and the GUI thread never interleave), runs
``BEGIN IMMEDIATE`` and commits with ``synchronous=FULL`` so a confirmed change survives a
power cut. SQLite failures the user can act on (disk full, read-only, locked, damaged) are
raised as :class:`StoreError` with a message; anything else is a bug and propagates.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, NoReturn

from facilitator.clock import Clock, SystemClock, to_iso
from facilitator.i18n import _
from facilitator.store.errors import (
    NewerVersionError,
    NotAnEventFileError,
    StoreError,
    StoreIOError,
    translate,
)
from facilitator.store.migrations import MIGRATIONS, SCHEMA_VERSION

APPLICATION_ID = 0x46434C54  # "FCLT": marks a SQLite file as a Facilitator event
FILE_SUFFIX = ".facilitator"
BUSY_TIMEOUT_MS = 2000

Row = sqlite3.Row


class EventStore:
    """An open event file. Build one with :meth:`create` or :meth:`open`."""

    def __init__(self, conn: sqlite3.Connection, path: Path, clock: Clock) -> None:
        self._conn = conn
        self.path = path
        self.clock = clock
        self._lock = threading.RLock()
        self._depth = 0

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path | str, name: str, clock: Clock | None = None) -> EventStore:
        """Make a new, empty event file; refuses to overwrite an existing file."""
        path = Path(path)
        clock = clock or SystemClock()
        if path.exists():
            raise StoreIOError(
                _("{path} already exists; choose another name for the new event.").format(
                    path=path
                )
            )
        if not name.strip():
            raise StoreError(_("The event needs a name."))
        store = cls._connect(path, clock, create=True)
        try:
            with store.transaction():
                store.set_meta("name", name.strip())
                store.set_meta("created_at", to_iso(clock.now()))
                store.audit("create_event", "event", None, None, {"name": name.strip()})
        except BaseException:
            store._conn.close()
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
            raise
        return store

    @classmethod
    def open(cls, path: Path | str, clock: Clock | None = None) -> EventStore:
        """Open an existing event file, migrating it to this version's schema if older."""
        path = Path(path)
        if not path.is_file():
            raise StoreIOError(_("There is no event file at {path}.").format(path=path))
        return cls._connect(path, clock or SystemClock(), create=False)

    @classmethod
    def _connect(cls, path: Path, clock: Clock, *, create: bool) -> EventStore:
        if not create:
            _check_header(path)
        try:
            conn = sqlite3.connect(
                str(path), isolation_level=None, check_same_thread=False, timeout=0
            )
        except sqlite3.Error as exc:
            _reraise(exc, path)
        conn.row_factory = sqlite3.Row
        store = cls(conn, path, clock)
        try:
            store._configure()
            store._migrate(create=create)
        except BaseException:
            conn.close()
            raise
        return store

    def _configure(self) -> None:
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            self._conn.execute("PRAGMA synchronous = FULL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            # Deleted rows (a replaced phone vote, a cleared voter link) are overwritten
            # with zeros, whatever the SQLite build's default: a vote is secret in the file.
            self._conn.execute("PRAGMA secure_delete = ON")
        except sqlite3.Error as exc:
            _reraise(exc, self.path)
        if str(mode).lower() != "wal":
            # A read-only medium or a network share that cannot hold the WAL index.
            raise StoreIOError(
                _("{path} cannot be used as an event file here (its folder does not allow "
                  "safe writing). Copy it to a local folder and open the copy.").format(
                    path=self.path
                )
            )

    def _migrate(self, *, create: bool) -> None:
        try:
            app_id = self._conn.execute("PRAGMA application_id").fetchone()[0]
            version = self._conn.execute("PRAGMA user_version").fetchone()[0]
            if not create and app_id != APPLICATION_ID:
                tables = self._conn.execute(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                ).fetchone()[0]
                if tables or app_id:
                    raise NotAnEventFileError(
                        _("{path} is a database, but not a Facilitator event file.").format(
                            path=self.path
                        )
                    )
            if version > SCHEMA_VERSION:
                raise NewerVersionError(
                    _("{path} was saved by a newer version of Facilitator (file format {file}, "
                      "this version reads up to {ours}). Update Facilitator to open it.").format(
                        path=self.path, file=version, ours=SCHEMA_VERSION
                    )
                )
            if version == SCHEMA_VERSION:
                return
            with self.transaction():
                for step in MIGRATIONS[version:]:
                    step(self._conn)
                self._conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                self._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                if version:
                    self.audit("migrate", "event", None, {"schema": version},
                               {"schema": SCHEMA_VERSION})
        except sqlite3.Error as exc:
            _reraise(exc, self.path)

    def close(self) -> None:
        with self._lock:
            # Fold the WAL back so the event is one self-contained file to copy home.
            with suppress(sqlite3.Error):
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._conn.close()

    def scrub(self) -> None:
        """Fold the write-ahead log into the file and truncate it to nothing.

        The WAL keeps every committed version of a page until a checkpoint; read in commit
        order it tells which rows were written together. Called after any change that must
        leave no history behind (a question closing, a phone vote when votes are secret even
        while open), so nothing in the file links a voter to a choice."""
        with self._lock:
            if self._depth:
                raise RuntimeError("EventStore.scrub() inside a transaction")
            try:
                row = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            except sqlite3.Error as exc:
                _reraise(exc, self.path)
            if row is not None and row[0]:
                raise StoreIOError(
                    _("{path}: the event file is busy and its history could not be cleared; "
                      "try again.").format(path=self.path))

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions --------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All-or-nothing: commit on success, roll back on any exception. Nestable."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._conn
                finally:
                    self._depth -= 1
                return
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                _reraise(exc, self.path)
            self._depth = 1
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException as exc:
                if self._conn.in_transaction:
                    with suppress(sqlite3.Error):
                        self._conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    translated = translate(exc, self.path)
                    if translated is not None:
                        raise translated from exc
                raise
            finally:
                self._depth = 0

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[Row]:
        """Read rows (under the lock, so never mid-way through another thread's write)."""
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                _reraise(exc, self.path)

    def query_one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Row | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        """Write inside :meth:`transaction` only."""
        if not self._depth:
            raise RuntimeError("EventStore.execute() outside a transaction")
        return self._conn.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> sqlite3.Cursor:
        if not self._depth:
            raise RuntimeError("EventStore.executemany() outside a transaction")
        return self._conn.executemany(sql, rows)

    # -- audit log and metadata -------------------------------------------------------------

    def audit(
        self,
        action: str,
        object_type: str,
        object_id: str | int | None,
        old: Any,
        new: Any,
        actor: str | None = None,
    ) -> None:
        """Append to the audit log, in the same transaction as the change it records."""
        self.execute(
            "INSERT INTO audit_log (at, action, object_type, object_id, old, new, actor) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                to_iso(self.clock.now()),
                action,
                object_type,
                None if object_id is None else str(object_id),
                None if old is None else json.dumps(old, ensure_ascii=False, sort_keys=True),
                None if new is None else json.dumps(new, ensure_ascii=False, sort_keys=True),
                actor,
            ),
        )

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.query_one("SELECT value FROM meta WHERE key = ?", (key,))
        return default if row is None else str(row["value"])

    def meta_json(self, key: str, default: Any = None) -> Any:
        text = self.meta(key)
        return default if text is None else json.loads(text)

    def set_meta(self, key: str, value: str) -> None:
        self.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def set_meta_json(self, key: str, value: Any) -> None:
        self.set_meta(key, json.dumps(value, ensure_ascii=False))

    @property
    def name(self) -> str:
        return self.meta("name") or self.path.stem

    def schema_version(self) -> int:
        return int(self.query("PRAGMA user_version")[0][0])

    def integrity_check(self) -> str:
        return str(self.query("PRAGMA integrity_check")[0][0])


def _check_header(path: Path) -> None:
    """Refuse a file that is not SQLite before SQLite gets a chance to touch it."""
    try:
        with path.open("rb") as handle:
            header = handle.read(16)
    except OSError as exc:
        raise StoreIOError(
            _("{path} could not be read ({detail}).").format(path=path, detail=exc.strerror)
        ) from exc
    if header != b"SQLite format 3\x00":
        raise NotAnEventFileError(_("{path} is not a Facilitator event file.").format(path=path))


def _reraise(exc: sqlite3.Error, path: Path) -> NoReturn:
    """Raise the user-facing error for ``exc``, or ``exc`` itself when it is a bug."""
    translated = translate(exc, path)
    if translated is None:
        raise exc
    raise translated from exc
