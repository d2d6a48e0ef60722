"""Fixtures for phone voting: the demo event (74 people checked in) and a round of every kind."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pytest

from facilitator.ballots import BallotRound, Question, create_round
from facilitator.clock import FakeClock
from facilitator.people import Participant, list_participants
from facilitator.store import EventStore
from facilitator.tally import Project


@pytest.fixture
def demo(tmp_path: Path, clock: FakeClock) -> Iterator[EventStore]:
    from facilitator.demo import create_demo_event

    store = create_demo_event(tmp_path / "demo.facilitator", clock)
    yield store
    store.close()


def every_kind() -> tuple[Question, ...]:
    return (
        Question.yes_no("Close the centre to cars on Saturdays?"),
        Question.scale("Support a congestion charge?"),
        Question.choose_one("Where should the next assembly meet?",
                            ["Town hall", "Library", "School"]),
        Question.approval("Which ideas go forward?", ["A", "B", "C", "D"], max_choices=2),
        Question.rank("Which transport priority first?",
                      ["Buses", "Trams", "Cycle lanes", "Pavements"]),
        Question.score("Score each design", ["Blue", "Green"], score_max=5),
        Question.dot_vote("Where to look first?", ["Housing", "Transport", "Energy"], dots=5,
                          max_per_option=3),
        Question.pb_budget("Spend the budget", [
            Project("p1", Fraction(40000), "Playground"),
            Project("p2", Fraction(25000), "Street trees"),
            Project("p3", Fraction(60000), "Youth club")], 100000, max_choices=2),
        Question.judgment("Grade each proposal", ["Free buses", "School streets"]),
    )


@pytest.fixture
def phone_round(demo: EventStore) -> BallotRound:
    return create_round(demo, "Phone vote", every_kind(), actor="test").round


def present(store: EventStore) -> list[Participant]:
    return [p for p in list_participants(store) if p.present and p.role == "participant"]


def absent(store: EventStore) -> list[Participant]:
    return [p for p in list_participants(store) if not p.present and p.role == "participant"]
