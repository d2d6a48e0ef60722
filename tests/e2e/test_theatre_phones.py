"""Legislative theatre with phones in a real Chromium: the audience sends idea cards and votes
on proposals while the desk works on the Theatre page (the phone server on 127.0.0.1, its
changes relayed to the page as the Phones panel does)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt, Signal

from facilitator.lan.server import LanServer
from facilitator.people import Participant, list_participants
from facilitator.store import EventStore
from facilitator.theatre import ops, queries
from ui.bus import ChangeBus
from ui.pages.theatre import TheatrePage

from .conftest import PHONE, keep_screenshot


class Relay(QObject):
    """Changes from the server thread, delivered on the GUI thread (queued)."""

    arrived = Signal(object)


@pytest.fixture
def desk(qtbot: Any, demo: EventStore, clock: Any, tmp_path: Path) -> TheatrePage:
    ops.start_session(demo, "Nothing about us", actor="desk")
    ops.add_scene(demo, "The job centre", ["Jay", "Advisor"], actor="desk")
    ops.add_scene(demo, "The interview", ["Jay", "Manager"], actor="desk")
    bus = ChangeBus()
    page = TheatrePage(demo, bus, clock, choose_save=lambda p, t, name: tmp_path / name)
    page._keep = bus  # type: ignore[attr-defined]
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    return page


@pytest.fixture
def server(demo: EventStore, desk: TheatrePage) -> Iterator[LanServer]:
    relay = Relay()
    relay.arrived.connect(lambda changes: desk.bus.publish(changes))
    running = LanServer(demo, "127.0.0.1", 0, on_changes=relay.arrived.emit)  # a free port
    running._relay = relay  # type: ignore[attr-defined]
    running.start()
    yield running
    running.stop()


def voters(store: EventStore) -> list[Participant]:
    return [p for p in list_participants(store) if p.present and p.role == "participant"]


def send_idea(page: Any, text: str, about: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name="Send an idea for change").click()
    page.get_by_label("What should change, and who could change it?").fill(text)
    page.get_by_label("Prompted by").select_option(label=about)
    with page.expect_navigation():
        page.get_by_role("button", name="Send my idea").click()
    assert "Your idea was sent to the desk" in page.get_by_role("status").inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="All questions").click()


def test_phones_send_cards_and_vote_while_the_desk_works(
        qtbot: Any, browser: Any, demo: EventStore, desk: TheatrePage, server: LanServer,
        tmp_path: Path) -> None:
    people = voters(demo)[:6]
    # The joker starts an intervention from the keyboard; phones offer it as "on stage".
    desk.tried_edit.setFocus()
    qtbot.keyClicks(desk.tried_edit, "asks for the letter in writing")
    qtbot.keyClick(desk.tried_edit, Qt.Key.Key_Return)
    on_stage = queries.running_intervention(demo)
    assert on_stage is not None
    phones = []
    for n, person in enumerate(people):
        context = browser.new_context(viewport=PHONE, java_script_enabled=n % 2 == 0)
        page = context.new_page()
        page.goto(server.badge_url(person.token))
        phones.append((context, page))
        about = "What is on stage now (Jay)" if n < 3 else "Scene 2: The interview"
        send_idea(page, f"Phone idea {n}: named advisors", about)
        # Meanwhile the desk types a card of its own.
        desk.card_edit.setFocus()
        qtbot.keyClicks(desk.card_edit, f"Desk card {n}")
        qtbot.keyClick(desk.card_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: desk.card_list.count() == 12, timeout=30_000)
    phone_cards = [c for c in queries.cards(demo) if c.source == "phone"]
    assert len(phone_cards) == 6
    assert [c.intervention_id for c in phone_cards[:3]] == [on_stage.id] * 3
    assert {c.scene_id for c in phone_cards[3:]} == {queries.scenes(demo)[1].id}
    assert {c.participant_id for c in phone_cards} == {p.id for p in people}
    with phones[0][1].expect_navigation():
        phones[0][1].get_by_role("link", name="Send an idea for change").click()
    shot = tmp_path / "phone-theatre-idea.png"
    phones[0][1].screenshot(path=str(shot), full_page=True)
    keep_screenshot(shot)

    # The desk drafts a proposal from every card and puts it to the phones.
    desk.card_list.selectAll()
    desk.new_proposal_edit.setFocus()
    qtbot.keyClicks(desk.new_proposal_edit, "A named advisor for every young person")
    qtbot.keyClick(desk.new_proposal_edit, Qt.Key.Key_Return)
    proposal = queries.proposals(demo)[0]
    assert len(proposal.cards) == 12
    desk.tabs.setCurrentIndex(2)
    desk.method_combo.setCurrentIndex(desk.method_combo.findData("phones"))
    qtbot.keyClick(desk.reword_edit, Qt.Key.Key_V,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    for n, (_context, page) in enumerate(phones):
        page.goto(server.badge_url(people[n].token))
        with page.expect_navigation():
            page.get_by_role("link", name=proposal.text).click()
        page.get_by_role("radio", name="Yes" if n < 4 else "No").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Send my vote").click()
        assert "Your vote is recorded" in page.get_by_role("status").first.inner_text()
    qtbot.waitUntil(lambda: "4 for, 2 against" in desk.outcome_label.text(), timeout=30_000)
    qtbot.keyClick(desk.reword_edit, Qt.Key.Key_F9)
    result = queries.outcome(demo, proposal.id)
    assert result is not None and result.closed and result.passed is True
    assert "PASSED" in desk.outcome_label.text()
    for context, _page in phones:
        context.close()
