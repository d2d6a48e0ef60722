"""Issue 13: screenshots of the screens the rough-edge fixes changed, at 1,366×768 and
1,920×1,080, kept as test artefacts (tests/ui/screens.py says where) to be looked at."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from facilitator import lan
from facilitator.ballots import Question, create_round
from facilitator.store import EventStore
from tests.ui.screens import save_screens
from ui.context import AppContext
from ui.main_window import MainWindow, ask_quit_during_vote
from ui.pages.qa import QaPage
from ui.pages.voting import VotingPage
from ui.pages.voting.dialogs import PrintDialog


def window(qtbot: QtBot, context: AppContext, store: EventStore) -> MainWindow:
    win = MainWindow(context, store, ask_quit=lambda parent, questions: True)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_screens_of_the_qa_and_voting_pages(qtbot: QtBot, context: AppContext,
                                            demo_store: EventStore) -> None:
    win = window(qtbot, context, demo_store)
    win.show_page("qa")
    qa_page = win.pages["qa"]
    assert isinstance(qa_page, QaPage)
    qa_page.banner.show_message(
        "A refusal long enough to need a second line at this width, to show the banner "
        "setting it smaller in the same reserved height instead of pushing the question "
        "list down and back up again when it fades.", "error")
    save_screens(win, "qa-page")
    created = create_round(demo_store, "Transport", (Question.yes_no("Trams?"),),
                           channel="phones", actor="test")
    win.bus.publish(created.changes)
    win.show_page("voting")
    voting = win.pages["voting"]
    assert isinstance(voting, VotingPage)
    voting.select_round(created.round.id)
    voting.tabs.setCurrentWidget(voting.phone_panel)
    save_screens(win, "voting-page-phones")
    win.close()


def test_screens_of_the_dialogs(qtbot: QtBot, demo_store: EventStore) -> None:
    created = create_round(demo_store, "Afternoon vote", (Question.yes_no("Q?"),),
                           actor="test").round
    dialog = PrintDialog(created, 64, [1])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    save_screens(dialog, "print-papers-dialog", sizes=(dialog.size(),))


def test_screen_of_the_quit_question(qtbot: QtBot, context: AppContext,
                                     demo_store: EventStore, monkeypatch: object) -> None:
    from PySide6.QtWidgets import QMessageBox

    created = create_round(demo_store, "Transport", (Question.yes_no("Trams?"),),
                           channel="phones", actor="test").round
    lan.open_question(demo_store, created.id, 0, actor="test")
    shots = []

    def exec_and_grab(box: QMessageBox) -> int:
        box.show()
        qtbot.waitExposed(box)
        shots.extend(save_screens(box, "quit-during-phone-vote", sizes=(box.size(),)))
        box.close()
        return 0

    import pytest
    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setattr(QMessageBox, "exec", exec_and_grab)
    assert not ask_quit_during_vote(None, ["Transport: Trams?"])  # type: ignore[arg-type]
    assert shots and shots[0].exists()
