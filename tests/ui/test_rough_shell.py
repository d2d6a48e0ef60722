"""Issue 13, rough edges in the shell: the banner holds its place, the new event's file name,
the default window on a 1,366×768 laptop, quitting while phones can vote."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSize
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from facilitator import lan
from facilitator.ballots import Question, create_round
from facilitator.store import EventStore
from tests.ui.screens import save_screens
from ui import main_window
from ui.context import AppContext
from ui.main_window import MainWindow, event_file_name, initial_size

LAPTOP_AVAILABLE = QSize(1366, 728)
"""A 1,366×768 screen less a 40 px task bar."""


def top_left(widget: QWidget) -> QPoint:
    return widget.mapTo(widget.window(), QPoint(0, 0))


@pytest.mark.parametrize("key", ["participants", "tables", "plenary", "qa", "voting",
                                 "results"])
def test_banner_messages_do_not_move_what_is_below(
        qtbot: QtBot, context: AppContext, demo_store: EventStore, key: str) -> None:
    win = MainWindow(context, demo_store)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.show_page(key)
    page = win.pages[key]
    banner = page.banner  # type: ignore[attr-defined]
    # every widget on the page but the banner (those above it could not move anyway)
    below = [w for w in page.findChildren(QWidget) if w.isVisible() and w is not banner]
    assert len(below) > 10
    before = {id(w): (top_left(w), w.size()) for w in below}
    banner.show_message("Checked in: Gwen Davies.", "ok")
    qtbot.wait(1)
    assert {id(w): (top_left(w), w.size()) for w in below} == before
    banner.show_message("A much longer refusal that a facilitator reads in full, naming "
                        "what was refused and why, and what to do about it instead, so "
                        "that it needs more than one line at the banner's width. " * 3,
                        "error")
    qtbot.wait(1)
    assert {id(w): (top_left(w), w.size()) for w in below} == before
    assert banner.text().startswith("A much longer refusal")  # the whole text is kept
    banner.clear_message()
    qtbot.wait(1)
    assert {id(w): (top_left(w), w.size()) for w in below} == before


@pytest.mark.parametrize(("name", "expected"), [
    ("Cardiff Citizens' Assembly Day 2 (Llandaff)",
     "Cardiff Citizens' Assembly Day 2 (Llandaff).facilitator"),
    ("Cynulliad Dinasyddion Caerdydd – Diwrnod 2",
     "Cynulliad Dinasyddion Caerdydd – Diwrnod 2.facilitator"),
    ("Q&A: what next? 3/4", "Q&A what next 3 4.facilitator"),
    ("Trailing dots...", "Trailing dots.facilitator"),
    ("CON", "CON event.facilitator"),
    ('<>:"|?*', "event.facilitator"),
])
def test_new_event_file_name_keeps_the_name_and_is_safe_on_windows(
        name: str, expected: str) -> None:
    assert event_file_name(name) == expected


def test_new_event_dialog_suggests_the_name_as_typed(
        qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    suggested: list[str] = []
    monkeypatch.setattr(main_window.QInputDialog, "getText", staticmethod(
        lambda *args: ("Cardiff Citizens' Assembly Day 2 (Llandaff)", True)))
    def save_as(parent: QWidget, title: str, name: str, filters: str) -> tuple[str, str]:
        suggested.append(name)
        return "", ""

    monkeypatch.setattr(main_window.QFileDialog, "getSaveFileName", staticmethod(save_as))
    assert main_window.ask_new_event(QWidget()) is None
    assert suggested == ["Cardiff Citizens' Assembly Day 2 (Llandaff).facilitator"]


def test_default_window_fits_a_1366x768_laptop(
        qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    assert initial_size(QSize(1920, 1040)) == QSize(1280, 800)
    monkeypatch.setattr(main_window, "available_size", lambda widget: LAPTOP_AVAILABLE)
    win = MainWindow(context)
    qtbot.addWidget(win)
    frame = main_window.FRAME_ALLOWANCE
    assert win.width() + frame.width() <= LAPTOP_AVAILABLE.width()
    assert win.height() + frame.height() <= LAPTOP_AVAILABLE.height()
    assert win.minimumHeight() + frame.height() <= LAPTOP_AVAILABLE.height()


def open_to_phones(store: EventStore) -> None:
    created = create_round(store, "Transport", (Question.yes_no("Trams on Queen Street?"),),
                           channel="phones", actor="test").round
    lan.open_question(store, created.id, 0, actor="test")


def test_quitting_during_an_open_phone_vote_asks_first(
        qtbot: QtBot, context: AppContext, demo_store: EventStore) -> None:
    asked: list[list[str]] = []
    answer = [False]

    def ask(parent: QWidget, questions: list[str]) -> bool:
        asked.append(questions)
        return answer[0]

    win = MainWindow(context, demo_store, ask_quit=ask)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    open_to_phones(demo_store)
    assert not win.close()                  # "Keep voting open"
    assert asked == [["Transport: Trams on Queen Street?"]]
    assert win.isVisible() and win.store is demo_store
    answer[0] = True
    assert win.close()                      # "Quit anyway"
    assert win.store is None


def test_quitting_with_nothing_open_to_phones_asks_nothing(
        qtbot: QtBot, context: AppContext, demo_store: EventStore) -> None:
    asked: list[list[str]] = []
    def ask(parent: QWidget, questions: list[str]) -> bool:
        asked.append(questions)
        return True

    win = MainWindow(context, demo_store, ask_quit=ask)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    assert win.close()
    assert asked == []


def test_screens_of_the_shell(qtbot: QtBot, context: AppContext, demo_store: EventStore,
                              tmp_path: Path) -> None:
    win = MainWindow(context, demo_store)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.pages["participants"].banner.show_message(  # type: ignore[attr-defined]
        "Checked in: Gwen Davies (table 3).", "ok")
    assert all(p.exists() for p in save_screens(win, "banner-participants"))
