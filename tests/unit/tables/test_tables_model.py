"""Bad allocation input is refused with a message that names the problem."""

from __future__ import annotations

from typing import Any

import pytest

from facilitator.errors import UserError
from facilitator.tables import (
    AllocationError,
    Attribute,
    Cluster,
    Constraints,
    InfeasibleError,
    Person,
    Pin,
    Plan,
    Problem,
    Unavailable,
    allocate,
    evaluate,
)
from facilitator.tables.compiled import encode


def people(n: int) -> list[Person]:
    return [Person(f"p{i}", {"g": "fm"[i % 2], "age": str(20 + i)}) for i in range(n)]


def problem(**kwargs: Any) -> Problem:
    args: dict[str, Any] = {"rounds": 2, "n_tables": 3, "constraints": Constraints()}
    args.update(kwargs)
    return Problem(people(12), **args)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"diversify": [Attribute("colour")]}, "Unknown column colour"),
        ({"constraints": Constraints(together=(("p1", "p2"),), apart=(("p2", "p1"),))},
         "p2 and p1 are both kept together and kept apart"),
        ({"constraints": Constraints(together=(("p1", "p2"), ("p2", "p3")),
                                     apart=(("p1", "p3"),))},
         "p1 and p3 must sit apart, but keep-together pairs link them"),
        ({"constraints": Constraints(pins=(Pin("p1", 2, frozenset({1})),),
                                     unavailable=(Unavailable(2, 1),))},
         "p1 is pinned to table 3, which is unavailable in round 2"),
        ({"max_seats": 3}, "More people than seats in round 1: 12 people, 3 tables of 3 seats"),
        ({"constraints": Constraints(unavailable=(Unavailable(0, 1),)), "max_seats": 5},
         "More people than seats in round 2"),
        ({"constraints": Constraints(pins=tuple(Pin(f"p{i}", 0) for i in range(5)))},
         "5 people are pinned to table 1 in round 1, which seats 4"),
        ({"constraints": Constraints(pins=(Pin("p1", 0), Pin("p1", 1, frozenset({1}))))},
         "p1 is pinned to both table 1 and table 2 in round 2"),
        ({"constraints": Constraints(together=(("p1", "p2"),),
                                     pins=(Pin("p1", 0), Pin("p2", 1)))},
         "p1, p2 are kept together but pinned to different tables in round 1"),
        ({"constraints": Constraints(together=tuple((f"p{i}", f"p{i + 1}") for i in range(5)))},
         "are kept together but a table seats 4"),
        ({"constraints": Constraints(apart=(("p1", "nobody"),))},
         "Unknown person nobody in a constraint"),
        ({"constraints": Constraints(pins=(Pin("p1", 7),))}, "There is no table 8"),
        ({"constraints": Constraints(pins=(Pin("p1", 0, frozenset({5})),))},
         "There is no round 6"),
        ({"constraints": Constraints(clusters=(Cluster("language", "cy"),))},
         "Unknown column language in a cluster"),
        ({"table_size": 4}, "Give either the number of tables or the table size"),
        ({"rounds": 0}, "at least one round"),
        ({"constraints": Constraints(unavailable=(Unavailable(0, 0), Unavailable(1, 0),
                                                  Unavailable(2, 0)))},
         "Every table is unavailable in round 1"),
        ({"diversify": [Attribute("g", weight=-1)]}, "weight of g"),
        ({"diversify": [Attribute("g"), Attribute("g")]}, "listed twice"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(AllocationError) as caught:
        problem(**kwargs)
    assert message in str(caught.value)
    assert isinstance(caught.value, UserError)


def test_infeasibility_found_while_seating_names_who_cannot_be_seated() -> None:
    # Four people who must all sit apart from each other, and only three tables.
    trio = [f"p{i}" for i in range(4)]
    apart = tuple((a, b) for i, a in enumerate(trio) for b in trio[i + 1:])
    with pytest.raises(InfeasibleError) as caught:
        allocate(problem(constraints=Constraints(apart=apart)), iterations=0)
    text = str(caught.value)
    assert "Cannot seat" in text and "must sit apart from" in text


def test_duplicate_ids_and_empty_pools_are_refused() -> None:
    with pytest.raises(AllocationError, match="used twice"):
        Problem([Person("a"), Person("a")], rounds=1, n_tables=1)
    with pytest.raises(AllocationError, match="no one to seat"):
        Problem([], rounds=1, n_tables=1)


def test_table_size_gives_ceil_tables_with_sizes_one_apart() -> None:
    p = Problem(people(100), rounds=1, table_size=8)
    assert p.tables == 13
    assert p.sizes(0) == (7, 9)


def test_numeric_attribute_is_cut_into_quantile_bins() -> None:
    pool = [Person(str(i), {"age": str(a)}) for i, a in enumerate(range(20, 60))]
    pool.append(Person("blank", {"age": ""}))
    codes, labels = encode(pool, [Attribute("age", bins=4)])
    counts = [sum(1 for row in codes if row[0] == k) for k in range(len(labels[0]))]
    assert counts == [10, 10, 10, 10, 1]
    assert labels[0] == ["20–29", "30–39", "40–49", "50–59", ""]


def test_non_numbers_in_a_binned_column_are_named() -> None:
    pool = [Person("a", {"age": "30"}), Person("b", {"age": "thirty"})]
    with pytest.raises(AllocationError, match="age of b is 'thirty', not a number"):
        encode(pool, [Attribute("age", bins=2)])


def test_evaluate_refuses_a_plan_with_strangers_or_doubles() -> None:
    with pytest.raises(AllocationError, match="not in the list"):
        evaluate(Plan.from_lists([[["p0", "zz"]]]), people(2), [])
    with pytest.raises(AllocationError, match="seated twice"):
        evaluate(Plan.from_lists([[["p0"], ["p0"]]]), people(2), [])
