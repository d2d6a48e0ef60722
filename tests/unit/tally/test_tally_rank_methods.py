"""A rank question decided by the method chosen when it was defined, not always IRV/STV.

The classic case: a Condorcet winner that instant-runoff eliminates early. Three options,
9 ballots: C is second choice for most, so C beats A (5 to 4) and B (6 to 3) head to head,
but has the fewest first choices and IRV drops it first.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from facilitator.ballots import Answer, Question, QuestionError, assess
from facilitator.results.count import count
from facilitator.tally import RankedBallot, RankedElection
from facilitator.tally.condorcet import DecisionMethod, decide, describe_method

OPTIONS = ["A", "B", "C"]
CENTRE_SQUEEZE = [[0, 2, 1]] * 4 + [[1, 2, 0]] * 3 + [[2, 0, 1]] + [[2, 1, 0]]


def counted(method: str) -> tuple[Question, object]:
    q = Question.rank("Which plan?", OPTIONS, method=method)
    answers = [assess(q, Answer.ranking(q, order)) for order in CENTRE_SQUEEZE]
    return q, count(q, answers, seed=7)


@pytest.mark.parametrize(("method", "winner"), [
    ("", "A"), ("irv", "A"), ("schulze", "C"), ("ranked-pairs", "C"), ("copeland", "C"),
    ("borda", "C"), ("dowdall", "A")])
def test_the_chosen_method_decides(method: str, winner: str) -> None:
    q, c = counted(method)
    assert c.verdict == f"Winner: {winner}"  # type: ignore[attr-defined]
    assert q.counted_by == (method or "irv")


def test_the_result_shows_the_condorcet_matrix_and_one_sentence_for_the_method() -> None:
    _q, c = counted("schulze")
    matrix = c.tables[0]  # type: ignore[attr-defined]
    assert "Condorcet matrix" in matrix.title
    assert matrix.header == ("Option", "1", "2", "3", "Wins")
    assert matrix.rows[2] == ("3. C", "5", "6", "—", "2")
    assert matrix.rows[0] == ("1. A", "—", "5", "4", "1")
    assert c.rules == describe_method(DecisionMethod.SCHULZE)  # type: ignore[attr-defined]
    assert any("C beats every other option head to head" in n
               for n in c.notes)  # type: ignore[attr-defined]
    _q, irv = counted("irv")  # IRV also shows the matrix, beside the Borda/Dowdall table
    assert "Condorcet matrix" in irv.tables[0].title  # type: ignore[attr-defined]


def test_method_is_kept_in_the_definition_and_checked_against_the_seats() -> None:
    q = Question.rank("Which plan?", OPTIONS, method="ranked-pairs")
    assert q.to_json()["rank_method"] == "ranked-pairs"
    assert Question.from_json(q.to_json()) == q
    assert "rank_method" not in Question.rank("Which plan?", OPTIONS).to_json()
    assert q.decided_by() == "Counted by: Ranked Pairs."
    with pytest.raises(QuestionError, match="cannot be counted by “meek-stv” with 1 seat"):
        Question.rank("Which plan?", OPTIONS, method="meek-stv")
    with pytest.raises(QuestionError, match="cannot be counted by “schulze” with 2 seat"):
        Question.rank("Council", [*OPTIONS, "D"], seats=2, method="schulze")
    with pytest.raises(QuestionError, match="only a ranked question"):
        Question(Question.choose_one("Q", OPTIONS).kind, "Q", tuple(OPTIONS),
                 rank_method="schulze")


def test_meek_is_chosen_for_a_committee() -> None:
    q = Question.rank("Council", ["A", "B", "C", "D"], seats=2, method="meek-stv")
    orders = [[0, 1]] * 5 + [[1]] * 2 + [[2, 3]] * 2 + [[3]]
    c = count(q, [assess(q, Answer.ranking(q, o)) for o in orders], seed=1)
    assert c.method == "Single transferable vote (Meek's method)"
    assert c.stv is not None and c.stv.elected_names == ("A", "B")
    assert "Meek" in c.rules


def test_a_tie_is_settled_by_the_seeded_order_and_said() -> None:
    # a perfect three-way cycle: every method ties; the lot's order decides, the same each time
    election = RankedElection(("A", "B", "C"), 1, (
        RankedBallot(1, (0, 1, 2)), RankedBallot(1, (1, 2, 0)), RankedBallot(1, (2, 0, 1))))
    for method in DecisionMethod:
        first = decide(election, method, seed=5)
        assert first.tie_broken, method
        assert first.winner == decide(election, method, seed=5).winner
        assert first.winner == first.tie_order[0] or method is DecisionMethod.IRV
    scores = decide(election, DecisionMethod.COPELAND, seed=5).scores
    assert scores == (Fraction(1), Fraction(1), Fraction(1))
