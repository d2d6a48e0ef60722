"""Issue 13, the check-in desk's rough edges: a mistyped badge code, ↓ after a check-in,
"Present N of M" without no-shows, a walk-in added during a search."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from facilitator import codes
from facilitator.people import Participant, list_participants, mark_no_show
from facilitator.store import EventStore
from tests.ui.screens import save_screens
from ui.bus import ChangeBus
from ui.pages.participants import ParticipantsPage
from ui.pages.participants.dialogs import WalkIn, WalkInDialog
from ui.pages.participants.page import mistyped_badge_code
from ui.tasks import TaskRunner


@pytest.fixture
def page(qtbot: QtBot, demo_store: EventStore) -> ParticipantsPage:
    bus = ChangeBus()
    tasks = TaskRunner()
    widget = ParticipantsPage(demo_store, bus, tasks)
    widget._test_keep = (bus, tasks)  # type: ignore[attr-defined]
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def expected(store: EventStore) -> list[Participant]:
    return [p for p in list_participants(store)
            if p.status == "expected" and p.role == "participant"]


def type_and_enter(qtbot: QtBot, page: ParticipantsPage, text: str) -> None:
    page.search_edit.setFocus()
    page.search_edit.clear()
    qtbot.keyClicks(page.search_edit, text)
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Return)


def one_wrong(code: str) -> str:
    """``code`` with its second character changed: the check character catches it."""
    wrong = next(ch for ch in codes.ALPHABET if ch != code[1])
    return code[0] + wrong + code[2:]


def test_a_mistyped_badge_code_says_check_the_characters(
        qtbot: QtBot, page: ParticipantsPage, demo_store: EventStore) -> None:
    person = expected(demo_store)[0]
    typed = codes.pretty(one_wrong(person.badge_code))
    type_and_enter(qtbot, page, typed)
    assert page.banner.kind == "error"
    assert "not recognised — check the characters" in page.banner.text()
    assert not next(p for p in list_participants(demo_store) if p.id == person.id).present
    type_and_enter(qtbot, page, "Zebedee Quux")      # an unknown name says something else
    assert "No one matches 'Zebedee Quux'" in page.banner.text()
    assert "check the characters" not in page.banner.text()


@pytest.mark.parametrize(("text", "meant"), [
    ("K7QM-2X4A-B9CZ", True), ("K7QM2X4AB9CZ", True), ("ABC12DE", True),
    ("Christabelle", False), ("Gwen", False), ("P035", False), ("Mary Ann 2", False)])
def test_what_counts_as_a_mistyped_badge_code(text: str, meant: bool) -> None:
    if meant:
        assert not codes.is_valid(codes.normalise(text))
    assert mistyped_badge_code(text) is meant


def test_down_after_a_check_in_does_not_reselect_that_person(
        qtbot: QtBot, page: ParticipantsPage, demo_store: EventStore) -> None:
    page.table.setFocus()
    assert page.select_participant(expected(demo_store)[0].id)
    first = page.selected_participant()
    assert first is not None
    page.check_in_button.click()
    assert "checked in" in page.banner.text()                      # back in the scan field after it
    assert page.search_edit.hasFocus()
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Down)
    chosen = page.selected_participant()
    assert chosen is not None and chosen.id != first.id


def test_present_of_total_leaves_no_shows_out(
        qtbot: QtBot, page: ParticipantsPage, demo_store: EventStore) -> None:
    assert page.summary_label.text().startswith("Present: 64 of 96")
    for person in expected(demo_store)[:4]:
        page.bus.publish(mark_no_show(demo_store, person.id, actor="test").changes)
    text = page.summary_label.text()
    assert text.startswith("Present: 64 of 92"), text
    assert "4 no-shows" in text


def test_a_walk_in_added_during_a_search_is_shown(
        qtbot: QtBot, page: ParticipantsPage, monkeypatch: pytest.MonkeyPatch) -> None:
    page.search_edit.setText("Griffiths")
    monkeypatch.setattr(WalkInDialog, "ask", lambda parent, columns: WalkIn(
        "Nia Roberts", "participant", {"Gender": "Woman"}, True))
    page.walk_in_button.click()
    chosen = page.selected_participant()
    assert chosen is not None and chosen.name == "Nia Roberts"
    save_screens(page, "checkin-walk-in")
