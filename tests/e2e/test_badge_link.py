"""The printed badge on the day (issue 13): its QR code, decoded from the PDF, checks the person
in at the desk, then opens their ballot in a real Chromium with no code typed. A phone server
started elsewhere than the badges point is said loudly in the Phones panel, with the fix."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from facilitator import lan
from facilitator.ballots import BallotRound, phone_answers
from facilitator.people import (
    Participant,
    get,
    list_participants,
    parse_link,
    set_badge_link,
)
from facilitator.reports.tables import Badges, badges_of, write_badges
from facilitator.store import EventStore
from ui.bus import ChangeBus
from ui.pages.participants import ParticipantsPage
from ui.phone_panel import PhonePanel
from ui.tasks import TaskRunner

from ..badge_pdf import scanned_codes
from .conftest import PHONE, free_port, keep_screenshot, start_panel

PRINTED = datetime(2026, 11, 21, 10, 30, tzinfo=UTC)


def expected(store: EventStore) -> Participant:
    return next(p for p in list_participants(store)
                if p.status == "expected" and p.role == "participant")


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def started(qtbot: Any, demo: EventStore, phone_round: BallotRound,
            port: int) -> Iterator[PhonePanel]:
    widget = start_panel(qtbot, demo, port)
    yield widget
    widget.stop_server()


def test_scan_the_printed_badge_at_the_desk_then_vote_with_no_code_typed(
        qtbot: Any, browser: Any, demo: EventStore, phone_round: BallotRound,
        port: int, tmp_path: Path) -> None:
    # Printed days before, for the address the phones will use (here the test's server).
    set_badge_link(demo, parse_link(f"127.0.0.1:{port}"), actor="test")
    person = expected(demo)
    every = badges_of(demo)
    mine = Badges(every.event_name, tuple(b for b in every.people
                                          if b.badge_code == person.badge_code),
                  every.plan, every.phone_address)
    pdf = write_badges(tmp_path / "badge.pdf", mine, layout="a6", printed_at=PRINTED)
    [qr] = scanned_codes(pdf, tmp_path / "pages")
    assert qr == f"http://127.0.0.1:{port}/v/{person.token}"

    # The desk scans it: checked in.
    bus, tasks = ChangeBus(), TaskRunner()
    desk = ParticipantsPage(demo, bus, tasks)
    qtbot.addWidget(desk)
    desk.show()
    qtbot.waitExposed(desk)
    desk.search_edit.setFocus()
    qtbot.keyClicks(desk.search_edit, qr)
    qtbot.keyClick(desk.search_edit, Qt.Key.Key_Return)
    assert get(demo, person.id).present
    desk.close()

    # The phone camera opens the link: the ballot, nothing typed.
    panel = start_panel(qtbot, demo, port, bus)
    try:
        assert not panel.mismatch_label.isVisible() and not panel.mismatch_label.text()
        lan.open_question(demo, phone_round.id, 0, actor="test")
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        page.goto(qr)
        assert page.get_by_role("heading", level=1).inner_text() == f"Hello, {person.name}"
        with page.expect_navigation():
            page.get_by_role("link", name=phone_round.questions[0].text).click()
        page.get_by_role("radio", name="Yes").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Send my vote").click()
        assert "Your vote is recorded" in page.get_by_role("status").first.inner_text()
        assert len(phone_answers(demo, phone_round.id, 0)) == 1
        qtbot.waitUntil(lambda: "1 of" in panel.question_table.item(0, 2).text(),
                        timeout=30_000)  # the vote reached the panel (no event left queued)
        shot = tmp_path / "phone-from-badge.png"
        page.screenshot(path=str(shot), full_page=True)
        keep_screenshot(shot)
        context.close()
    finally:
        panel.stop_server()


def test_the_panel_says_loudly_when_phones_are_served_elsewhere(
        qtbot: Any, demo: EventStore, started: PhonePanel) -> None:
    assert started.server is not None
    set_badge_link(demo, parse_link("10.42.0.1:8080"), actor="test")
    started.refresh_badge_link()
    text = started.mismatch_label.text()
    assert not started.mismatch_label.isHidden()
    assert "http://10.42.0.1:8080" in text and f"127.0.0.1:{started.server.port}" in text
    assert "will not open the ballot" in text and "print them again" in text


def test_setting_where_badges_point_from_the_panel(
        qtbot: Any, demo: EventStore, phone_round: BallotRound) -> None:
    panel = PhonePanel(demo, ChangeBus())
    qtbot.addWidget(panel)
    assert "Not set" in panel.badge_link_label.text()
    hotspot = panel.badge_link_combo.findData("192.168.137.1:8080")
    assert hotspot >= 0 and "Windows" in panel.badge_link_combo.itemText(hotspot)
    panel.badge_link_combo.setCurrentIndex(hotspot)
    panel.badge_link_button.click()
    assert "http://192.168.137.1:8080" in panel.badge_link_label.text()
    assert badges_of(demo).people[0].link.startswith("http://192.168.137.1:8080/v/")
    # Typed by hand; a wrong one is refused in one sentence and changes nothing.
    panel.badge_link_combo.setEditText("venue-wifi")
    panel.badge_link_button.click()
    assert "IPv4" in panel.badge_label.text()
    assert "http://192.168.137.1:8080" in panel.badge_link_label.text()
    # Before starting, a chosen address that is not the badges' is pointed out.
    panel.address_combo.setCurrentIndex(panel.address_combo.findData("127.0.0.1"))
    assert "would be served" in panel.mismatch_label.text()
    QApplication.processEvents()  # what the bus queued is delivered while the event is open
