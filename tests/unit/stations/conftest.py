"""An event with people, an open round and a Q&A panel, served to stations on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from facilitator.ballots import Question, create_round, issue_codes
from facilitator.people.ops import add_walk_in
from facilitator.qa.ops import create_panel
from facilitator.stations import ops
from facilitator.stations.client import StationClient
from facilitator.stations.model import PairingCode
from facilitator.stations.outbox import Outbox
from facilitator.stations.server import StationServer
from facilitator.store import EventStore


@pytest.fixture
def event(store: EventStore) -> EventStore:
    for n in range(20):
        add_walk_in(store, f"Person {n:02d}", check_in_now=False, actor="test")
    questions = (Question.yes_no("Close the centre to cars on Saturdays?"),
                 Question.choose_one("Where next?", ["Town hall", "Library", "School"]))
    made = create_round(store, "Morning vote", questions, actor="test").round
    issue_codes(store, made.id, 30, actor="test")
    create_panel(store, "Experts", actor="test")
    return store


@pytest.fixture
def server(event: EventStore) -> Iterator[StationServer]:
    running = StationServer(event, "127.0.0.1", 0)
    running.start()
    yield running
    running.stop()


Join = Callable[..., StationClient]


@pytest.fixture
def join(event: EventStore, server: StationServer, tmp_path: Path) -> Iterator[Join]:
    """Offer a station on the main laptop and pair a client with its code."""
    made: list[StationClient] = []

    def joiner(name: str = "Desk 1", may: tuple[str, ...] = ("check_in", "ballots", "qa"),
               person: str = "Ann") -> StationClient:
        offer = ops.offer(event, name, may, actor="test")
        code = PairingCode("127.0.0.1", server.port, offer.secret, server.pin)
        client = StationClient(Outbox(tmp_path / f"station-{len(made)}"), timeout=5.0)
        client.pair(code.text(), person=person)
        made.append(client)
        return client

    yield joiner
    for client in made:
        client.close()
        client.outbox.close()
