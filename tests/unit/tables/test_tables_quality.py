"""Figures on GroupSelect's real sample pools, and re-balancing after latecomers and leavers.

GroupSelect's greedy pass reached 413 repeat meetings and a mean per-table L1 of 0.236 on a
110-person pool (tables of 8, 4 rounds); a plain annealing swap search 6 repeats and 0.104.
Each figure asserted here is what this search reaches with the default budget, with margin.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from facilitator.tables import (
    Attribute,
    Constraints,
    Person,
    Pin,
    Plan,
    Problem,
    allocate,
    evaluate,
    rebalance,
    reference_mean_l1,
    violations,
)

CheckPlan = Callable[..., list[str]]
Figures = Callable[[Plan, list[Person], list[str]], dict[str, float]]
COLUMNS_100 = ["gender", "age", "region", "nation", "media"]


def test_reference_is_the_deal_by_deal_figure_quoted_in_the_issue(pool_100: list[Person]) -> None:
    problem = Problem(pool_100, rounds=4, table_size=8,
                      diversify=[Attribute(c) for c in COLUMNS_100])
    assert problem.tables == 13
    assert reference_mean_l1(problem) == pytest.approx(0.0986, abs=5e-4)


def test_100_people_tables_of_8_four_rounds_no_repeats_and_near_ideal_balance(
    pool_100: list[Person], check_plan: CheckPlan, figures: Figures
) -> None:
    # Each person meets 28 of 99 others, so no pair need ever meet twice.
    problem = Problem(pool_100, rounds=4, table_size=8,
                      diversify=[Attribute(c) for c in COLUMNS_100])
    result = allocate(problem, seed=1)  # its time: tests/benchmarks/bench_tables.py
    assert check_plan(problem, result.plan) == []
    q = result.quality
    assert q.repeat_pairs == 0
    assert q.max_meetings == 1
    # Reached: 0.1008 here, 0.0986-0.1009 over seeds 0-7; the reference is 0.0986, GroupSelect's
    # annealing 0.104.
    assert q.mean_l1 < 0.103
    assert q.mean_l1 <= 1.05 * reference_mean_l1(problem)
    independent = figures(result.plan, pool_100, COLUMNS_100)
    assert independent["repeat_pairs"] == 0
    assert independent["mean_l1"] == pytest.approx(q.mean_l1)


def test_30_people_pool(pool_30: list[Person], check_plan: CheckPlan) -> None:
    problem = Problem(pool_30, rounds=3, table_size=5,
                      diversify=[Attribute(c) for c in ("gender", "age", "region")])
    result = allocate(problem, seed=0)
    assert check_plan(problem, result.plan) == []
    assert result.quality.repeat_pairs == 0
    assert result.quality.mean_l1 <= 1.15 * reference_mean_l1(problem)


def _latecomers(pool: list[Person], n: int, seed: int) -> list[Person]:
    rng = random.Random(seed)
    return [Person(f"late{i}", dict(rng.choice(pool).attributes)) for i in range(n)]


def test_rebalance_seats_latecomers_and_moves_few(
    pool_100: list[Person], check_plan: CheckPlan
) -> None:
    attributes = [Attribute(c) for c in COLUMNS_100]
    facilitator_pin = Pin(pool_100[0].id, 0)
    before = Problem(pool_100, rounds=4, table_size=8, diversify=attributes,
                     constraints=Constraints(pins=(facilitator_pin,)))
    plan = allocate(before, seed=2, iterations=300_000).plan
    left = [pool_100[5], pool_100[50], pool_100[95]]
    late = _latecomers(pool_100, 5, seed=3)
    now = Problem([p for p in pool_100 if p not in left] + late, rounds=4, n_tables=13,
                  diversify=attributes,
                  constraints=Constraints(pins=(facilitator_pin,),
                                          apart=((late[0].id, pool_100[7].id),)))
    result = rebalance(now, plan, from_round=1, former=left, seed=0)

    assert check_plan(now, result.plan, from_round=1) == []
    assert violations(now, result.plan, from_round=1) == []
    assert result.plan.rounds[0] == plan.rounds[0]  # round 1 was done: untouched
    assert result.arrived == tuple(p.id for p in late)
    assert sorted(result.departed) == sorted(p.id for p in left)
    for r in (1, 2, 3):
        seating = result.plan.seating(r)
        assert all(p.id in seating for p in late)
        assert not any(p.id in seating for p in left)
    assert {(m.person, m.round) for m in result.new_seats} == {
        (p.id, r) for p in late for r in (1, 2, 3)
    }
    # Everyone who moved is reported with where from and where to.
    for move in result.moves:
        assert plan.table_of(move.person, move.round) == move.from_table
        assert result.plan.table_of(move.person, move.round) == move.to_table
    stayed = [p.id for p in pool_100 if p not in left]
    unreported = [
        (pid, r) for pid in stayed for r in (1, 2, 3)
        if plan.table_of(pid, r) != result.plan.table_of(pid, r)
        and not any(m.person == pid and m.round == r for m in result.moves)
    ]
    assert unreported == []
    assert len(result.moved_people) <= 8  # of 97 who stayed; reached: 4 (1-5 over seeds)
    assert result.quality.repeat_pairs == 0
    assert result.quality == evaluate(result.plan, [*now.people, *left], attributes)


def test_rebalance_with_nothing_changed_moves_no_one(pool_100: list[Person]) -> None:
    problem = Problem(pool_100, rounds=3, table_size=8,
                      diversify=[Attribute(c) for c in COLUMNS_100])
    plan = allocate(problem, seed=4, iterations=200_000).plan
    result = rebalance(problem, plan, from_round=1, iterations=50_000)
    assert result.moves == ()
    assert result.new_seats == ()
    assert result.plan == plan


def test_rebalance_refuses_a_past_round_with_strangers(pool_100: list[Person]) -> None:
    problem = Problem(pool_100[:20], rounds=2, table_size=5)
    plan = allocate(problem, iterations=1_000).plan
    smaller = Problem(pool_100[1:20], rounds=2, n_tables=4)
    from facilitator.tables import AllocationError

    with pytest.raises(AllocationError, match=f"{pool_100[0].id} sat in round 1"):
        rebalance(smaller, plan, from_round=1)
    result = rebalance(smaller, plan, from_round=1, former=[pool_100[0]])
    assert result.departed == (pool_100[0].id,)
