"""The projector's plenary view (issue 13, measured against OpenSlides): the agenda item, the
whole list of speakers (finished greyed, current, next), a labelled pause, no one shown as
speaking between turns, and no welcome screen when the queue empties mid-session.
Screenshots of each state are kept as test artefacts (tests/ui/screens.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from facilitator.changes import Changes
from facilitator.clock import FakeClock
from facilitator.people import Participant, list_participants
from facilitator.store import EventStore
from facilitator.timing import ops
from ui.bus import ChangeBus
from ui.projector import ProjectorWindow

from .screens import save_screens

A = "test"
PLENARY_VIEW = 1
WELCOME_VIEW = 0


class Room:
    def __init__(self, store: EventStore, bus: ChangeBus, projector: ProjectorWindow,
                 clock: FakeClock) -> None:
        self.store, self.bus, self.projector, self.clock = store, bus, projector, clock

    def do(self, op: Callable[[], Changes]) -> None:
        self.bus.publish(op())


@pytest.fixture
def room(qtbot: QtBot, demo_store: EventStore, clock: FakeClock) -> Room:
    bus = ChangeBus()
    projector = ProjectorWindow(demo_store, bus, clock)
    projector._keep_bus = bus  # type: ignore[attr-defined]
    qtbot.addWidget(projector)
    projector.show()
    qtbot.waitExposed(projector)
    return Room(demo_store, bus, projector, clock)


def speakers(store: EventStore, n: int) -> list[Participant]:
    return [p for p in list_participants(store) if p.present and p.role == "participant"][:n]


def queue(room: Room, people: list[Participant]) -> None:
    for person in people:
        room.do(lambda p=person: ops.enqueue(room.store, p.id, actor=A))


def test_agenda_item_title_and_the_whole_list(room: Room) -> None:
    store, projector = room.store, room.projector
    room.do(lambda: ops.add_agenda_item(store, "Transport: the ring road", 1800, actor=A))
    room.do(lambda: ops.start_next_agenda_item(store, actor=A))
    people = speakers(store, 5)
    queue(room, people)
    room.do(lambda: ops.start_next(store, actor=A))
    room.clock.advance(70)
    room.do(lambda: ops.end_turn(store, actor=A))
    room.do(lambda: ops.start_next(store, actor=A))
    assert projector.views.currentIndex() == PLENARY_VIEW
    assert projector.agenda_label.text() == "Transport: the ring road"
    assert projector.speaker_label.text() == people[1].name
    assert projector.status_label.text() == "Speaking"
    listing = projector.list_label.text()
    finished = listing.index(people[0].name)
    current = listing.index(people[1].name)
    nxt = listing.index(people[2].name)
    assert finished < current < nxt < listing.index(people[4].name)
    assert "color:#6b7280'>✓ " + people[0].name in listing  # finished: greyed and ticked
    assert "▶ " + people[1].name in listing and "1. " + people[2].name in listing
    save_screens(projector, "projector-plenary")


def test_a_paused_turn_is_labelled(room: Room) -> None:
    store, projector = room.store, room.projector
    queue(room, speakers(store, 2))
    room.do(lambda: ops.start_next(store, actor=A))
    room.clock.advance(30)
    room.do(lambda: ops.toggle_pause(store, actor=A))
    assert projector.status_label.text() == "PAUSED"
    assert projector.countdown_label.text() == "1:30"
    room.clock.advance(20)
    projector._on_ticker_timeout()
    assert projector.countdown_label.text() == "1:30"  # stands still while paused
    save_screens(projector, "projector-paused")
    room.do(lambda: ops.toggle_pause(store, actor=A))
    assert projector.status_label.text() == "Speaking"


def test_after_end_the_next_person_is_not_shown_as_speaking(room: Room) -> None:
    store, projector = room.store, room.projector
    people = speakers(store, 3)
    queue(room, people)
    room.do(lambda: ops.start_next(store, actor=A))
    room.do(lambda: ops.end_turn(store, actor=A))
    assert projector.speaker_label.text() == f"Next to speak: {people[1].name}"
    assert projector.status_label.text() == ""
    assert "▶" not in projector.list_label.text()  # no one is marked as speaking
    assert projector.next_label.text() == f"Then: {people[2].name}"
    save_screens(projector, "projector-between-turns")


def test_an_empty_queue_mid_session_is_not_the_welcome_screen(room: Room) -> None:
    store, projector = room.store, room.projector
    [person] = speakers(store, 1)
    assert projector.views.currentIndex() == WELCOME_VIEW  # before the plenary: welcome
    queue(room, [person])
    room.do(lambda: ops.start_next(store, actor=A))
    room.do(lambda: ops.end_turn(store, actor=A))
    assert projector.views.currentIndex() == PLENARY_VIEW
    assert projector.speaker_label.text() == "No one is waiting to speak"
    assert "Welcome" not in projector.speaker_label.text()
    assert "✓ " + person.name in projector.list_label.text()
    assert projector.countdown_label.text() == ""
    save_screens(projector, "projector-queue-empty")
