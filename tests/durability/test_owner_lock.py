"""Issue 11, part 1: a file dialog, a command and a crash together lose nothing confirmed.

The exact sequence that lost check-ins: the app (a child process writing through
EventStore) has the event open; inside it, something opens and closes the event file the
way a file dialog sniffing file types does (plain ``open().read()``, and Qt's own
``QMimeDatabase``), which used to drop every SQLite lock the app held; then another process
runs the command line, once to read (``people``) and once to write (``check-in``). That
reader used to checkpoint and delete the ``-wal`` the app was still writing into. Then the
app checks ten more people in and is killed with SIGKILL. Every confirmed check-in must be
in the file afterwards, and ``PRAGMA integrity_check`` must say ok after every step.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from facilitator.people import import_people, parse_people
from facilitator.store import EventStore, owner

from .harness import ROOT, child_env, run_and_kill

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and fork-style pipes are POSIX"),
]

APP_CHILD = r"""
import sys
from facilitator.people import check_in
from facilitator.store import EventStore
try:
    from facilitator.store import set_program
    set_program("the Facilitator app")
except ImportError:  # a build from before the owner lock: shows what this test catches
    pass

path, sniff = sys.argv[1], sys.argv[2]
store = EventStore.open(path)
people = store.query("SELECT id, ext_id FROM participants ORDER BY ext_id")
done = 0
print("READY", flush=True)
for line in sys.stdin:
    command, *rest = line.split()
    if command == "check":
        for _n in range(int(rest[0])):
            check_in(store, people[done][0], via="durability test", actor="test")
            print("OK", people[done][1], flush=True)
            done += 1
    elif command == "sniff":
        names = [path, path + "-wal", path + "-shm"]
        if sniff == "qt":
            from PySide6.QtCore import QCoreApplication, QMimeDatabase
            app = QCoreApplication.instance() or QCoreApplication([])
            kinds = [QMimeDatabase().mimeTypeForFile(name).name() for name in names]
            assert kinds[0] == "application/vnd.sqlite3", kinds
        else:
            for name in names:
                with open(name, "rb") as handle:
                    handle.read()
    print("DONE", flush=True)
"""

PEOPLE = 40


def write_people(path: Path) -> Path:
    path.write_text("ID,Name\n" + "".join(f"P{n:03d},Person {n}\n" for n in range(PEOPLE)),
                    encoding="utf-8")
    return path


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "facilitator", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, env=child_env(),
                          timeout=120)


def integrity(path: Path) -> str:
    """``PRAGMA integrity_check`` of the file as another process sees it, without writing:
    through the live WAL index while the app has the file open, read as it lies otherwise."""
    how = "readonly_shm=1" if Path(f"{path}-shm").exists() else "immutable=1"
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro&{how}", uri=True)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def files(path: Path) -> dict[str, tuple[bytes, int]]:
    """The event and its WAL: every byte and the mtime (the -shm is the app's shared memory
    index: its read marks move as the app reads, and it holds no data)."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns)
            for p in (path, Path(f"{path}-wal"))}


class App:
    """The child playing the app; every command waits for the child's answer."""

    def __init__(self, event: Path, sniff: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", APP_CHILD, str(event), sniff], cwd=ROOT, env=child_env(),
            text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.confirmed: list[str] = []
        assert self.process.stdout is not None
        first = self.process.stdout.readline()
        assert first == "READY\n", first + self._stderr()

    def _stderr(self) -> str:
        if self.process.poll() is None:
            return ""
        assert self.process.stderr is not None
        return self.process.stderr.read()

    def send(self, line: str) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        while (answer := self.process.stdout.readline()) != "DONE\n":
            assert answer.startswith("OK "), answer + self._stderr()
            self.confirmed.append(answer.split()[1])

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        assert self.process.returncode == -signal.SIGKILL
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.mark.parametrize("sniff", ["plain", "qt"], ids=["open-read-close", "QMimeDatabase"])
def test_file_dialog_sniff_then_commands_then_crash_loses_nothing(
        tmp_path: Path, sniff: str) -> None:
    event = tmp_path / "event.facilitator"
    with EventStore.create(event, "Durability") as store:
        import_people(store, parse_people(write_people(tmp_path / "people.csv")), actor="test")
    app = App(event, sniff)
    try:
        assert integrity(event) == "ok"
        app.send("check 5")
        app.send("sniff")  # the app's own process opens and closes the event file
        assert integrity(event) == "ok"
        before = files(event)

        # Another process reads: it works, and changes nothing (no checkpoint, WAL kept).
        listing = cli("people", event, "--checked-in")
        assert listing.returncode == 0, listing.stderr
        assert sorted(line.split("\t")[0] for line in listing.stdout.splitlines()[1:]) == \
            sorted(f"P{n:03d}" for n in range(5))
        assert files(event) == before
        assert integrity(event) == "ok"

        # Another process writes: refused in one sentence naming the app; nothing changes.
        refused = cli("check-in", event, "P039")
        assert refused.returncode == 1
        assert "Traceback" not in refused.stderr
        assert len(refused.stderr.splitlines()) == 1
        assert refused.stderr.startswith(f"error: {event} is already open in the Facilitator "
                                         f"app (process {app.process.pid} of ")
        assert files(event) == before
        assert integrity(event) == "ok"

        # The app goes on, confirms ten more, and dies without a chance to close the file.
        app.send("check 10")
        assert integrity(event) == "ok"
    finally:
        app.kill()
    assert len(app.confirmed) == 15
    assert integrity(event) == "ok"
    with EventStore.open(event) as store:
        assert store.integrity_check() == "ok"
        present = [row["ext_id"] for row in store.query(
            "SELECT ext_id FROM participants WHERE status = 'checked_in' ORDER BY ext_id")]
    assert present == sorted(app.confirmed)
    assert integrity(event) == "ok"


SCRUB_CHILD = r"""
import sqlite3, sys
# What EventStore does after every secret phone vote, without the start-up time of the
# whole package (so the parent can try many crash instants): commit, fold the WAL in,
# truncate it.
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode = WAL")
conn.execute("PRAGMA synchronous = FULL")
print("READY", flush=True)
n = 0
while True:
    conn.execute("UPDATE meta SET value = ? WHERE key = 'name'", (f"run {n}",))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    n += 1
"""


def stale_index(path: Path) -> bool:
    """True if a reader that may not write the WAL index cannot read the file: the index
    was left half-way by a crash, and only rebuilding it (a write) makes sense of the WAL.
    (SQLite says so only after ~10 s of retries; the loop below stops at the first.)"""
    if not (Path(f"{path}-wal").exists() and Path(f"{path}-shm").exists()):
        return False
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro&readonly_shm=1", uri=True)
    try:
        conn.execute("SELECT count(*) FROM meta").fetchone()
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()
    return False


def test_reading_after_a_crash_mid_checkpoint_works_and_changes_nothing(tmp_path: Path) -> None:
    """A crash can leave the WAL index stale; `people` must still read, and write nothing."""
    event = tmp_path / "event.facilitator"
    with EventStore.create(event, "Durability") as store:
        import_people(store, parse_people(write_people(tmp_path / "people.csv")), actor="test")
    rng = random.Random(7)
    for _attempt in range(500):
        run_and_kill([SCRUB_CHILD, str(event)], rng.uniform(0.0, 0.05))
        if stale_index(event):
            break
    else:
        pytest.fail("no crash left a stale index in 500 tries")
    before = files(event)
    listing = cli("people", event)
    # A reader that may not rebuild the index fails ("locking protocol") after ~10 s of
    # retries: the exit code says so, whatever the machine's speed.
    assert listing.returncode == 0, listing.stderr
    assert len(listing.stdout.splitlines()) == PEOPLE + 1
    assert files(event) == before
    assert not owner.sidecar_path(event).exists() or owner.read_holder(event) is None
    with EventStore.open(event, read_only=True) as snapshot:
        seen = snapshot.name
    assert files(event) == before
    with EventStore.open(event) as store:
        assert store.integrity_check() == "ok"
        assert store.name == seen
