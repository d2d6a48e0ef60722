"""The Phones tab of the Voting page runs every op through the page (ARCHITECTURE.md): what
changed is published once, a refusal is the page's banner, and the audit log names the
operator at the desk."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from facilitator import lan
from facilitator.ballots import BallotRound, Question, create_round
from facilitator.changes import Changes
from facilitator.people import list_participants
from facilitator.store import EventStore
from ui.bus import ChangeBus
from ui.pages.voting import VotingPage
from ui.tasks import TaskRunner


class Desk:
    def __init__(self, qtbot: QtBot, store: EventStore) -> None:
        self.store = store
        self.bus = ChangeBus()
        self.published: list[Changes] = []
        self.bus.changes_applied.connect(self.published.append)
        self.tasks = TaskRunner()
        self.page = VotingPage(store, self.bus, self.tasks)
        qtbot.addWidget(self.page)
        self.page.operator_edit.setText("Ann")
        self.panel = self.page.phone_panel
        self.page.tabs.setCurrentWidget(self.panel)

    def actors(self, action: str) -> list[str]:
        return [r["actor"] for r in self.store.query(
            "SELECT actor FROM audit_log WHERE action = ? ORDER BY id", (action,))]


@pytest.fixture
def desk(qtbot: QtBot, demo_store: EventStore) -> Iterator[Desk]:
    yield Desk(qtbot, demo_store)


def open_on_the_tab(desk: Desk, channel: str) -> BallotRound:
    """A new round voted on ``channel``; its question opened to phones from the tab."""
    created = create_round(desk.store, channel, (Question.yes_no("Trams?"),), channel=channel,
                           actor="test").round
    desk.panel.reload()
    desk.panel.round_combo.setCurrentIndex(desk.panel.round_combo.findData(created.id))
    desk.panel.question_table.selectRow(0)
    desk.published.clear()
    desk.panel.open_button.click()
    return created


def test_opening_a_question_names_the_operator_and_publishes_once(desk: Desk) -> None:
    phones = open_on_the_tab(desk, "phones")
    assert lan.phone_question(desk.store, phones.id, 0) is not None
    assert desk.actors("lan_open_question") == ["Ann"]
    assert len(desk.published) == 1 and desk.published[0].phones
    desk.panel.close_button.click()
    assert desk.actors("lan_close_question") == ["Ann"]


def test_a_refusal_is_the_pages_banner_and_changes_nothing(desk: Desk) -> None:
    paper = open_on_the_tab(desk, "paper")
    assert desk.page.banner.kind == "error" and "paper" in desk.page.banner.text().lower()
    assert desk.published == [] and lan.phone_question(desk.store, paper.id, 0) is None


def test_reissue_shows_the_new_code_and_names_the_operator(desk: Desk) -> None:
    person = next(p for p in list_participants(desk.store) if p.present)
    desk.panel.badge_edit.setText(person.badge_code)
    desk.panel.reissue_button.click()
    renewed = lan.voter(desk.store, person.id)
    assert renewed.badge_code != person.badge_code
    assert renewed.badge_code in desk.panel.badge_label.text()
    assert desk.actors("lan_reissue") == ["Ann"]
    desk.panel.badge_edit.setText(renewed.badge_code)
    desk.panel.revoke_button.click()
    assert lan.is_revoked(desk.store, person.id) and desk.actors("lan_revoke") == ["Ann"]
    assert "revoked" in desk.panel.badge_label.text()


def test_phones_served_elsewhere_than_the_badges_is_said_in_the_banner(
        qtbot: QtBot, desk: Desk) -> None:
    """Badges printed for the Linux hotspot; phones started on 127.0.0.1: the tab says so in
    red, and the page's banner repeats it (issue 13). Screenshots of the tab are kept."""
    import socket

    from facilitator.people import parse_link, set_badge_link
    from tests.ui.screens import save_screens

    set_badge_link(desk.store, parse_link("10.42.0.1:8080"), actor="test")
    desk.panel.refresh_badge_link()
    panel = desk.panel
    panel.address_combo.setCurrentIndex(panel.address_combo.findData("127.0.0.1"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    panel.port_spin.setValue(port)
    assert "would be served" in panel.mismatch_label.text()
    panel.start_server()
    try:
        assert "will not open the ballot" in panel.mismatch_label.text()
        assert not panel.mismatch_label.isHidden()
        assert "will not open the ballot" in desk.page.banner.accessibleDescription()
        box = panel.mismatch_box  # loud: a warning the operator must acknowledge
        assert box is not None and "will not open the ballot" in box.text()
        box.close()
        assert desk.actors("lan_settings") == ["Ann"]
        desk.page.show()
        qtbot.waitExposed(desk.page)
        save_screens(desk.page, "voting-phones-badge-mismatch")
    finally:
        panel.stop_server()
