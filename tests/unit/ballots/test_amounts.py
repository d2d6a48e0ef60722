"""Issue 13: PB costs as a person types them, and refusals that name the project."""

from __future__ import annotations

from fractions import Fraction

import pytest

from facilitator.ballots import Question, QuestionError
from facilitator.ballots.questions import parse_amount


@pytest.mark.parametrize(("typed", "value"), [
    ("£180,000", Fraction(180000)),
    ("180 000", Fraction(180000)),
    ("180\u00a0000", Fraction(180000)),
    ("180\u202f000", Fraction(180000)),
    ("180.000,50", Fraction(18000050, 100)),
    ("180,000.50", Fraction(18000050, 100)),
    ("€ 1.234,56", Fraction(123456, 100)),
    ("CHF 12'500", Fraction(12500)),
    ("GBP 180", Fraction(180)),
    ("180 EUR", Fraction(180)),
    ("1.000.000", Fraction(1000000)),
    ("40000", Fraction(40000)),
    ("12.5", Fraction(25, 2)),
    ("12,5", Fraction(25, 2)),
    ("0,125", Fraction(1, 8)),
    ("2001/2", Fraction(2001, 2)),   # how a cost is stored
])
def test_amounts_typed_either_way(typed: str, value: Fraction) -> None:
    assert parse_amount(typed, "the cost") == value


@pytest.mark.parametrize("typed", ["12O00", "1,23,4", "forty", "", "1.2.3,4", "£", "1,2,3"])
def test_what_is_not_an_amount_is_refused(typed: str) -> None:
    with pytest.raises(QuestionError, match="the cost is not an amount"):
        parse_amount(typed, "the cost")


def budget(*projects: tuple[str, str], total: str = "£250,000") -> dict[str, object]:
    return {"kind": "budget", "text": "Spend the budget", "budget": total,
            "projects": [{"id": f"p{i}", "name": name, "cost": cost}
                         for i, (name, cost) in enumerate(projects, start=1)]}


def test_a_budget_question_takes_costs_as_typed() -> None:
    q = Question.from_json(budget(("Library roof", "£180,000"), ("Benches", "8 000,50")))
    assert [p.cost for p in q.projects] == [Fraction(180000), Fraction(800050, 100)]
    assert q.budget == Fraction(250000)


def test_a_bad_cost_names_the_project_not_its_id() -> None:
    with pytest.raises(QuestionError) as refused:
        Question.from_json(budget(("Library roof", "£180,000"), ("Youth club", "sixty")))
    assert "“Youth club”" in refused.value.message and "p2" not in refused.value.message
    with pytest.raises(QuestionError) as refused:
        Question.from_json(budget(("Library roof", "£180,000"), ("Youth club", "0")))
    assert "“Youth club”" in refused.value.message and "p2" not in refused.value.message
