"""One owner per event in the app: a second launch brings the open window forward and never
opens the event itself; File > Open swaps owners, or keeps the current event if refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import QProcess, QProcessEnvironment
from PySide6.QtNetwork import QLocalSocket
from pytestqt.qtbot import QtBot

import ui.app
from facilitator.clock import FakeClock
from facilitator.people import check_in, list_participants
from facilitator.store import EventInUseError, EventStore, owner
from ui.context import AppContext
from ui.instance import InstanceServer, server_name
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="children are POSIX-style here")

HOLDER = r"""
import sys
from facilitator.store import EventStore, set_program
set_program(sys.argv[2])
store = EventStore.open(sys.argv[1])
print("READY", flush=True)
sys.stdin.readline()
"""


def child_env() -> dict[str, str]:
    variables = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    variables["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT),
                                                            variables.get("PYTHONPATH")]))
    variables.pop("PYTHONWARNINGS", None)
    return variables


@pytest.fixture(autouse=True)
def _program_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(owner, "_program", None)  # ui.app.main names this process


@contextmanager
def held_by(event: Path, program: str) -> Iterator[subprocess.Popen[str]]:
    """Another process owns ``event`` (and answers no second launch) for the block."""
    with subprocess.Popen([sys.executable, "-c", HOLDER, str(event), program], cwd=ROOT,
                          env=child_env(), text=True, stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child:
        try:
            assert child.stdout is not None and child.stdout.readline() == "READY\n"
            yield child
        finally:
            child.kill()


@pytest.fixture
def event(tmp_path: Path, clock: FakeClock) -> Path:
    from facilitator.demo import create_demo_event

    path = tmp_path / "events" / "demo-event.facilitator"
    path.parent.mkdir()
    create_demo_event(path, clock).close()
    return path


@pytest.fixture
def first(qtbot: QtBot, context: AppContext, event: Path,
          clock: FakeClock) -> Iterator[tuple[MainWindow, InstanceServer]]:
    """The running Facilitator, in this process: it owns ``event``."""
    window = MainWindow(context, EventStore.open(event, clock))
    qtbot.addWidget(window)
    server = ui.app.listen_for_second_launches(window)
    window.show()
    qtbot.waitExposed(window)
    yield window, server
    window.close()


@pytest.mark.parametrize("how", ["path", "demo", "most recent"])
def test_a_second_launch_brings_the_open_window_forward_and_opens_nothing(
        qtbot: QtBot, first: tuple[MainWindow, InstanceServer], event: Path, tmp_path: Path,
        how: str) -> None:
    window, server = first
    window.showMinimized()
    assert window.isMinimized()
    config, data = tmp_path / "config2", tmp_path / "data2"
    args = {"path": [str(event)], "demo": ["--demo"], "most recent": []}[how]
    if how == "demo":
        data = event.parent  # --demo resolves to the very event the first window has
    if how == "most recent":
        config.mkdir()
        (config / "recent.json").write_text(json.dumps([str(event)]), encoding="utf-8")
    process = QProcess()
    process.setWorkingDirectory(str(ROOT))
    environment = QProcessEnvironment()
    for key, value in child_env().items():
        environment.insert(key, value)
    process.setProcessEnvironment(environment)
    with qtbot.waitSignals([server.brought_forward, process.finished], timeout=60000):
        process.start(sys.executable, ["-m", "ui.app", *args, "--config-dir", str(config),
                                       "--data-dir", str(data)])
    output = bytes(process.readAllStandardOutput().data()).decode()
    errors = bytes(process.readAllStandardError().data()).decode()
    assert process.exitCode() == 0, errors
    assert output == f"{event} is already open in Facilitator; its window was brought to " \
                     "the front.\n"
    assert not window.isMinimized()
    # The second launch never owned the event, and made nothing of its own.
    holder = owner.read_holder(event)
    assert holder is not None and holder.pid == os.getpid()
    assert not (data / "demo-event.facilitator").exists() or data == event.parent
    assert window.store is not None and window.store.integrity_check() == "ok"


def test_a_second_launch_on_an_event_a_command_holds_names_it_and_exits_1(
        event: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    told: list[str] = []
    monkeypatch.setattr(ui.app, "tell_event_in_use", told.append)
    with held_by(event, "the command “python -m facilitator allocate”") as child:
        result = ui.app.main([str(event), "--config-dir", str(tmp_path / "c"),
                              "--data-dir", str(tmp_path / "d")])
    assert result == 1
    assert len(told) == 1
    assert told[0].startswith(f"{event} is already open in the command “python -m "
                              f"facilitator allocate” (process {child.pid} of ")
    assert capsys.readouterr().err == told[0] + "\n"
    assert not (tmp_path / "c" / "recent.json").exists()  # no window was made


def test_file_open_of_an_event_held_elsewhere_keeps_the_current_one(
        first: tuple[MainWindow, InstanceServer], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window, _server = first
    other = tmp_path / "other.facilitator"
    EventStore.create(other, "Other event").close()
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(window, "show_error", lambda title, text: shown.append((title, text)))
    current = window.store
    assert current is not None
    with held_by(other, "the Facilitator app"):
        assert not window.open_event(other)
    assert shown == [("Cannot open the event",
                      shown[0][1])] and "already open in the Facilitator app" in shown[0][1]
    assert window.store is current
    person = next(p for p in list_participants(current) if not p.present)
    check_in(current, person.id, via="test", actor="test")  # still the owner, still writing


def test_file_open_hands_the_old_event_over_and_the_listener_follows(
        qtbot: QtBot, first: tuple[MainWindow, InstanceServer], event: Path, tmp_path: Path,
        clock: FakeClock) -> None:
    window, server = first
    other = tmp_path / "other.facilitator"
    EventStore.create(other, "Other event").close()
    assert window.open_event(event.parent / "." / event.name)  # the same event: nothing
    assert window.store is not None and window.store.path == event
    assert window.open_event(other)
    with EventStore.open(event, clock) as again:  # the old one is free
        assert again.integrity_check() == "ok"
    with pytest.raises(EventInUseError, match="already open in this program"):
        EventStore.open(other, clock)
    gone = QLocalSocket()
    with qtbot.waitSignal(gone.errorOccurred, timeout=30_000):
        gone.connectToServer(server_name(event))
    asking = QLocalSocket()
    with qtbot.waitSignal(server.brought_forward, timeout=30_000):
        asking.connectToServer(server_name(other))
        asking.write(b"show " + str(owner.canonical(other)).encode() + b"\n")
    qtbot.waitUntil(asking.canReadLine, timeout=30_000)
    assert bytes(asking.readLine().data()) == b"shown\n"
    asking.abort()
