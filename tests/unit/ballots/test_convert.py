"""Paper answers feed the existing counting engines (STV/IRV, PB) unchanged."""

from __future__ import annotations

from fractions import Fraction

import pytest

from facilitator.ballots import (
    Answer,
    Question,
    answers_to,
    assess,
    counted_papers,
    enter,
    pb_election,
    ranked_election,
)
from facilitator.store import EventStore
from facilitator.tally import Project, TallyInputError, count_irv, count_pb

from .conftest import open_round


def test_ranked_papers_counted_by_irv(demo: EventStore) -> None:
    r, papers = open_round(demo, 9)
    q = r.questions
    rankings = [(0, 1), (0, 2), (0,), (1, 0), (1, 0), (2, 1), (2, 1), (3, 2, 1), ()]
    for paper, ranking in zip(papers, rankings, strict=True):
        enter(demo, r.id, paper.code, [Answer.choose(q[0], 0), Answer.ranking(q[1], ranking),
                                       Answer.blank(q[2])], actor="Ann")
    election = ranked_election(q[1], answers_to(counted_papers(demo, r.id), 1))
    assert sum(b.count for b in election.ballots) == 8  # the blank one is not a ballot
    result = count_irv(election)
    assert result.elected_names == ("Buses",)


def test_budget_papers_counted_greedily() -> None:
    q = Question.pb_budget("Budget", [Project("a", Fraction(60), "A"),
                                      Project("b", Fraction(50), "B"),
                                      Project("c", Fraction(30), "C")], 100)
    votes = [(0,), (0, 2), (1, 2), (1,), (0,), (0, 1)]  # the last is over budget: invalid
    assessments = [assess(q, Answer.choose(q, *v)) for v in votes]
    election = pb_election(q, assessments)
    assert len(election.votes) == 5 and election.budget == 100
    assert count_pb(election, "greedy").funded == ("a", "c")


def test_only_matching_kinds_convert() -> None:
    q = Question.yes_no("Q")
    with pytest.raises(TallyInputError):
        ranked_election(q, [])
    with pytest.raises(TallyInputError):
        pb_election(q, [])
