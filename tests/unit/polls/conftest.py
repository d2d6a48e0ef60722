"""Fixtures for the poll tests: an event with a seeded list of participants."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from facilitator.clock import FakeClock
from facilitator.people import import_people, list_participants, parse_people
from facilitator.polls.model import (
    KNOWLEDGE,
    LIKERT_5,
    SCALE_10,
    YES_NO,
    Index,
    Item,
    Questionnaire,
)
from facilitator.store import EventStore

FIRST = ["Ada", "Bea", "Cai", "Dev", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jon", "Kim", "Lev"]
LAST = ["Abbott", "Brook", "Crane", "Dale", "Egan", "Frost", "Grey", "Hale", "Irwin", "Joyce"]


def make_people(tmp_path: Path, store: EventStore, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    lines = ["ID,Name,Role,Gender,Age band"]
    for i in range(n):
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i}"
        lines.append(f"P{i:03d},{name},participant,{rng.choice(['Woman', 'Man'])},"
                     f"{rng.choice(['16-34', '35-64', '65+'])}")
    path = tmp_path / "people.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_people(store, parse_people(path), actor="test")


@pytest.fixture
def event(tmp_path: Path, clock: FakeClock) -> Iterator[EventStore]:
    store = EventStore.create(tmp_path / "poll.facilitator", "Poll test", clock)
    make_people(tmp_path, store, 40)
    yield store
    store.close()


def small_questionnaire(groups: tuple[str, ...] = ("Gender",)) -> Questionnaire:
    return Questionnaire(
        "Transport views",
        (Item("cars", "Cars should pay to enter the centre", SCALE_10),
         Item("buses", "Buses should be free", LIKERT_5),
         Item("bikes", "Fewer bike lanes", SCALE_10),
         Item("tram", "Build the tram?", YES_NO),
         Item("know1", "Who runs the buses?", KNOWLEDGE, ("Council", "Company"), correct=1),
         Item("know2", "Share of trips by car?", KNOWLEDGE, ("20%", "60%"), correct=1)),
        (Index("green", "Support for green transport",
               (("cars", False), ("buses", False), ("bikes", True))),
         Index("knowledge", "Knowledge", (("know1", False), ("know2", False)))),
        waves=2, group_columns=groups)


def participants(store: EventStore):  # type: ignore[no-untyped-def]
    return [p for p in list_participants(store) if p.role == "participant"]
