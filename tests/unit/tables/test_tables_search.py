"""The search: hard rules on every plan, same seed same plan, exact incremental costs."""

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
    Progress,
    Unavailable,
    allocate,
    evaluate,
    violations,
)
from facilitator.tables.compiled import compile_problem
from facilitator.tables.construct import seat_round
from facilitator.tables.search import State, Weights, index_rounds, to_plan

CheckPlan = Callable[..., list[str]]
Figures = Callable[[Plan, list[Person], list[str]], dict[str, float]]
RandomProblem = Callable[..., Problem]


@pytest.mark.parametrize("seed", range(16))
def test_every_plan_keeps_every_hard_rule(
    seed: int,
    check_plan: CheckPlan,
    random_problem: RandomProblem,
) -> None:
    problem = random_problem(seed)
    result = allocate(problem, seed=seed, iterations=15_000)
    assert check_plan(problem, result.plan) == []
    assert violations(problem, result.plan) == []


@pytest.mark.parametrize("seed", range(4))
def test_the_first_seating_keeps_every_hard_rule(
    seed: int,
    check_plan: CheckPlan,
    random_problem: RandomProblem,
) -> None:
    problem = random_problem(100 + seed, n=60)
    result = allocate(problem, seed=seed, iterations=0)
    assert check_plan(problem, result.plan) == []


def test_same_seed_same_plan_and_other_seed_other_plan(random_problem: RandomProblem) -> None:
    problem = random_problem(7, n=40)
    first = allocate(problem, seed=3, iterations=20_000)
    again = allocate(problem, seed=3, iterations=20_000)
    other = allocate(problem, seed=4, iterations=20_000)
    assert first.plan == again.plan
    assert first.quality == again.quality
    assert other.plan != first.plan


def _random_step(state: State, rng: random.Random) -> None:
    """Propose one legal-or-not exchange the way the search does, check it, maybe apply it."""
    cp = state.cp
    r = rng.choice(state.free)
    u = rng.choice(state.movable[r])
    a = state.tab[r][cp.units[u][0]]
    b = rng.choice([t for t in cp.available[r] if t != a])
    ux, uy = [u], []
    if rng.random() < 0.6 and state.units_at[r][b]:
        uy = [rng.choice(state.units_at[r][b])]
    xs = [p for w in ux for p in cp.units[w]]
    ys = [p for w in uy for p in cp.units[w]]
    d = state.delta(r, a, b, xs, ys)
    if len(xs) == len(ys) == 1 and not state.in_cluster[xs[0]] and not state.in_cluster[ys[0]]:
        fast = state.swap_delta(r, xs[0], ys[0], a, b)
        assert (fast is None) == (d is None)
        if d is not None and fast is not None:
            assert fast == pytest.approx(d, abs=1e-9)
    if d is None:
        return
    before = state.cost
    state.apply(r, a, b, ux, uy, d)
    assert state.full_cost() == pytest.approx(before + d, abs=1e-6)


@pytest.mark.parametrize("seed", range(6))
def test_incremental_cost_equals_full_recomputation(
    seed: int,
    check_plan: CheckPlan,
    random_problem: RandomProblem,
) -> None:
    problem = random_problem(200 + seed, n=40)
    cp = compile_problem(problem)
    rng = random.Random(seed)
    seats = [seat_round(cp, r, rng) for r in range(cp.rounds)]
    # A re-balance-like state too: moving away from a made-up "original" seat costs.
    original = [list(row) for row in seats] if seed % 2 else None
    state = State(cp, seats, range(cp.rounds), Weights(mixing=1.3, balance=7.0, move=2.5),
                  original)
    for _ in range(1500):
        _random_step(state, rng)
    assert state.cost == pytest.approx(state.full_cost(), abs=1e-6)
    assert state.met == state.recount_meetings()
    assert state.repeats == [sum(1 for m in row if m > 1) for row in state.met]
    assert sorted(state.conflicted) == [p for p in range(cp.n) if state.repeats[p]]
    # The state is still a legal plan after all those steps.
    plan = to_plan(cp, state.seats())
    assert check_plan(problem, plan) == []


def test_quality_matches_an_independent_computation(figures: Figures) -> None:
    rng = random.Random(1)
    pool = [Person(f"p{i}", {"a": rng.choice("xyz"), "b": rng.choice("uv")}) for i in range(23)]
    problem = Problem(pool, rounds=3, table_size=5,
                      diversify=[Attribute("a"), Attribute("b", weight=3.0)])
    result = allocate(problem, iterations=5_000)
    want = figures(result.plan, pool, ["a", "b"])
    got = result.quality
    assert got.repeat_pairs == want["repeat_pairs"]
    assert got.max_meetings == want["max_meetings"]
    assert got.mixing == want["mixing"]
    assert got.mean_l1 == pytest.approx(want["mean_l1"])
    assert got == evaluate(result.plan, pool, problem.diversify)


def test_a_plan_edited_by_hand_is_judged_and_checked(figures: Figures) -> None:
    pool = [Person(f"p{i}", {"a": "xy"[i % 2]}) for i in range(8)]
    problem = Problem(pool, rounds=2, n_tables=2, diversify=[Attribute("a")],
                      constraints=Constraints(pins=(Pin("p0", 0),), apart=(("p1", "p3"),)))
    edited = Plan.from_lists([
        [["p0", "p2", "p4", "p6"], ["p1", "p3", "p5", "p7"]],
        [["p1", "p2", "p4", "p6", "p7"], ["p0", "p3", "p5"]],
    ])
    quality = evaluate(edited, pool, problem.diversify)
    want = figures(edited, pool, ["a"])
    assert (quality.repeat_pairs, quality.max_meetings) == (want["repeat_pairs"],
                                                             want["max_meetings"])
    assert quality.mean_l1 == pytest.approx(want["mean_l1"])
    assert quality.mean_l1 == pytest.approx((1 + 1 + 0.2 + 1 / 3) / 4)
    problems = violations(problem, edited)
    assert any("p1 and p3 must sit apart but share table 2 in round 1" in v for v in problems)
    assert any("p0 is pinned to table 1 but sits at table 2 in round 2" in v for v in problems)
    assert any("differ by more than one" in v for v in problems)


def test_cancel_returns_the_best_legal_plan_so_far(
    check_plan: CheckPlan,
    random_problem: RandomProblem,
) -> None:
    problem = random_problem(11, n=40)
    calls = 0

    def cancel() -> bool:
        nonlocal calls
        calls += 1
        return calls > 20

    result = allocate(problem, iterations=10_000_000, cancel=cancel)
    assert result.stopped == "cancelled"
    assert 0 < result.iterations < 10_000
    assert check_plan(problem, result.plan) == []
    assert result.quality == evaluate(result.plan, problem.people, problem.diversify)


def test_a_time_limit_stops_early_with_a_legal_plan(
    check_plan: CheckPlan,
    random_problem: RandomProblem,
) -> None:
    problem = random_problem(12, n=40)
    result = allocate(problem, iterations=50_000_000, time_limit=0.2)
    assert result.stopped == "time limit"
    assert check_plan(problem, result.plan) == []


def test_progress_reports_rising_fractions_and_ends_with_the_result(
    random_problem: RandomProblem,
) -> None:
    problem = random_problem(13, n=40)
    seen: list[Progress] = []
    result = allocate(problem, iterations=60_000, progress=seen.append)
    fractions = [p.fraction for p in seen]
    assert fractions == sorted(fractions)
    assert 10 <= len(seen) <= 60
    assert fractions[-1] == 1.0
    assert seen[-1].best == result.quality


def test_search_improves_on_the_first_seating(random_problem: RandomProblem) -> None:
    problem = random_problem(14, n=45)
    start = allocate(problem, iterations=0).quality
    end = allocate(problem, iterations=40_000).quality
    assert end.mixing < start.mixing or end.balance < start.balance


def test_unavailable_tables_stay_empty_and_the_rest_fill_evenly(check_plan: CheckPlan) -> None:
    pool = [Person(f"p{i}", {"a": "xy"[i % 2]}) for i in range(30)]
    problem = Problem(pool, rounds=3, n_tables=6, diversify=[Attribute("a")],
                      constraints=Constraints(unavailable=(Unavailable(0, 1), Unavailable(5, 1),
                                                           Unavailable(2, 2))))
    plan = allocate(problem, iterations=10_000).plan
    assert [len(t) for t in plan.rounds[1]] == [0, 8, 7, 7, 8, 0] or sorted(
        len(t) for t in plan.rounds[1]) == [0, 0, 7, 7, 8, 8]
    assert plan.rounds[2][2] == ()
    assert sorted(len(t) for t in plan.rounds[2]) == [0, 6, 6, 6, 6, 6]
    assert check_plan(problem, plan) == []


def test_clusters_use_as_few_tables_as_fit() -> None:
    pool = [Person(f"p{i}", {"lang": "cy" if i < 11 else "en", "a": "xy"[i % 2]})
            for i in range(48)]
    from facilitator.tables import Cluster

    problem = Problem(pool, rounds=3, table_size=8, diversify=[Attribute("a")],
                      constraints=Constraints(clusters=(Cluster("lang", "cy"),)))
    plan = allocate(problem, iterations=20_000).plan
    for tables in plan.rounds:
        with_welsh = [t for t, table in enumerate(tables)
                      if any(pid in table for pid in (f"p{i}" for i in range(11)))]
        assert len(with_welsh) == 2


def test_index_round_trip(random_problem: RandomProblem) -> None:
    problem = random_problem(15, n=20)
    cp = compile_problem(problem)
    rng = random.Random(0)
    seats = [seat_round(cp, r, rng) for r in range(cp.rounds)]
    plan = to_plan(cp, seats)
    assert [[[cp.ids[p] for p in t] for t in tables] for tables in index_rounds(cp, seats)] == \
        plan.as_lists()


def test_same_plan_in_another_process_with_other_string_hashing() -> None:
    """Nothing may depend on set or dict order of strings, which changes per process."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import json\n"
        "from facilitator.tables import *\n"
        "people = [Person(f'id{i}', {'a': 'xyz'[i % 3], 'lang': 'cy' if i % 7 == 0 else 'en'})"
        " for i in range(30)]\n"
        "c = Constraints(clusters=(Cluster('lang', 'cy'),), apart=(('id1', 'id2'),),"
        " together=(('id3', 'id4'), ('id4', 'id5')), pins=(Pin('id6', 1),))\n"
        "p = Problem(people, rounds=3, table_size=6, diversify=[Attribute('a')], constraints=c)\n"
        "print(json.dumps(allocate(p, seed=5, iterations=20000).plan.as_lists()))\n"
    )
    root = Path(__file__).resolve().parents[3]
    plans = []
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             cwd=root, env=env, check=True)
        plans.append(json.loads(out.stdout))
    assert plans[0] == plans[1]
