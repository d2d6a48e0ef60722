"""Zero-repeat designs (issue 19): finite-field schedules, the published 10-round schedule of
32 people in 8 tables of 4, dummy seats, and filling a design so its tables mirror the room.

Repeats are recounted here the long way (pairs per table), not with the package's own
metric code.
"""

from __future__ import annotations

import random
from collections import Counter
from itertools import combinations

import pytest

from facilitator.tables import Attribute, Person, Plan, Problem, allocate, evaluate
from facilitator.tables.compiled import compile_problem
from facilitator.tables.designs import (
    GOLFER_32_10,
    design_for,
    field,
    prime_power,
    repeats,
    transversal,
)
from facilitator.tables.search import index_rounds, quality_of, seats_from_design


def pairs_met(plan: Plan) -> Counter[frozenset[str]]:
    met: Counter[frozenset[str]] = Counter()
    for tables in plan.rounds:
        for table in tables:
            met.update(frozenset(p) for p in combinations(table, 2))
    return met


def golfers(n: int = 32, **attributes: list[str]) -> list[Person]:
    return [Person(f"g{i:02d}", {k: v[i % len(v)] for k, v in attributes.items()})
            for i in range(n)]


@pytest.mark.parametrize("rounds", [9, 10])
def test_32_golfers_in_8_tables_of_4_never_meet_twice(rounds: int) -> None:
    problem = Problem(golfers(), rounds=rounds, n_tables=8)
    result = allocate(problem)
    met = pairs_met(result.plan)
    assert max(met.values()) == 1
    assert len(met) == rounds * 8 * 6  # every table of every round seats 4 new pairs
    assert all(len(t) == 4 for tables in result.plan.rounds for t in tables)
    assert result.quality.repeat_pairs == 0
    assert result.stopped == "target met"


def test_the_published_10_round_schedule_is_32_people_in_8_fours_with_no_repeat() -> None:
    met: Counter[frozenset[int]] = Counter()
    for line in GOLFER_32_10:
        groups = [[int(s) for s in g.split(",")] for g in line.split()]
        assert sorted(p for g in groups for p in g) == list(range(32))
        assert [len(g) for g in groups] == [4] * 8
        met.update(frozenset(p) for g in groups for p in combinations(g, 2))
    assert max(met.values()) == 1
    assert len(met) == 480  # 30 of each person's 31 possible partners


@pytest.mark.parametrize(("people", "tables", "rounds"), [
    (9, 3, 4), (16, 4, 5), (25, 5, 6), (32, 8, 9), (27, 9, 8), (64, 8, 9), (81, 9, 10),
    (100, 13, 13), (49, 7, 8), (30, 8, 10), (31, 8, 9), (120, 16, 7), (250, 32, 5),
])
def test_designs_have_no_repeat_and_even_tables(people: int, tables: int, rounds: int
                                               ) -> None:
    design = design_for(people, tables, rounds)
    assert design is not None
    assert repeats(design.schedule, design.dummies) == 0
    assert design.slots - len(design.dummies) == people
    for row in design.schedule:
        sizes = Counter(t for s, t in enumerate(row) if s not in design.dummies)
        assert set(sizes) == set(range(tables))
        assert max(sizes.values()) - min(sizes.values()) <= 1


def test_no_design_where_none_is_known() -> None:
    assert design_for(110, 14, 4) is None  # 14 is not a prime power
    assert design_for(20, 4, 5) is None  # tables of 5 need at least 5 tables
    assert design_for(32, 8, 11) is None  # 11 rounds would need 33 partners each
    assert transversal(64, 8, 10) is None  # GF(8) gives at most 9 rounds


@pytest.mark.parametrize("q", [2, 3, 4, 5, 8, 9, 16, 25, 27])
def test_finite_fields_are_fields(q: int) -> None:
    gf = field(q)
    assert gf is not None
    elements = range(q)
    for a in elements:
        assert gf.add[a][gf.neg[a]] == 0
        assert gf.mul[a][1] == a
        if a:
            assert sorted(gf.mul[a][b] for b in elements) == list(elements)  # inverses
    rng = random.Random(q)
    for _ in range(200):
        a, b, c = (rng.randrange(q) for _ in range(3))
        assert gf.mul[a][gf.add[b][c]] == gf.add[gf.mul[a][b]][gf.mul[a][c]]
        assert gf.mul[gf.mul[a][b]][c] == gf.mul[a][gf.mul[b][c]]


def test_prime_powers() -> None:
    assert [q for q in range(2, 33) if prime_power(q)] == [
        2, 3, 4, 5, 7, 8, 9, 11, 13, 16, 17, 19, 23, 25, 27, 29, 31, 32]
    assert field(14) is None


def test_filling_a_design_balances_the_tables_and_keeps_no_repeat() -> None:
    people = golfers(gender=["f", "m"], age=["young", "middle", "old"],
                     area=["town", "town", "country", "town"])
    attrs = [Attribute("gender"), Attribute("age"), Attribute("area")]
    problem = Problem(people, rounds=9, n_tables=8, diversify=attrs)
    cp = compile_problem(problem)
    design = design_for(32, 8, 9)
    assert design is not None
    start = quality_of(cp, index_rounds(cp, seats_from_design(cp, design, random.Random(0))))
    result = allocate(problem, seed=0, iterations=60_000)
    assert max(pairs_met(result.plan).values()) == 1
    assert result.quality.mean_l1 < 0.8 * start.mean_l1
    assert result.quality == evaluate(result.plan, people, attrs)


def test_empty_seats_fall_at_different_tables() -> None:
    problem = Problem(golfers(30), rounds=10, n_tables=8)
    result = allocate(problem)
    assert max(pairs_met(result.plan).values()) == 1
    for tables in result.plan.rounds:
        assert sorted(len(t) for t in tables) == [3, 3, 4, 4, 4, 4, 4, 4]


def test_a_room_with_rules_is_searched_not_constructed() -> None:
    from facilitator.tables import Constraints

    problem = Problem(golfers(), rounds=9, n_tables=8,
                      constraints=Constraints(apart=(("g00", "g01"),)))
    result = allocate(problem, iterations=2_000)
    assert result.stopped == "finished"
    assert all(not {"g00", "g01"} <= set(t) for tables in result.plan.rounds for t in tables)


def test_the_repeat_floor_counts_partners_and_pigeonholes() -> None:
    from facilitator.tables.quality import repeat_lower_bound

    def floor(n: int, rounds: int, **size: int) -> int:
        return repeat_lower_bound(Problem([Person(str(i)) for i in range(n)], rounds=rounds,
                                          **size))  # type: ignore[arg-type]

    assert floor(32, 10, n_tables=8) == 0  # the published schedule reaches it
    assert floor(32, 11, n_tables=8) == 4  # 33 partners wanted, 31 exist
    assert floor(20, 2, n_tables=2) == 40  # two tables of 10 from two tables of 10
    assert floor(75, 3, table_size=10) == 11  # tables of 9–10 drawn from 8 tables
    assert floor(110, 4, table_size=8) == 0


def test_tabu_search_takes_repeats_out_of_a_dense_room_without_a_design() -> None:
    from facilitator.tables.construct import seat_round
    from facilitator.tables.search import State, Weights, tabu

    problem = Problem(golfers(24), rounds=6, n_tables=6)  # 6 is not a prime power
    assert design_for(24, 6, 6) is None
    cp = compile_problem(problem)
    rng = random.Random(1)
    seats = [seat_round(cp, r, rng) for r in range(6)]
    start = quality_of(cp, index_rounds(cp, seats)).repeat_pairs
    best, moves, stopped = tabu(State(cp, seats, range(6), Weights(mixing=100.0)), rng, 400)
    after = quality_of(cp, index_rounds(cp, best))
    assert stopped == "finished" and 0 < moves <= 400
    assert after.repeat_pairs < start / 4
    for row in best:
        assert sorted(Counter(row).values()) == [4] * 6
