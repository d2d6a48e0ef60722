"""Property tests (hypothesis): whatever the room and its rules, a returned plan keeps them all,
and hand edits stored in the event file never lose or duplicate a seat.

Rules are drawn at random, so some rooms are impossible; the property is that the allocator
then refuses with a reason (:class:`AllocationError`) before searching, and otherwise returns
a plan that the independent checker (``check_plan`` fixture) finds no fault with.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from facilitator.clock import FakeClock
from facilitator.people import check_in, import_people, list_participants, parse_people
from facilitator.store import EventStore
from facilitator.tables import (
    AllocationError,
    Attribute,
    Cluster,
    Constraints,
    Person,
    Pin,
    Plan,
    Problem,
    Unavailable,
    allocate,
    ops,
    plans,
    queries,
    rebalance,
)

# Keep hypothesis's own files out of the work tree.
set_hypothesis_home_dir(str(Path(tempfile.gettempdir()) / "facilitator-hypothesis"))

CheckPlan = Callable[..., list[str]]
Figures = Callable[[Plan, list[Person], list[str]], dict[str, float]]
FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


@st.composite
def rooms(draw: st.DrawFn) -> Problem:
    n = draw(st.integers(4, 40))
    size = draw(st.integers(2, 8))
    rounds = draw(st.integers(1, 4))
    colours = draw(st.lists(st.sampled_from("abcd"), min_size=n, max_size=n))
    ages = draw(st.lists(st.integers(16, 90), min_size=n, max_size=n))
    people = [Person(f"p{i}", {"colour": c, "age": str(a), "lang": "cy" if i % 7 == 0 else "en"})
              for i, (c, a) in enumerate(zip(colours, ages, strict=True))]
    ids = [p.id for p in people]
    tables = -(-n // size)
    person = st.sampled_from(ids)
    pins = draw(st.lists(st.builds(
        Pin, person, st.integers(0, tables - 1),
        st.one_of(st.none(), st.frozensets(st.integers(0, rounds - 1), min_size=1))),
        max_size=4))
    pair = st.tuples(person, person).filter(lambda p: p[0] != p[1])
    apart = draw(st.lists(pair, max_size=4))
    together = draw(st.lists(pair, max_size=3))
    closed = draw(st.lists(st.builds(Unavailable, st.integers(0, tables - 1),
                                     st.integers(0, rounds - 1)), max_size=2))
    clusters = (Cluster("lang", "cy"),) if draw(st.booleans()) else ()
    return Problem(people, rounds=rounds, table_size=size,
                   diversify=[Attribute("colour"), Attribute("age", bins=3)],
                   constraints=Constraints(pins=tuple(pins), apart=tuple(apart),
                                           together=tuple(together), unavailable=tuple(closed),
                                           clusters=clusters))


@settings(max_examples=100, deadline=None, suppress_health_check=FIXTURES, database=None)
@given(data=st.data(), seed=st.integers(0, 1000))
def test_every_returned_plan_keeps_every_rule(data: st.DataObject, seed: int,
                                              check_plan: CheckPlan, figures: Figures) -> None:
    try:
        problem = data.draw(rooms())
    except AllocationError:
        return  # refused with a reason before any search: the other half of the property
    try:
        result = allocate(problem, seed=seed, iterations=3000)
    except AllocationError:
        return  # construction found it impossible (e.g. a cluster that cannot fit)
    assert check_plan(problem, result.plan) == []
    expected = figures(result.plan, list(problem.people), ["colour"])
    assert result.quality.repeat_pairs == expected["repeat_pairs"]
    assert result.quality.max_meetings == expected["max_meetings"]
    again = allocate(problem, seed=seed, iterations=3000)
    assert again.plan == result.plan  # same seed, same plan


@settings(max_examples=25, deadline=None, suppress_health_check=FIXTURES, database=None)
@given(data=st.data(), seed=st.integers(0, 1000))
def test_rebalance_keeps_the_rules_and_the_rounds_done(data: st.DataObject, seed: int,
                                                       check_plan: CheckPlan) -> None:
    try:
        problem = data.draw(rooms())
        if problem.rounds < 2 or len(problem.people) < 6:
            return
        plan = allocate(problem, seed=seed, iterations=1500).plan
        leaving = {problem.people[0].id}
        named = {p.person for p in problem.constraints.pins} | {
            x for pair in (*problem.constraints.apart, *problem.constraints.together)
            for x in pair}
        if leaving & named:
            return
        late = [Person(f"late{i}", {"colour": "a", "age": "40", "lang": "en"}) for i in range(2)]
        now = Problem([p for p in problem.people if p.id not in leaving] + late,
                      rounds=problem.rounds, n_tables=problem.tables,
                      diversify=problem.diversify, constraints=problem.constraints)
        result = rebalance(now, plan, from_round=1,
                           former=[p for p in problem.people if p.id in leaving],
                           seed=seed, iterations=1500)
    except AllocationError:
        return
    assert result.plan.rounds[0] == plan.rounds[0]
    assert check_plan(now, result.plan, from_round=1) == []
    assert set(result.arrived) == {"late0", "late1"}


@st.composite
def edits(draw: st.DrawFn) -> list[tuple[str, int, int, int]]:
    return draw(st.lists(st.tuples(st.sampled_from(["move", "swap", "lock", "unlock"]),
                                   st.integers(0, 2), st.integers(0, 200), st.integers(0, 200)),
                         min_size=1, max_size=25))


@settings(max_examples=15, deadline=None, suppress_health_check=FIXTURES, database=None)
@given(steps=edits())
def test_hand_edits_never_lose_a_seat(steps: list[tuple[str, int, int, int]], tmp_path_factory:
                                      object, figures: Figures) -> None:
    base = tmp_path_factory.mktemp("edits")  # type: ignore[attr-defined]
    csv = Path(base) / "p.csv"
    csv.write_text("ID,Name,Colour\n" + "\n".join(f"X{i},Name {i},{'abc'[i % 3]}"
                                                   for i in range(20)) + "\n", encoding="utf-8")
    with EventStore.create(Path(base) / "e.facilitator", "Edits", FakeClock()) as store:
        import_people(store, parse_people(csv), actor="test")
        for person in list_participants(store):
            check_in(store, person.id, actor="test")
        ops.save_settings(store, plans.TableSettings(
            rounds=3, table_size=5, attributes=(plans.AttributeChoice("Colour"),)), actor="test")
        ops.allocate_and_save(store, iterations=500, actor="test")
        plan = queries.current_plan(store)
        assert plan is not None
        everyone = sorted(plan.people())
        for kind, round_, x, y in steps:
            current = queries.get_plan(store, plan.id)
            a = everyone[x % len(everyone)]
            b = everyone[y % len(everyone)]
            try:
                if kind == "move":
                    ops.move_person(store, plan.id, round_, a, y % current.tables,
                                    actor="test")
                elif kind == "swap":
                    ops.swap_people(store, plan.id, round_, a, b, actor="test")
                else:
                    ops.set_locked(store, plan.id, round_, a, kind == "lock", actor="test")
            except plans.TablesError:
                assert queries.get_plan(store, plan.id).seats == current.seats  # refused: unchanged
        final = queries.get_plan(store, plan.id)
        for rnd in final.seats:
            assert sorted(p for table in rnd for p in table) == everyone
        ext = {p.id: p for p in list_participants(store)}
        engine = Plan(tuple(tuple(tuple(str(p) for p in t) for t in rnd) for rnd in final.seats))
        people = [Person(str(pid), dict(ext[pid].attributes)) for pid in everyone]
        expected = figures(engine, people, ["Colour"])
        assert final.quality.repeat_pairs == expected["repeat_pairs"]
        assert final.quality.mean_l1 == pytest.approx(expected["mean_l1"])
