"""The question model: builders, validation with clear messages, JSON, decision rules."""

from __future__ import annotations

from fractions import Fraction

import pytest

from facilitator.ballots import (
    Abstentions,
    Base,
    DecisionRule,
    Kind,
    Question,
    QuestionError,
    format_share,
)
from facilitator.tally import Project

from .conftest import every_kind


def test_every_kind_round_trips_through_json() -> None:
    questions = every_kind()
    assert {q.kind for q in questions} == set(Kind)
    for q in questions:
        assert Question.from_json(q.to_json()) == q, q.kind


def test_defaults_read_from_a_short_hand_written_question() -> None:
    yes_no = Question.from_json({"kind": "yes_no", "text": "Agree?"})
    assert yes_no.options == ("Yes", "No", "Abstain") and yes_no.allow_abstain
    no_abstain = Question.from_json({"kind": "yes_no", "text": "Agree?",
                                     "allow_abstain": False})
    assert no_abstain.options == ("Yes", "No")
    scale = Question.from_json({"kind": "scale", "text": "Support?"})
    assert len(scale.options) == 5 and scale.stance(0) == "favour"
    assert [scale.stance(i) for i in range(5)] == ["favour", "favour", "abstain", "against",
                                                   "against"]
    judgment = Question.from_json({"kind": "judgment", "text": "Grade", "options": ["A"]})
    assert judgment.grades[0] == "Excellent" and len(judgment.grades) == 6


@pytest.mark.parametrize(("data", "message"), [
    ({"kind": "yes_no", "text": " "}, "no text"),
    ({"kind": "choose_one", "text": "Q", "options": ["Only"]}, "at least 2 options"),
    ({"kind": "choose_one", "text": "Q", "options": ["A", "a "]}, "appears twice"),
    ({"kind": "approval", "text": "Q", "options": ["A", "B"], "max_choices": 3}, "up to k"),
    ({"kind": "rank", "text": "Q", "options": ["A", "B"], "seats": 2}, "seats"),
    ({"kind": "score", "text": "Q", "options": ["A"], "score_min": 5, "score_max": 5},
     "scores"),
    ({"kind": "dots", "text": "Q", "options": ["A", "B"], "dots": 0}, "dots"),
    ({"kind": "budget", "text": "Q", "budget": "0",
      "projects": [{"id": "p", "cost": "5"}]}, "budget must be more than zero"),
    ({"kind": "budget", "text": "Q", "budget": "10",
      "projects": [{"id": "p", "cost": "-5"}]}, "cost more than zero"),
    ({"kind": "budget", "text": "Q", "budget": "10", "projects": [{"id": "p"}]},
     "id and a cost"),
    ({"kind": "judgment", "text": "Q", "options": ["A"], "grades": ["Good"]}, "grades"),
    ({"kind": "poll", "text": "Q"}, "Unknown kind"),
    ({"kind": "yes_no", "text": "Q", "colour": "red"}, "Unknown field"),
    ({"kind": "rank", "text": "Q", "options": ["A", "B", "C"], "seats": "2"}, "whole number"),
    ({"kind": "yes_no", "text": "Q", "rule": {"threshold": "150%"}}, "threshold"),
    ({"kind": "yes_no", "text": "Q", "rule": {"threshold": "lots"}}, "not a number"),
    ({"kind": "choose_one", "text": "Q", "options": ["A", "B"], "grades": ["x", "y"]},
     "only a majority-judgment"),
])
def test_a_bad_question_is_refused_naming_the_problem(data: dict[str, object],
                                                     message: str) -> None:
    with pytest.raises(QuestionError) as caught:
        Question.from_json(data)
    assert message in caught.value.message


def test_scotland_rule_abstentions_recorded_not_counted() -> None:
    # Support = agree / (agree + disagree); 80 agree, 20 disagree, 50 abstain → 80%.
    rule = DecisionRule.supermajority("80%")
    verdict = rule.evaluate(80, 20, 50)
    assert verdict.passed is True and verdict.support == Fraction(4, 5)
    assert verdict.text == "PASSED — 80% support, threshold 80%"
    counted = DecisionRule.supermajority("80%", abstentions=Abstentions.COUNTED)
    assert counted.evaluate(80, 20, 50).passed is False  # 80 / 150
    assert "abstentions are recorded but not counted" in rule.describe()


def test_simple_majority_is_more_than_half_exactly() -> None:
    rule = DecisionRule.simple_majority()
    assert rule.evaluate(50, 50).passed is False
    assert rule.evaluate(51, 50).passed is True
    assert rule.describe().startswith("Carried with more than half of the votes cast")


def test_two_thirds_is_exact_not_rounded() -> None:
    rule = DecisionRule.supermajority("2/3")
    assert rule.evaluate(2, 1).passed is True  # exactly 2/3
    assert rule.evaluate(666, 334).passed is False  # 66.6%, below 2/3
    assert format_share(Fraction(2, 3)) == "66.7%"


def test_of_people_present_counts_non_voters_as_not_in_favour() -> None:
    rule = DecisionRule.supermajority("60%", base=Base.PRESENT)
    assert rule.evaluate(55, 10, 5, present=100).passed is False  # 55% of those present
    assert rule.evaluate(60, 0, 0, present=100).passed is True
    assert "of the people present" in rule.describe()


def test_quorum_by_number_and_by_share_of_present() -> None:
    rule = DecisionRule(quorum=50)
    verdict = rule.evaluate(40, 5, 4)
    assert verdict.passed is None and not verdict.quorum_met
    assert "quorum not met" in verdict.text
    share = DecisionRule(quorum_share=Fraction(1, 2))
    assert share.evaluate(30, 10, 0, present=100).passed is None
    assert share.evaluate(40, 10, 0, present=100).passed is True


def test_no_votes_is_no_decision() -> None:
    assert DecisionRule().evaluate(0, 0, 7).passed is None


def test_unanimity() -> None:
    rule = DecisionRule(threshold=Fraction(1), inclusive=True)
    assert rule.evaluate(10, 0).passed is True and rule.evaluate(10, 1).passed is False


def test_budget_question_reuses_the_tally_project() -> None:
    q = every_kind()[7]
    assert q.kind is Kind.BUDGET and isinstance(q.projects[0], Project)
    assert q.options == ("Playground", "Street trees", "Youth club")
    assert "100" in q.how_to_vote()


def test_how_to_vote_speaks_per_kind_on_paper_and_on_phones() -> None:
    paper = {q.kind: q.how_to_vote() for q in every_kind()}
    phone = {q.kind: q.how_to_vote(phone=True) for q in every_kind()}
    assert paper[Kind.YES_NO] == "Mark ONE box with a cross (X)."
    assert phone[Kind.YES_NO] == "Choose one."
    assert "at most 2" in paper[Kind.APPROVAL] and phone[Kind.APPROVAL] == "Choose up to 2."
    assert "column 1" in paper[Kind.RANK] and "number 1" in phone[Kind.RANK]  # a grid
    assert "5 dots" in paper[Kind.DOTS] and "5 dots" in phone[Kind.DOTS]
    assert "ONE grade" in paper[Kind.JUDGMENT] and phone[Kind.JUDGMENT] == \
        "Give each option one grade."
    assert "100\u00a0000" in paper[Kind.BUDGET] and "100\u00a0000" in phone[Kind.BUDGET]
    assert "At most 2 projects." in paper[Kind.BUDGET] and "Choose at most 2." in \
        phone[Kind.BUDGET]
    assert len(set(paper.values())) == len(paper) - 2  # yes/no, scale, choose one: one box
    assert all("cross" not in text and "box" not in text for text in phone.values())
