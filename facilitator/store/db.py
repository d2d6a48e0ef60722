"""The event file: one SQLite database per event.

One writer: every write goes through :meth:`EventStore.transaction`, which holds a lock (so
the phone-voting thread, the stations' server threads and the GUI thread never interleave),
runs ``BEGIN IMMEDIATE`` on the one writing connection and commits with ``synchronous=FULL``
so a confirmed change survives a power cut. SQLite failures the user can act on (disk full,
read-only, locked, damaged) are raised as :class:`StoreError` with a message; anything else
is a bug and propagates.

Reads never wait for a writer. :meth:`EventStore.query` outside a transaction runs on a
read connection of its own (a small pool, one per thread reading at that moment, each
``query_only``): in WAL mode a reader sees the last committed state and neither waits for
nor holds up the writer, so a page refreshing on the GUI thread is never stuck behind a
station's or a phone's commit (issue 18: it was, for up to 300 ms). A read in the middle of
this thread's own transaction, a ``PRAGMA`` (which configures or inspects the writing
connection) and every read of a read-only snapshot still go to the writing connection,
under the lock, as before.

Checkpoints happen off the writer's path. SQLite's automatic checkpoint would copy the WAL
back into the file inside whichever commit crossed 1,000 pages, and that commit (a station
waiting for its answer) paid for it. The writing connection has it turned off; after a
commit that leaves the WAL over :data:`CHECKPOINT_PAGES`, a background thread with its own
connection runs a ``PASSIVE`` checkpoint (it takes no lock a writer or reader needs; both go
on meanwhile), and the next commit starts the WAL over and cuts it back to that size
(``journal_size_limit``). Durability is unchanged: a commit is on disk in the WAL
(``synchronous=FULL``) before it is confirmed, a checkpoint only copies what is already
there (a crash in the middle of one is repaired from the WAL at the next open), and
:meth:`EventStore.scrub` and :meth:`EventStore.close` still fold and truncate the WAL on the
spot, taking turns with the background thread so neither finds the other busy.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from facilitator.clock import Clock, SystemClock, to_iso
from facilitator.i18n import _
from facilitator.store.errors import (
    LockedError,
    NewerVersionError,
    NotAnEventFileError,
    ReadOnlySnapshotError,
    StoreError,
    StoreIOError,
    translate,
)
from facilitator.store.migrations import MIGRATIONS, SCHEMA_VERSION
from facilitator.store.owner import OwnerLock, is_held

APPLICATION_ID = 0x46434C54  # "FCLT": marks a SQLite file as a Facilitator event
FILE_SUFFIX = ".facilitator"
BUSY_TIMEOUT_MS = 2000
CHECKPOINT_PAGES = 1000
"""WAL size (pages) past which the background thread checkpoints: SQLite's own default."""

log = logging.getLogger(__name__)

Row = sqlite3.Row
T = TypeVar("T")


class EventStore:
    """An open event file. Build one with :meth:`create` or :meth:`open`.

    A writable store owns its file (:class:`OwnerLock`) from before SQLite touches it until
    :meth:`close`; ``open(path, read_only=True)`` instead reads a consistent snapshot into
    memory, needs no owner and never writes to the file."""

    def __init__(self, conn: sqlite3.Connection, path: Path, clock: Clock,
                 owner: OwnerLock | None = None) -> None:
        self._conn = conn
        self.path = path
        self.clock = clock
        self._owner = owner
        self.read_only = False
        self._lock = threading.RLock()
        self._depth = 0
        self._closed = False
        self._writer: int | None = None  # the thread in a transaction, while one is
        self._readers: _Readers | None = None  # a writable file's read connections
        self._checkpointer: _Checkpointer | None = None

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path | str, name: str, clock: Clock | None = None) -> EventStore:
        """Make a new, empty event file; refuses to overwrite an existing file."""
        path = Path(path)
        clock = clock or SystemClock()
        if path.exists():
            raise _exists(path)
        if not name.strip():
            raise StoreError(_("The event needs a name."))
        owner = OwnerLock.acquire(path, clock.now())
        made = False
        store: EventStore | None = None
        try:
            if path.exists():  # made by another program while we took the lock
                raise _exists(path)
            made = True
            store = cls._connect(path, clock, create=True, owner=owner)
            with store.transaction():
                store.set_meta("name", name.strip())
                store.set_meta("created_at", to_iso(clock.now()))
                store.audit("create_event", "event", None, None, {"name": name.strip()})
        except BaseException:
            if store is not None:
                store._conn.close()
            if made:
                for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                    leftover.unlink(missing_ok=True)
            owner.release()
            raise
        assert store is not None
        return store

    @classmethod
    def open(cls, path: Path | str, clock: Clock | None = None, *,
             read_only: bool = False) -> EventStore:
        """Open an existing event file, migrating it to this version's schema if older.

        Refused (:class:`EventInUseError`, naming the holder) while another program, or
        this one, has it open. ``read_only``: a snapshot in memory instead, taken without
        writing anything to the file (no WAL checkpoint, no journal mode change, no
        migration but in memory) and without the owner lock, so it works while the app
        has the event open; any change asked of it raises :class:`ReadOnlySnapshotError`."""
        path = Path(path)
        clock = clock or SystemClock()
        if not path.is_file():
            raise StoreIOError(_("There is no event file at {path}.").format(path=path))
        if read_only:
            return cls._snapshot(path, clock)
        # The owner lock first: its in-process check answers before the event file is
        # opened at all (opening and closing it here would drop this process's SQLite locks).
        owner = OwnerLock.acquire(path, clock.now())
        try:
            _check_header(path)
            _read(path, lambda conn: _require_event(conn, path), owned=True)
            return cls._connect(path, clock, create=False, owner=owner)
        except BaseException:
            owner.release()
            raise

    @classmethod
    def _snapshot(cls, path: Path, clock: Clock) -> EventStore:
        _check_header(path)
        memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        memory.row_factory = sqlite3.Row
        try:
            def copy(source: sqlite3.Connection) -> None:
                _require_event(source, path)
                source.backup(memory)

            _read(path, copy, owned=False)
            store = cls(memory, path, clock)
            store._migrate(create=False)  # an older file: the copy is upgraded, not the file
            memory.execute("PRAGMA query_only = ON")
        except BaseException:
            memory.close()
            raise
        store.read_only = True
        return store

    @classmethod
    def _connect(cls, path: Path, clock: Clock, *, create: bool,
                 owner: OwnerLock) -> EventStore:
        try:
            conn = sqlite3.connect(
                str(path), isolation_level=None, check_same_thread=False, timeout=0
            )
        except sqlite3.Error as exc:
            _reraise(exc, path)
        conn.row_factory = sqlite3.Row
        store = cls(conn, path, clock, owner)
        try:
            store._configure()
            store._migrate(create=create)
        except BaseException:
            conn.close()
            raise
        file = os.path.abspath(path)
        store._readers = _Readers(file)
        store._checkpointer = _Checkpointer(file, store._wal_limit())
        store._checkpointer.committed()  # a migration (or a crash) may have left a long WAL
        return store

    def _wal_limit(self) -> int:
        """The WAL's size in bytes at :data:`CHECKPOINT_PAGES` pages."""
        page_size = int(self._conn.execute("PRAGMA page_size").fetchone()[0])
        return 32 + CHECKPOINT_PAGES * (page_size + 24)

    def _configure(self) -> None:
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            self._conn.execute("PRAGMA synchronous = FULL")
            # Checkpoints run in the background (the module's docstring), not in a commit.
            self._conn.execute("PRAGMA wal_autocheckpoint = 0")
            self._conn.execute(f"PRAGMA journal_size_limit = {self._wal_limit()}")
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
                raise _not_an_event(self.path)
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
            if version and self._owner is not None:
                # A step may delete what must not stay (issue 11 drops the old phone votes):
                # out of the file now, not at the next checkpoint.
                self.scrub()
        except sqlite3.Error as exc:
            _reraise(exc, self.path)

    def close(self) -> None:
        """Close the file and give up its ownership (idempotent)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                if self._checkpointer is not None:
                    self._checkpointer.stop()
                if self._readers is not None:
                    self._readers.close()
                if not self.read_only:
                    # Fold the WAL back so the event is one self-contained file to copy home.
                    with suppress(sqlite3.Error):
                        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                self._conn.close()
            finally:
                if self._owner is not None:
                    self._owner.release()

    def scrub(self, *, rebuild: bool = True) -> None:
        """Fold the write-ahead log into the file and truncate it to nothing.

        The WAL keeps every committed version of a page until a checkpoint; read in commit
        order it tells which rows were written together. Called after any change that must
        leave no history behind (a question closing, a phone vote when votes are secret even
        while open), so nothing in the file links a voter to a choice.

        ``rebuild`` (the default) first rewrites the whole file (VACUUM): inside a page,
        SQLite places each new row after the previous one, so the byte offsets of the rows
        still give the order they arrived in, and deleted rows leave their sizes behind.
        A rebuilt file holds its rows in key order and nothing else (a few milliseconds per
        megabyte). ``rebuild=False`` only clears the WAL: after each phone vote, when a
        rebuild per vote would cost too much and the layout links no voter to a ballot."""
        with self._lock:
            if self._depth:
                raise RuntimeError("EventStore.scrub() inside a transaction")
            if self.read_only:
                raise self._read_only_error()
            try:
                if rebuild:
                    self._conn.execute("VACUUM")
                # Not while the background thread checkpoints: SQLite would answer "busy"
                # at once (a checkpoint waits for readers and writers, not for another one).
                with self._checkpointing():
                    row = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            except sqlite3.Error as exc:
                _reraise(exc, self.path)
            if row is not None and row[0]:
                raise StoreIOError(
                    _("{path}: the event file is busy and its history could not be cleared; "
                      "try again.").format(path=self.path))

    def _checkpointing(self) -> AbstractContextManager[Any]:
        return self._checkpointer.turn if self._checkpointer is not None else nullcontext()

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
            if self.read_only:
                raise self._read_only_error()
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                _reraise(exc, self.path)
            self._depth = 1
            self._writer = threading.get_ident()
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
                self._writer = None
            if self._checkpointer is not None:
                self._checkpointer.committed()

    @contextmanager
    def savepoint(self) -> Iterator[sqlite3.Connection]:
        """A transaction whose writes are undone if the block raises, even when it runs
        inside another transaction (which then goes on without them): several callers'
        work in one commit, each all-or-nothing (the stations' server applies the items
        that arrive together so)."""
        with self.transaction():
            name = f"facilitator_{self._depth}"
            self._conn.execute(f"SAVEPOINT {name}")
            try:
                yield self._conn
            except BaseException:
                if self._conn.in_transaction:  # (a failure SQLite rolled back is gone all)
                    with suppress(sqlite3.Error):
                        self._conn.execute(f"ROLLBACK TO {name}")
                        self._conn.execute(f"RELEASE {name}")
                raise
            self._conn.execute(f"RELEASE {name}")

    def _read_only_error(self) -> ReadOnlySnapshotError:
        return ReadOnlySnapshotError(
            _("{path} was opened read-only here, so this change was not saved.").format(
                path=self.path))

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[Row]:
        """Read rows: the last committed state, never mid-way through another thread's
        write, without waiting for it (a read connection of its own); inside this thread's
        transaction, what it wrote so far (the writing connection)."""
        readers = self._readers
        if (readers is None or self._closed or self._writer == threading.get_ident()
                or sql.lstrip()[:6].upper() == "PRAGMA"):
            with self._lock:
                try:
                    return self._conn.execute(sql, params).fetchall()
                except sqlite3.Error as exc:
                    _reraise(exc, self.path)
        try:
            with readers.connection() as conn:
                return conn.execute(sql, params).fetchall()
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


class _Readers:
    """Read connections to a writable event, one per thread reading at the moment: taken
    from the pool for a query and given back after it, so :meth:`close` never closes one
    under a running query (one still in use is closed when it is given back)."""

    def __init__(self, file: str) -> None:
        self._file = file
        self._idle: list[sqlite3.Connection] = []
        self._guard = threading.Lock()
        self._closed = False

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        with self._guard:
            if self._closed:
                raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = sqlite3.connect(self._file, isolation_level=None, check_same_thread=False,
                                   timeout=BUSY_TIMEOUT_MS / 1000)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA query_only = ON")
        try:
            yield conn
        finally:
            with self._guard:
                if self._closed:
                    conn.close()
                else:
                    self._idle.append(conn)

    def close(self) -> None:
        with self._guard:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


class _Checkpointer:
    """Copies the WAL back into the event file (``PASSIVE``) on a thread and a connection of
    its own, when a commit left the WAL over ``limit`` bytes. Started at the first need.
    ``turn`` is held during each checkpoint: :meth:`EventStore.scrub` and
    :meth:`EventStore.close` take it for theirs. A failed checkpoint is logged and tried
    again after the next commit (nothing is lost: the WAL still holds every commit)."""

    def __init__(self, file: str, limit: int) -> None:
        self._file = file
        self._wal = f"{file}-wal"
        self.limit = limit
        self.turn = threading.Lock()
        self._wake = threading.Condition()
        self._asked = 0
        self._done = 0
        self._stopping = False
        self._thread: threading.Thread | None = None

    def committed(self) -> None:
        """After a commit (cheap: one ``stat``); wakes the thread when the WAL is large.
        A WAL started over is written from its beginning and cut back to ``limit``
        (``journal_size_limit``), so the file is longer than that only when what it holds
        is."""
        try:
            size = os.stat(self._wal).st_size
        except OSError:
            return
        if size <= self.limit:
            return
        with self._wake:
            if self._stopping:
                return
            self._asked += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True,
                                                name="facilitator-checkpoint")
                self._thread.start()
            self._wake.notify_all()

    def settled(self, timeout: float) -> bool:
        """Wait until every checkpoint asked for so far has run (tests, benchmarks)."""
        with self._wake:
            return self._wake.wait_for(lambda: self._done >= self._asked, timeout)

    def stop(self) -> None:
        with self._wake:
            self._stopping = True
            thread = self._thread
            self._wake.notify_all()
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        try:
            while True:
                with self._wake:
                    self._wake.wait_for(lambda: self._stopping or self._asked > self._done)
                    if self._stopping:
                        return
                    asked = self._asked
                try:
                    if conn is None:
                        conn = sqlite3.connect(self._file, isolation_level=None,
                                               check_same_thread=False,
                                               timeout=BUSY_TIMEOUT_MS / 1000)
                        conn.execute("PRAGMA synchronous = FULL")
                    with self.turn:
                        conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                except sqlite3.Error:
                    log.warning("the event file's background checkpoint failed; it is tried "
                                "again after the next change", exc_info=True)
                with self._wake:
                    self._done = asked
                    self._wake.notify_all()
        finally:
            if conn is not None:
                conn.close()
            with self._wake:
                self._done = self._asked
                self._wake.notify_all()


def _exists(path: Path) -> StoreError:
    return StoreIOError(
        _("{path} already exists; choose another name for the new event.").format(path=path))


def _not_an_event(path: Path) -> StoreError:
    return NotAnEventFileError(
        _("{path} is a database, but not a Facilitator event file.").format(path=path))


def _require_event(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse any database but an event (an empty one too) before anything is written."""
    if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        raise _not_an_event(path)


def _read(path: Path, work: Callable[[sqlite3.Connection], T], *, owned: bool) -> T:
    """Run ``work`` on a connection that cannot write the file, checkpoint or delete its WAL.

    While another process owns the event (so its ``-wal`` and ``-shm`` are live), read
    through the shared WAL index without ever writing to it (``readonly_shm``); that
    writer's index is sound, and must not be rebuilt under it. With no owner (or when we are
    the owner, ``owned``), read normally: SQLite may rebuild an index a crash left stale,
    never the data. A file with no WAL was closed cleanly: read it as it lies
    (``immutable``: no ``-wal`` or ``-shm`` is made), and start again if a writer changed it
    meanwhile."""
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    for _attempt in range(5):
        before = _signature(path)
        immutable = not wal.exists()
        if immutable:
            params = "mode=ro&immutable=1"
        elif shm.exists() and not owned and is_held(path):
            params = "mode=ro&readonly_shm=1"
        else:
            params = "mode=ro"
        try:
            result = _read_with(path, params, work)
        except sqlite3.Error as exc:
            if _signature(path) != before or wal.exists() != (not immutable):
                continue  # a writer was at work; read again
            _reraise(exc, path)
        if immutable and (_signature(path) != before or wal.exists()):
            continue
        return result
    raise LockedError(
        _("{path} kept changing while it was read; try again.").format(path=path))


def _read_with(path: Path, params: str, work: Callable[[sqlite3.Connection], T]) -> T:
    source = sqlite3.connect(f"{path.resolve().as_uri()}?{params}", uri=True,
                             isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        return work(source)
    finally:
        source.close()


def _signature(path: Path) -> tuple[int, int, int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (0, 0, 0, 0)
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


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
