"""Raised hands from phones on the Plenary page, beside the speaker queue (issue 13): they
were only under Voting ▸ Phones. Adding one queues the person; dismissing drops the hand."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from facilitator import lan
from facilitator.clock import FakeClock
from facilitator.people import Participant, list_participants
from facilitator.store import EventStore
from facilitator.timing import queries
from ui.bus import ChangeBus
from ui.pages.plenary.page import PlenaryPage
from ui.sound import Chime

from .screens import save_screens


def present(store: EventStore, n: int) -> list[Participant]:
    return [p for p in list_participants(store) if p.present and p.role == "participant"][:n]


def make_page(qtbot: QtBot, store: EventStore, clock: FakeClock) -> tuple[PlenaryPage, ChangeBus]:
    bus = ChangeBus()
    chime = Chime()
    chime._available = False
    page = PlenaryPage(store, bus, clock, chime)
    page._keep = (bus, chime)  # type: ignore[attr-defined]
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    return page, bus


def test_a_hand_raised_on_a_phone_shows_beside_the_queue_and_is_queued(
        qtbot: QtBot, demo_store: EventStore, clock: FakeClock) -> None:
    page, bus = make_page(qtbot, demo_store, clock)
    first, second = present(demo_store, 2)
    assert not page.hands.add_button.isEnabled()
    bus.publish(lan.raise_hand(demo_store, first.id, actor="phone"))  # from the phone server
    bus.publish(lan.raise_hand(demo_store, second.id, actor="phone"))
    texts = [page.hands.list.item(i).text() for i in range(page.hands.list.count())]
    assert [first.name in texts[0], second.name in texts[1]] == [True, True]
    assert page.hands.title() == "Raised hands on phones (2)"
    save_screens(page, "plenary-raised-hands")
    page.hands.add_button.click()  # the oldest hand first
    queue = queries.state(demo_store).queue
    assert [e.participant.id for e in queue] == [first.id]
    assert page.queue_list.count() == 1 and first.name in page.queue_list.item(0).text()
    assert page.hands.list.count() == 1 and second.name in page.hands.list.item(0).text()
    page.hands.dismiss_button.click()
    assert lan.hands(demo_store) == []
    assert page.hands.list.item(0).text() == "No hand raised."
    assert not page.hands.add_button.isEnabled()
    assert [e.participant.id for e in queries.state(demo_store).queue] == [first.id]
