"""The owner lock: one writer per event file, whatever else opens and closes the file.

Other processes are real ones (a child Python), since the point is what the kernel does with
locks across processes; none of these tests sleeps: each waits for a line from the child.
"""

from __future__ import annotations

import getpass
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from facilitator.clock import FakeClock
from facilitator.store import EventInUseError, EventStore, owner

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="children are POSIX-style here")

HOLDER = r"""
import sys
from facilitator.store import EventStore, set_program
set_program(sys.argv[2])
store = EventStore.open(sys.argv[1])
print("READY", flush=True)
sys.stdin.readline()
store.close()
print("CLOSED", flush=True)
sys.stdin.readline()
"""

TRY_OPEN = r"""
import sys
from facilitator.store import EventInUseError, EventStore
try:
    EventStore.open(sys.argv[1]).close()
except EventInUseError as exc:
    print("REFUSED", exc.message, flush=True)
    sys.exit(3)
print("OPENED", flush=True)
"""


def env() -> dict[str, str]:
    variables = dict(os.environ)
    variables["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT),
                                                            variables.get("PYTHONPATH")]))
    variables.pop("PYTHONWARNINGS", None)
    return variables


def try_open(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", TRY_OPEN, str(path)], capture_output=True,
                          text=True, cwd=ROOT, env=env(), timeout=60)


@pytest.fixture
def event(tmp_path: Path, clock: FakeClock) -> Path:
    path = tmp_path / "assembly.facilitator"
    EventStore.create(path, "Assembly", clock).close()
    return path


@pytest.fixture
def named(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(owner, "_program", "the test app")
    return "the test app"


@pytest.fixture
def holder_child(event: Path) -> Iterator[subprocess.Popen[str]]:
    with subprocess.Popen([sys.executable, "-c", HOLDER, str(event), "the command “check-in”"],
                          cwd=ROOT, env=env(), text=True, stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line == "READY\n", child.stderr.read() if child.stderr else line
        yield child
        if child.poll() is None:
            child.kill()
        child.wait()


def test_a_second_process_is_refused_with_a_sentence_naming_the_holder(
        event: Path, clock: FakeClock, named: str) -> None:
    with EventStore.open(event, clock):
        result = try_open(event)
    assert result.returncode == 3, result.stderr
    message = result.stdout.removeprefix("REFUSED ").strip()
    since = owner.Holder("", 0, "", "", clock.now().astimezone().isoformat()).since_text()
    assert message == (
        f"{event} is already open in the test app (process {os.getpid()} of "
        f"{getpass.getuser()} on {socket.gethostname()}, since {since}); close it there first.")


def test_the_lock_goes_with_close_and_its_sidecar_too(event: Path, clock: FakeClock) -> None:
    store = EventStore.open(event, clock)
    sidecar = owner.sidecar_path(event)
    assert sidecar.name == ".assembly.facilitator.lock" and sidecar.parent == event.parent
    assert owner.read_holder(event) is not None
    store.close()
    store.close()  # twice is harmless
    assert not sidecar.exists()
    assert try_open(event).stdout == "OPENED\n"
    assert not sidecar.exists()


def test_the_kernel_releases_the_lock_when_its_holder_dies(
        event: Path, holder_child: subprocess.Popen[str]) -> None:
    with pytest.raises(EventInUseError, match="the command “check-in”"):
        EventStore.open(event)
    holder_child.send_signal(signal.SIGKILL)
    holder_child.wait()
    assert owner.sidecar_path(event).exists()  # left by the crash: harmless
    with EventStore.open(event) as store:
        assert store.integrity_check() == "ok"
    assert not owner.sidecar_path(event).exists()


def test_the_holders_own_close_releases_it(
        event: Path, holder_child: subprocess.Popen[str]) -> None:
    assert holder_child.stdin is not None and holder_child.stdout is not None
    refused = try_open(event)
    assert refused.returncode == 3 and f"process {holder_child.pid} " in refused.stdout
    holder_child.stdin.write("\n")
    holder_child.stdin.flush()
    assert holder_child.stdout.readline() == "CLOSED\n"
    with EventStore.open(event) as store:
        assert store.name == "Assembly"


def test_opening_and_closing_the_file_in_process_does_not_drop_the_lock(
        event: Path, clock: FakeClock) -> None:
    """What a file dialog does when it sniffs the type of every file in the folder."""
    with EventStore.open(event, clock) as store:
        for name in (event, Path(f"{event}-wal"), Path(f"{event}-shm"),
                     owner.sidecar_path(event)):
            with open(name, "rb") as handle:
                handle.read()
        assert try_open(event).returncode == 3
        assert store.integrity_check() == "ok"


def test_a_second_open_in_the_same_process_is_refused_before_touching_the_file(
        event: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    link = event.with_name("same-event.facilitator")
    link.symlink_to(event)
    with EventStore.open(event, clock):
        touched: list[object] = []
        monkeypatch.setattr("facilitator.store.db._check_header", touched.append)
        monkeypatch.setattr("facilitator.store.owner._open_sidecar",
                            lambda *args: touched.append(args))
        for spelling in (event, link, event.parent / "." / event.name):
            with pytest.raises(EventInUseError, match="already open in this program") as info:
                EventStore.open(spelling, clock)
            assert info.value.same_process
        assert touched == []


def test_create_takes_the_lock_too(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "new.facilitator"
    with EventStore.create(path, "New", clock):
        assert try_open(path).returncode == 3
    assert try_open(path).stdout == "OPENED\n"


def test_a_refused_create_or_open_leaves_no_sidecar(tmp_path: Path, clock: FakeClock) -> None:
    junk = tmp_path / "people.csv"
    junk.write_text("id,name\n1,A\n")
    with pytest.raises(Exception, match="not a Facilitator event file"):
        EventStore.open(junk, clock)
    foreign = tmp_path / "music.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(Exception, match="not a Facilitator event file"):
        EventStore.open(foreign, clock)
    with pytest.raises(Exception, match="needs a name"):
        EventStore.create(tmp_path / "x.facilitator", " ", clock)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["music.db", "people.csv"]


def test_an_unreadable_holder_still_refuses_in_one_sentence(event: Path) -> None:
    """The lock decides; the sidecar's text only names the holder (here: garbage)."""
    sidecar = owner.sidecar_path(event)
    script = (
        "import fcntl, sys\n"
        f"f = open({str(sidecar)!r}, 'w'); f.write('garbage'); f.flush()\n"
        "fcntl.flock(f, fcntl.LOCK_EX); print('READY', flush=True); sys.stdin.readline()\n")
    with subprocess.Popen([sys.executable, "-c", script], text=True, stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE) as child:
        assert child.stdout is not None and child.stdout.readline() == "READY\n"
        with pytest.raises(EventInUseError) as info:
            EventStore.open(event)
        child.kill()
    assert info.value.message == (
        f"{event} is already open in another program; close it there first.")
    assert info.value.holder is None


def test_holder_text_round_trips() -> None:
    holder = owner.Holder("the Facilitator app", 42, "ann", "laptop",
                          "2026-11-21T10:02:00+01:00")
    assert owner.Holder.from_json(holder.to_json()) == holder
    assert holder.since_text() == "2026-11-21 10:02"
    assert owner.Holder.from_json("") is None
    assert owner.Holder.from_json('{"pid": "x"}') is None


def test_read_only_needs_no_owner(event: Path, holder_child: subprocess.Popen[str]) -> None:
    with EventStore.open(event, read_only=True) as snapshot:
        assert snapshot.name == "Assembly" and snapshot.read_only
