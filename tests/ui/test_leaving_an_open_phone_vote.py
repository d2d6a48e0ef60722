"""Issue 13 follow-ups: opening or creating another event while a question is open to phones
asks first, as quitting does (the phone server stops with the event's pages); closing the
event waits for every page's background work, the Theatre page's too."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from facilitator import lan
from facilitator.ballots import Question, create_round
from facilitator.clock import FakeClock
from facilitator.store import EventStore
from ui.context import AppContext
from ui.main_window import MainWindow

OPEN_NOW = ["Transport: Trams on Queen Street?"]


def open_to_phones(store: EventStore) -> None:
    created = create_round(store, "Transport", (Question.yes_no("Trams on Queen Street?"),),
                           channel="phones", actor="test").round
    lan.open_question(store, created.id, 0, actor="test")


class Asker:
    """The question's stand-in: what it was asked, and the answer it gives."""

    def __init__(self) -> None:
        self.asked: list[list[str]] = []
        self.answer = False

    def __call__(self, parent: QWidget, questions: list[str]) -> bool:
        self.asked.append(questions)
        return self.answer


@pytest.fixture
def other_event(tmp_path: Path, clock: FakeClock) -> Path:
    path = tmp_path / "other.facilitator"
    EventStore.create(path, "Another day", clock).close()
    return path


def window(qtbot: QtBot, context: AppContext, store: EventStore, ask: Asker,
           new: Path | None = None, opened: Path | None = None) -> MainWindow:
    win = MainWindow(context, store, ask_leave=ask, ask_quit=lambda parent, questions: True,
                     ask_new=lambda parent: (new, "Another day") if new else None,
                     ask_open=lambda parent: opened)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.mark.parametrize("how", ["open", "recent", "new", "demo"])
def test_opening_or_creating_another_event_during_a_phone_vote_asks_first(
        qtbot: QtBot, context: AppContext, demo_store: EventStore, other_event: Path,
        tmp_path: Path, how: str) -> None:
    ask = Asker()
    new = tmp_path / "new.facilitator"
    win = window(qtbot, context, demo_store, ask, new=new, opened=other_event)
    open_to_phones(demo_store)
    go: dict[str, Callable[[], object]] = {
        "open": win.open_event_dialog,
        "recent": lambda: win.open_event(other_event),
        "new": win.new_event,
        "demo": win.open_demo,
    }
    go[how]()                                   # "Keep voting open"
    assert ask.asked == [OPEN_NOW]
    assert win.store is demo_store and not new.exists()
    ask.answer = True
    go[how]()                                   # leave this event anyway
    assert ask.asked == [OPEN_NOW, OPEN_NOW]
    assert win.store is not None and win.store is not demo_store
    win.close()


def test_another_event_with_nothing_open_to_phones_asks_nothing(
        qtbot: QtBot, context: AppContext, demo_store: EventStore, other_event: Path) -> None:
    ask = Asker()
    win = window(qtbot, context, demo_store, ask, opened=other_event)
    win.open_event_dialog()
    assert ask.asked == []
    assert win.store is not None and win.store.path == other_event
    win.close()


def test_the_same_event_again_asks_nothing(
        qtbot: QtBot, context: AppContext, demo_store: EventStore) -> None:
    ask = Asker()
    win = window(qtbot, context, demo_store, ask)
    open_to_phones(demo_store)
    assert win.open_event(demo_store.path)
    assert ask.asked == [] and win.store is demo_store
    win.close()


def test_the_question_says_what_leaving_does(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    from PySide6.QtWidgets import QMessageBox

    from ui import main_window

    shown: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box) or 0)
    parent = QWidget()
    qtbot.addWidget(parent)
    assert not main_window.ask_leave_during_vote(parent, OPEN_NOW)
    box = shown[0]
    assert OPEN_NOW[0] in box.text()
    assert "open or create another event" in box.informativeText()
    assert "quit" not in box.informativeText().lower()
    assert {b.text() for b in box.buttons()} == {"&Close this event anyway",
                                                 "&Keep voting open"}


def test_the_theatre_page_works_through_the_windows_one_task_runner(
        qtbot: QtBot, context: AppContext, demo_store: EventStore) -> None:
    """Closing the event waits for the Theatre page's work (paper ballots being written) as
    for every other page's: the page runs it on the window's runner."""
    import threading

    win = window(qtbot, context, demo_store, Asker())
    theatre = win.pages["theatre"]
    release = threading.Event()
    theatre.tasks.run(release.wait, lambda _done: None,  # type: ignore[attr-defined]
                      lambda _exc: None)
    assert win.tasks.busy  # the window knows of the page's work
    release.set()
    assert win.tasks.wait()
    win.close()
