"""The event file: creation, migrations, version refusal, transactions, audit log, errors."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from facilitator.clock import FakeClock
from facilitator.store import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    DiskFullError,
    EventStore,
    LockedError,
    NewerVersionError,
    NotAnEventFileError,
    ReadOnlyError,
    ReadOnlySnapshotError,
    StoreIOError,
    migrations,
)

from .dbfiles import empty_database, foreign_database


def test_new_file_is_wal_full_sync_and_versioned(tmp_path: Path, clock: FakeClock) -> None:
    with EventStore.create(tmp_path / "e.facilitator", "Assembly", clock) as store:
        assert store.query("PRAGMA journal_mode")[0][0] == "wal"
        assert store.query("PRAGMA synchronous")[0][0] == 2  # FULL
        assert store.schema_version() == SCHEMA_VERSION
        assert store.query("PRAGMA application_id")[0][0] == APPLICATION_ID
        assert store.name == "Assembly"
        rows = store.query("SELECT action, new FROM audit_log")
        assert [r["action"] for r in rows] == ["create_event"]
    with EventStore.open(tmp_path / "e.facilitator") as again:
        assert again.name == "Assembly"


def test_create_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "e.facilitator"
    path.write_text("keep me")
    with pytest.raises(StoreIOError, match="already exists"):
        EventStore.create(path, "X")
    assert path.read_text() == "keep me"


def test_newer_file_is_refused_with_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "e.facilitator"
    EventStore.create(path, "X").close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 3}")
    conn.commit()
    conn.close()
    with pytest.raises(NewerVersionError) as info:
        EventStore.open(path)
    assert "newer version of Facilitator" in info.value.message
    assert str(SCHEMA_VERSION + 3) in info.value.message


def test_migrations_run_in_order_in_one_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "e.facilitator"
    EventStore.create(path, "X").close()

    def v2(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE extra (x INTEGER)")

    def v3_fails(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO extra VALUES (1)")
        raise RuntimeError("migration bug")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, v2, v3_fails])
    monkeypatch.setattr("facilitator.store.db.MIGRATIONS", migrations.MIGRATIONS)
    monkeypatch.setattr("facilitator.store.db.SCHEMA_VERSION", SCHEMA_VERSION + 2)
    with pytest.raises(RuntimeError, match="migration bug"):
        EventStore.open(path)
    # Nothing of the failed upgrade is left: still version 1, no half-made table.
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name='extra'").fetchone()[0] == 0
    conn.close()

    monkeypatch.setattr("facilitator.store.db.MIGRATIONS", [*migrations.MIGRATIONS[:-1]])
    monkeypatch.setattr("facilitator.store.db.SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with EventStore.open(path) as store:
        assert store.schema_version() == SCHEMA_VERSION + 1
        assert store.query("SELECT count(*) FROM extra")[0][0] == 0
        migrate = store.query("SELECT old, new FROM audit_log WHERE action = 'migrate'")
        assert len(migrate) == 1


@pytest.mark.parametrize(
    "content",
    [b"", b"hello, I am a CSV\n", b"\x89PNG\r\n\x1a\n" + bytes(range(256))],
    ids=["empty", "text", "png"],
)
def test_non_event_files_are_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "not.facilitator"
    path.write_bytes(content)
    with pytest.raises(NotAnEventFileError, match="not a Facilitator event file"):
        EventStore.open(path)
    assert path.read_bytes() == content


def test_other_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(NotAnEventFileError, match="not a Facilitator event file"):
        EventStore.open(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(StoreIOError, match="There is no event file"):
        EventStore.open(tmp_path / "nope.facilitator")


def test_transaction_rolls_back_everything_on_error(store: EventStore) -> None:
    before = store.query("SELECT count(*) FROM audit_log")[0][0]
    with pytest.raises(ValueError, match="boom"), store.transaction():
        store.set_meta("k", "v")
        store.audit("x", "y", 1, None, {"a": 1})
        raise ValueError("boom")
    assert store.meta("k") is None
    assert store.query("SELECT count(*) FROM audit_log")[0][0] == before


def test_nested_transactions_commit_once(store: EventStore) -> None:
    with store.transaction():
        store.set_meta("outer", "1")
        with store.transaction():
            store.set_meta("inner", "2")
    assert store.meta("outer") == "1" and store.meta("inner") == "2"


def test_writes_outside_a_transaction_are_a_bug(store: EventStore) -> None:
    with pytest.raises(RuntimeError, match="outside a transaction"):
        store.execute("INSERT INTO meta VALUES ('a', 'b')")


def test_audit_log_is_append_only(store: EventStore) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="append-only"), store.transaction():
        store.execute("UPDATE audit_log SET action = 'forged'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"), store.transaction():
        store.execute("DELETE FROM audit_log")
    assert store.query("SELECT action FROM audit_log")[0][0] == "create_event"


def test_audit_entry_records_when_what_old_new(store: EventStore, clock: FakeClock) -> None:
    clock.advance(60)
    with store.transaction():
        store.audit("rename", "event", None, {"name": "a"}, {"name": "b"}, actor="desk 1")
    row = store.query("SELECT * FROM audit_log ORDER BY id DESC LIMIT 1")[0]
    assert row["at"] == "2026-11-21T09:01:00.000000+00:00"
    assert (row["action"], row["object_type"]) == ("rename", "event")
    assert (row["old"], row["new"], row["actor"]) == ('{"name": "a"}', '{"name": "b"}', "desk 1")


def test_disk_full_is_a_clear_error_and_keeps_nothing(store: EventStore) -> None:
    pages = store.query("PRAGMA page_count")[0][0]
    store.query(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(DiskFullError) as info, store.transaction():
        for n in range(2000):
            store.set_meta(f"key{n}", "x" * 500)
    assert "full" in info.value.message and str(store.path) in info.value.message
    assert store.meta("key0") is None
    assert store.integrity_check() == "ok"


def test_read_only_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "e.facilitator"
    EventStore.create(path, "X").close()
    with EventStore.open(path) as store:
        # Reopen the same file through a read-only connection, as on a locked-down share.
        store._conn.close()
        store._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None,
                                      check_same_thread=False)
        with pytest.raises(ReadOnlyError, match="read-only"), store.transaction():
            store.set_meta("k", "v")
        store._conn.close()
        store._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)


def test_locked_by_another_program_is_a_clear_error(
    store: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    store.query("PRAGMA busy_timeout = 50")
    try:
        with pytest.raises(LockedError, match="in use by another program"), store.transaction():
            store.set_meta("k", "v")
    finally:
        other.execute("ROLLBACK")
        other.close()
    with store.transaction():
        store.set_meta("k", "v")
    assert store.meta("k") == "v"


def test_two_threads_never_interleave_transactions(store: EventStore) -> None:
    errors: list[BaseException] = []

    def writer(tag: str) -> None:
        try:
            for n in range(100):
                with store.transaction():
                    current = int(store.meta("counter", "0") or 0)
                    store.set_meta("counter", str(current + 1))
                    store.audit("tick", "test", tag, None, {"n": n})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(t,)) for t in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert store.meta("counter") == "200"


def test_close_folds_the_wal_back_into_one_file(tmp_path: Path) -> None:
    path = tmp_path / "e.facilitator"
    store = EventStore.create(path, "X")
    with store.transaction():
        store.set_meta("k", "v" * 10000)
    store.close()
    wal = Path(f"{path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_a_version_1_file_is_upgraded_keeping_its_data(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A file written before the plenary existed opens, gains the new tables, keeps people."""
    path = tmp_path / "old.facilitator"
    monkeypatch.setattr("facilitator.store.db.MIGRATIONS", migrations.MIGRATIONS[:1])
    monkeypatch.setattr("facilitator.store.db.SCHEMA_VERSION", 1)
    with EventStore.create(path, "Old event") as old, old.transaction():
        old.set_meta("attribute_columns", '["Gender"]')
    monkeypatch.undo()
    with EventStore.open(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.meta("attribute_columns") == '["Gender"]'
        assert store.query("SELECT count(*) FROM turns")[0][0] == 0
        migrate = store.query("SELECT old, new FROM audit_log WHERE action = 'migrate'")
        assert [(r["old"], r["new"]) for r in migrate] == [
            ('{"schema": 1}', f'{{"schema": {SCHEMA_VERSION}}}')]


# -- read-only snapshots -------------------------------------------------------------------------


def _files(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and mtime; the -shm (a shared-memory index, where every reader
    in this process marks what it reads) only by its presence."""
    return {p.name: (b"", 0) if p.name.endswith("-shm") else (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.iterdir())}


def test_a_read_only_snapshot_never_writes_the_file(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "e.facilitator"
    with EventStore.create(path, "X", clock) as store, store.transaction():
        store.set_meta("k", "v")
    before = _files(tmp_path)
    with EventStore.open(path, read_only=True) as snapshot:
        assert snapshot.read_only and snapshot.meta("k") == "v"
        with pytest.raises(ReadOnlySnapshotError, match="opened read-only"), \
                snapshot.transaction():
            snapshot.set_meta("k", "changed")
        with pytest.raises(ReadOnlySnapshotError):
            snapshot.scrub()
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            snapshot._conn.execute("DELETE FROM meta")  # even behind the store's back
    assert _files(tmp_path) == before  # no -wal, no -shm, not a byte or an mtime changed


def test_a_snapshot_sees_every_commit_of_a_live_writer_and_leaves_its_wal(
        tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "e.facilitator"
    with EventStore.create(path, "X", clock) as writer:
        with writer.transaction():
            writer.set_meta("k", "in the WAL only")
        wal = Path(f"{path}-wal")
        before = _files(tmp_path)
        assert wal.stat().st_size > 0
        with EventStore.open(path, read_only=True) as snapshot:
            assert snapshot.meta("k") == "in the WAL only"
            assert snapshot.integrity_check() == "ok"
        assert _files(tmp_path) == before
        with writer.transaction():
            writer.set_meta("k", "still writing")
        assert writer.meta("k") == "still writing"


def test_an_older_file_is_upgraded_in_the_snapshot_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.facilitator"
    monkeypatch.setattr("facilitator.store.db.MIGRATIONS", migrations.MIGRATIONS[:1])
    monkeypatch.setattr("facilitator.store.db.SCHEMA_VERSION", 1)
    EventStore.create(path, "Old event").close()
    monkeypatch.undo()
    before = path.read_bytes()
    with EventStore.open(path, read_only=True) as snapshot:
        assert snapshot.schema_version() == SCHEMA_VERSION
        assert snapshot.query("SELECT count(*) FROM turns")[0][0] == 0
    assert path.read_bytes() == before
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()


def test_a_newer_file_is_refused_read_only_too(tmp_path: Path) -> None:
    path = tmp_path / "e.facilitator"
    EventStore.create(path, "X").close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(NewerVersionError):
        EventStore.open(path, read_only=True)




@pytest.mark.parametrize("read_only", [True, False], ids=["read-only", "writer"])
@pytest.mark.parametrize("make", [empty_database, foreign_database], ids=["empty", "foreign"])
def test_a_database_that_is_not_an_event_is_refused_untouched(
        tmp_path: Path, make: object, read_only: bool) -> None:
    """Before: an empty database became an event; a foreign one was left in WAL mode."""
    path = tmp_path / "other.db"
    assert callable(make)
    make(path)
    before = path.read_bytes()
    with pytest.raises(NotAnEventFileError, match="not a Facilitator event file"):
        EventStore.open(path, read_only=read_only)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


# -- readers beside the writer; checkpoints off the writer's path (issue 18) ----------------------


def test_a_read_on_another_thread_does_not_wait_for_a_writer(store: EventStore) -> None:
    """A page reading on the GUI thread while a station's transaction is open gets the last
    committed state at once (it used to wait on the store's lock until that commit)."""
    with store.transaction():
        store.set_meta("k", "committed")
    inside, release = threading.Event(), threading.Event()

    def writer() -> None:
        with store.transaction():
            store.set_meta("k", "in progress")
            assert store.meta("k") == "in progress"  # its own transaction: its own write
            inside.set()
            release.wait()

    read: list[str | None] = []
    done = threading.Event()

    def reader() -> None:
        read.append(store.meta("k"))
        done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert inside.wait(30)
        threading.Thread(target=reader, daemon=True).start()
        # (a guard against hanging on a regression, not a speed bound)
        assert done.wait(30), "the read waited for the writer's transaction"
    finally:
        release.set()
        thread.join()
    assert read == ["committed"]
    assert store.meta("k") == "in progress"


def test_reads_still_refused_after_close(tmp_path: Path) -> None:
    store = EventStore.create(tmp_path / "e.facilitator", "X")
    store.meta("name")
    store.close()
    with pytest.raises(sqlite3.ProgrammingError):
        store.meta("name")


def test_commits_never_checkpoint_and_the_wal_stays_bounded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The checkpoint runs on a thread of its own (PASSIVE), not inside whichever commit
    crossed the limit; the WAL is started over and cut back, so it never grows past about
    the limit, and what was checkpointed is in the event file itself."""
    monkeypatch.setattr("facilitator.store.db.CHECKPOINT_PAGES", 20)
    path = tmp_path / "e.facilitator"
    wal = Path(f"{path}-wal")
    with EventStore.create(path, "X") as store:
        assert store.query("PRAGMA wal_autocheckpoint")[0][0] == 0
        checkpointer = store._checkpointer
        assert checkpointer is not None
        largest = 0
        for n in range(300):
            with store.transaction():
                store.set_meta(f"k{n}", "x" * 3000)
            assert checkpointer.settled(30)
            if n:  # (the first commit may find the new file's long WAL still unfolded)
                largest = max(largest, wal.stat().st_size)
        assert largest < 2 * checkpointer.limit
        # Folded into the file: a reader of the file alone (no WAL) sees most of it.
        alone = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            in_file = alone.execute("SELECT count(*) FROM meta WHERE key LIKE 'k%'").fetchone()
        finally:
            alone.close()
        assert in_file[0] > 250
        assert store.integrity_check() == "ok"
        assert store.meta("k299") == "x" * 3000
        store.scrub()  # takes turns with the background thread
        assert wal.stat().st_size == 0


def test_a_savepoint_that_fails_is_undone_alone(store: EventStore) -> None:
    with store.transaction():
        store.set_meta("a", "kept")
        with pytest.raises(ValueError), store.savepoint():
            store.set_meta("b", "undone")
            raise ValueError("refused")
        with store.savepoint():
            store.set_meta("c", "kept too")
    assert (store.meta("a"), store.meta("b"), store.meta("c")) == ("kept", None, "kept too")
    with pytest.raises(ValueError), store.savepoint():  # alone: a transaction of its own
        store.set_meta("d", "undone")
        raise ValueError("refused")
    assert store.meta("d") is None
