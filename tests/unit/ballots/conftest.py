"""Fixtures for the ballot tests: the demo event (people checked in) and a sample round."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pytest

from facilitator.ballots import (
    BallotRound,
    DecisionRule,
    PaperCode,
    Question,
    create_round,
    issue_codes,
)
from facilitator.clock import FakeClock
from facilitator.store import EventStore
from facilitator.tally import Project


@pytest.fixture
def demo(tmp_path: Path, clock: FakeClock) -> Iterator[EventStore]:
    from facilitator.demo import create_demo_event

    store = create_demo_event(tmp_path / "demo.facilitator", clock)
    yield store
    store.close()


def three_questions() -> tuple[Question, ...]:
    return (
        Question.yes_no("Close the centre to cars on Saturdays?",
                        rule=DecisionRule.supermajority("60%")),
        Question.rank("Which transport priority first?",
                      ["Buses", "Trams", "Cycle lanes", "Pavements"]),
        Question.scale("Support a congestion charge?"),
    )


def every_kind() -> tuple[Question, ...]:
    return (
        *three_questions(),
        Question.choose_one("Where should the next assembly meet?",
                            ["Town hall", "Library", "School"]),
        Question.approval("Which ideas go forward?", ["A", "B", "C", "D"], max_choices=2),
        Question.score("Score each design", ["Blue", "Green"], score_max=5),
        Question.dot_vote("Where to look first?", ["Housing", "Transport", "Energy"], dots=5,
                          max_per_option=3),
        Question.pb_budget("Spend the budget", [
            Project("p1", Fraction(40000), "Playground"),
            Project("p2", Fraction(25000), "Street trees"),
            Project("p3", Fraction(60000), "Youth club")], 100000, max_choices=2),
        Question.judgment("Grade each proposal", ["Free buses", "School streets"]),
    )


def open_round(store: EventStore, papers: int = 10, *, double_entry: bool = False,
               questions: tuple[Question, ...] | None = None,
               title: str = "Morning vote") -> tuple[BallotRound, list[PaperCode]]:
    created = create_round(store, title, questions or three_questions(),
                           double_entry=double_entry, actor="test").round
    printed = issue_codes(store, created.id, papers, actor="test")
    return printed.round, list(printed.papers)
