"""The command line and the event's owner: reading commands never write, writing ones wait
their turn. Run as an organiser would, in separate processes, while another process (the
app, here a stand-in) has the event open."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .dbfiles import empty_database, foreign_database

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="children are POSIX-style here"),
]

HOLDER = r"""
import sys
from facilitator.store import EventStore
try:
    from facilitator.store import set_program
    set_program("the Facilitator app")
except ImportError:  # a build from before the owner lock: shows what these tests catch
    pass
store = EventStore.open(sys.argv[1])
print("READY", flush=True)
sys.stdin.readline()
"""

READERS = [
    ("people",),
    ("people", "--csv"),
    ("ballots", "list"),
    ("ballots", "reconcile", "1"),
    ("ballots", "reconcile", "1", "--json"),
    ("results",),
    ("tables",),
    ("qa", "--export", "-"),
]


def env() -> dict[str, str]:
    variables = dict(os.environ)
    variables["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT),
                                                            variables.get("PYTHONPATH")]))
    variables.pop("PYTHONWARNINGS", None)
    return variables


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "facilitator", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, env=env(), timeout=120)


def run(command: tuple[str, ...], event: Path) -> subprocess.CompletedProcess[str]:
    """``command`` with the event file put in its place (after the sub-command's name)."""
    words = 2 if command[0] == "ballots" else 1
    return cli(*command[:words], event, *command[words:])


def state(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Bytes and mtime of every file but the -shm (a shared-memory index that a reader in
    the holder's process marks as it reads; it holds no data)."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())
            if not p.name.endswith("-shm")}


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo event with its ballot round and a table plan (made once, copied per test)."""
    folder = tmp_path_factory.mktemp("prepared")
    event = folder / "demo.facilitator"
    assert cli("demo", event).returncode == 0
    made = cli("allocate", event, "--rounds", "2", "--table-size", "8", "--seed", "1")
    assert made.returncode == 0, made.stderr
    return event


@pytest.fixture
def held(prepared: Path, tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "held"
    folder.mkdir()
    event = folder / prepared.name
    event.write_bytes(prepared.read_bytes())
    with subprocess.Popen([sys.executable, "-c", HOLDER, str(event)], cwd=ROOT, env=env(),
                          text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as child:
        assert child.stdout is not None and child.stdout.readline() == "READY\n"
        yield event
        child.kill()


@pytest.mark.parametrize("command", READERS, ids=" ".join)
def test_reading_commands_work_while_the_app_has_the_event_and_change_nothing(
        held: Path, command: tuple[str, ...]) -> None:
    before = state(held.parent)
    result = run(command, held)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert state(held.parent) == before
    assert Path(f"{held}-wal").exists()


WRITERS = [
    ("check-in", "P001"),
    ("ballots", "counts", "1", "--issued", "60"),
    ("ballots", "close", "1", "--note", "test"),
    ("allocate", "--rounds", "2", "--table-size", "8"),
    ("rebalance", "--from-round", "2"),
]


@pytest.mark.parametrize("command", WRITERS, ids=" ".join)
def test_writing_commands_are_refused_naming_the_app(held: Path,
                                                     command: tuple[str, ...]) -> None:
    before = state(held.parent)
    result = run(command, held)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {held} is already open in the Facilitator app (process ")
    assert lines[0].endswith("; close it there first.")
    assert state(held.parent) == before


def test_import_into_a_held_event_is_refused(held: Path, tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("id,name\nN1,New Person\n", encoding="utf-8")
    before = state(held.parent)
    result = cli("import", held, people)
    assert result.returncode == 1 and "already open in the Facilitator app" in result.stderr
    assert state(held.parent) == before


def test_a_writing_command_names_itself_to_the_next_one(prepared: Path, tmp_path: Path) -> None:
    """While `check-in` runs, the app would be told it is "the command … check-in"."""
    event = tmp_path / prepared.name
    event.write_bytes(prepared.read_bytes())
    script = (
        "import sys\n"
        "from facilitator import cli\n"
        "from facilitator.store import EventStore, owner\n"
        "real_open = EventStore.open\n"
        "def spy(*args, **kwargs):\n"
        "    store = real_open(*args, **kwargs)\n"
        "    print(owner.read_holder(args[0]).program, flush=True)\n"
        "    return store\n"
        "EventStore.open = spy\n"
        "sys.exit(cli.main(sys.argv[1:]))\n")
    result = subprocess.run([sys.executable, "-c", script, "check-in", str(event), "P001"],
                            capture_output=True, text=True, cwd=ROOT, env=env(), timeout=60)
    assert result.stdout.splitlines()[0] == "the command “python -m facilitator check-in”"


def _zero_bytes(path: Path) -> None:
    path.write_bytes(b"")




@pytest.mark.parametrize("command", [("people",), ("ballots", "list"), ("results",),
                                     ("tables",), ("check-in", "P001")], ids=" ".join)
@pytest.mark.parametrize("make", [_zero_bytes, empty_database, foreign_database],
                         ids=["0 bytes", "empty database", "foreign database"])
def test_a_file_that_is_not_an_event_is_refused_and_left_as_it_was(
        tmp_path: Path, make: object, command: tuple[str, ...]) -> None:
    """Before: `people` turned an empty database into an event, and left a foreign one in
    WAL mode."""
    path = tmp_path / "other.facilitator"
    assert callable(make)
    make(path)
    before = path.read_bytes()
    result = run(command, path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {path} is not a Facilitator event file." if not before else
        f"error: {path} is a database, but not a Facilitator event file."]
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.facilitator"]
    if before:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        conn.close()
