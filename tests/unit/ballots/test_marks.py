"""Marks per kind: valid, blank, invalid (over-marked, over budget…), and the entry gate."""

from __future__ import annotations

import pytest

from facilitator.ballots import Answer, Kind, MarkError, Status, assess, check_answer, describe
from facilitator.ballots.questions import Question

from .conftest import every_kind

Q = {q.kind: q for q in every_kind()}


def status(kind: Kind, answer: Answer) -> tuple[Status, str]:
    a = assess(Q[kind], check_answer(Q[kind], answer))
    return a.status, a.reason


def test_single_choice_blank_valid_over_marked() -> None:
    q = Q[Kind.YES_NO]
    assert status(Kind.YES_NO, Answer.blank(q))[0] is Status.BLANK
    assert assess(q, Answer.choose(q, 2)).selection == (2,)  # an abstention is a valid vote
    over = status(Kind.YES_NO, Answer.choose(q, 0, 1))
    assert over == (Status.INVALID, "over-marked: 2 boxes marked, 1 allowed")


def test_approval_up_to_k() -> None:
    q = Q[Kind.APPROVAL]
    assert assess(q, Answer.choose(q, 0, 3)).selection == (0, 3)
    assert status(Kind.APPROVAL, Answer.choose(q, 0, 1, 2))[0] is Status.INVALID


def test_budget_over_the_budget_or_over_k_is_invalid() -> None:
    q = Q[Kind.BUDGET]
    assert assess(q, Answer.choose(q, 0, 1)).valid  # 65 000 of 100 000
    exactly = status(Kind.BUDGET, Answer.choose(q, 0, 2))  # 40 000 + 60 000: the whole budget
    assert exactly[0] is Status.VALID
    too_many = status(Kind.BUDGET, Answer.choose(q, 0, 1, 2))
    assert too_many[0] is Status.INVALID and "at most 2" in too_many[1]
    dear = Question.pb_budget("B", q.projects, 90000)
    result = assess(dear, Answer.choose(dear, 0, 2))
    assert result.status is Status.INVALID and result.reason.startswith("over budget")


def test_ranking_follows_the_scottish_rules() -> None:
    q = Q[Kind.RANK]
    assert assess(q, Answer.ranking(q, [2, 0, 3])).selection == (2, 0, 3)
    no_first = assess(q, Answer.values(q, {0: 2, 1: 3}))
    assert no_first.status is Status.INVALID and "no first preference" in no_first.reason
    two_firsts = assess(q, Answer.values(q, {0: 1, 1: 1}))
    assert two_firsts.status is Status.INVALID
    # A repeated 2: the ranking stops after 1; later numbers are ignored, the paper counts.
    broken = assess(q, Answer.values(q, {0: 1, 1: 2, 2: 2, 3: 3}))
    assert broken.valid and broken.selection == (0,)
    assert broken.reason == "3 preferences after number 1 ignored"
    gap = assess(q, Answer.values(q, {0: 1, 1: 3}))
    assert gap.valid and gap.selection == (0,)
    assert assess(q, Answer.blank(q)).status is Status.BLANK


def test_score_dots_and_judgment() -> None:
    score = Q[Kind.SCORE]
    assert assess(score, Answer.values(score, {0: 0, 1: 5})).values == (0, 5)
    assert assess(score, Answer.values(score, {0: 7})).status is Status.INVALID
    dots = Q[Kind.DOTS]
    assert assess(dots, Answer.values(dots, {0: 3, 2: 2})).values == (3, 0, 2)
    assert assess(dots, Answer.values(dots, {0: 3, 1: 3})).status is Status.INVALID  # 6 > 5
    assert assess(dots, Answer.values(dots, {0: 4})).status is Status.INVALID  # > 3 on one
    grade = Q[Kind.JUDGMENT]
    assert assess(grade, Answer.values(grade, {0: 1, 1: 6})).values == (0, 5)
    assert assess(grade, Answer.values(grade, {0: 7})).status is Status.INVALID


def test_unreadable_makes_the_question_invalid() -> None:
    q = Q[Kind.JUDGMENT]
    result = assess(q, Answer(Answer.values(q, {0: 2}).marks, unreadable=True))
    assert result.status is Status.INVALID


@pytest.mark.parametrize("answer", [
    Answer((1, None)),  # too few marks
    Answer((2, None, None)),  # a box holds 0 or 1
    Answer((-1, None, None)),
    Answer(("1", None, None)),  # type: ignore[arg-type]
    Answer((True, None, None)),
])
def test_the_entry_gate_refuses_what_no_paper_could_say(answer: Answer) -> None:
    with pytest.raises(MarkError):
        check_answer(Q[Kind.YES_NO], answer)


def test_zero_means_unmarked_except_for_scores() -> None:
    rank = Q[Kind.RANK]
    assert check_answer(rank, Answer((1, 0, None, None))).marks == (1, None, None, None)
    score = Q[Kind.SCORE]
    assert check_answer(score, Answer((0, None))).marks == (0, None)


def test_describe_for_the_adjudication_list() -> None:
    assert describe(Q[Kind.YES_NO], Answer.choose(Q[Kind.YES_NO], 1)) == "No"
    rank = Q[Kind.RANK]
    assert describe(rank, Answer.ranking(rank, [1, 0])) == "Buses: 2; Trams: 1"
    grade = Q[Kind.JUDGMENT]
    assert describe(grade, Answer.values(grade, {1: 2})) == "School streets: Very good"
    assert describe(rank, Answer.blank(rank)) == "blank"
