"""Table plans in the event file (queries and ops): settings, allocation, hand edits, locks,
re-balance.

Plans are read back from the file and checked against the rules and figures recomputed
independently (the ``check_plan`` and ``figures`` fixtures), never with the module's own
checker alone. A refused command must leave the file exactly as it was.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from facilitator.changes import HasChanges, changes_of
from facilitator.clock import FakeClock
from facilitator.people import (
    Participant,
    check_in,
    import_people,
    list_participants,
    parse_people,
    undo_check_in,
)
from facilitator.store import SCHEMA_VERSION, EventStore
from facilitator.tables import (
    Attribute,
    Cluster,
    Constraints,
    Person,
    Pin,
    Plan,
    Problem,
    Unavailable,
    ops,
    plans,
    queries,
)

CheckPlan = Callable[..., list[str]]
Figures = Callable[[Plan, list[Person], list[str]], dict[str, float]]
STEPS = 20_000


def people_csv(path: Path, n: int = 40, seed: int = 1) -> Path:
    rng = random.Random(seed)
    lines = ["ID,Name,Role,Gender,Area,Language,Age"]
    for i in range(n):
        role = "facilitator" if i >= n - 3 else "participant"
        lines.append(f"P{i:03d},Person {i:03d},{role},{rng.choice(['Woman', 'Man', 'Man'])},"
                     f"{rng.choice(['North', 'South', 'East'])},"
                     f"{'Welsh' if i % 9 == 0 else 'English'},{rng.randint(16, 90)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def event(store: EventStore, tmp_path: Path) -> EventStore:
    import_people(store, parse_people(people_csv(tmp_path / "people.csv")), actor="test")
    for person in list_participants(store):
        if person.ext_id not in ("P005", "P006", "P007"):  # three are late
            check_in(store, person.id, actor="test")
    return store


def by_ext(store: EventStore) -> dict[str, Participant]:
    return {p.ext_id: p for p in list_participants(store, include_removed=True)}


def snapshot(store: EventStore) -> tuple[object, ...]:
    """Everything a table command may touch, to prove a refused one touched nothing."""
    return (
        [tuple(r) for r in store.query("SELECT * FROM table_plans ORDER BY id")],
        [tuple(r) for r in store.query("SELECT * FROM table_seats ORDER BY 1, 2, 3")],
        store.meta(queries.SETTINGS_KEY), store.meta(queries.CURRENT_KEY),
        store.query_one("SELECT count(*) FROM audit_log")[0],
    )


def settings(**kw: object) -> plans.TableSettings:
    base = plans.TableSettings(rounds=3, table_size=6, attributes=(
        plans.AttributeChoice("Gender"), plans.AttributeChoice("Area", 2.0)))
    return replace(base, **kw)  # type: ignore[arg-type]


def engine_view(store: EventStore, plan: plans.StoredPlan) -> tuple[Problem, Plan, list[Person]]:
    """The stored plan in the engine's terms, rebuilt from raw rows (not plan_view)."""
    people = by_ext(store)
    rows = store.query("SELECT round, participant_id, table_index FROM table_seats "
                       "WHERE plan_id = ?", (plan.id,))
    grid: list[list[list[str]]] = [[[] for _t in range(plan.tables)]
                                   for _r in range(plan.rounds)]
    ext = {p.id: p.ext_id for p in people.values()}
    for row in rows:
        grid[row["round"]][row["table_index"]].append(ext[row["participant_id"]])
    seated = sorted({pid for table in grid[-1] for pid in table})
    persons = [Person(e, dict(people[e].attributes)) for e in seated]
    rules = queries.settings(store).rules
    pid_ext = {p.id: p.ext_id for p in people.values()}
    here = set(seated)

    def pairs(source: tuple[tuple[int, int], ...]) -> tuple[tuple[str, str], ...]:
        return tuple((pid_ext[a], pid_ext[b]) for a, b in source
                     if pid_ext[a] in here and pid_ext[b] in here)

    constraints = Constraints(
        pins=tuple(Pin(pid_ext[p.participant_id], p.table,
                       None if p.rounds is None else frozenset(p.rounds)) for p in rules.pins
                   if pid_ext[p.participant_id] in here),
        apart=pairs(rules.apart), together=pairs(rules.together),
        clusters=tuple(Cluster(a, v) for a, v in rules.clusters),
        unavailable=tuple(Unavailable(t, r) for t, r in rules.closed))
    problem = Problem(persons, rounds=plan.rounds, n_tables=plan.tables,
                      diversify=[Attribute(a.name) for a in plan.settings.attributes],
                      constraints=constraints)
    return problem, Plan.from_lists(grid), persons


def test_the_schema_has_the_plan_tables(store: EventStore) -> None:
    assert store.schema_version() == SCHEMA_VERSION
    names = {r["name"] for r in store.query("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"table_plans", "table_seats"} <= names


def test_default_settings_pick_columns_with_few_values(event: EventStore) -> None:
    chosen = [a.name for a in queries.settings(event).attributes]
    assert chosen == ["Gender", "Area", "Language"]  # Age has too many distinct values


def test_settings_round_trip_and_a_refusal_changes_nothing(event: EventStore) -> None:
    wanted = settings(seed=7, rules=plans.SeatingRules(
        pins=(plans.PinRule(1, 0, (0, 2)),), apart=((2, 3),), together=((4, 5),),
        clusters=(("Language", "Welsh"),), closed=((1, 2),)))
    assert ops.save_settings(event, wanted, actor="test").tables
    assert queries.settings(event) == wanted
    before = snapshot(event)
    for bad in (settings(rounds=0), settings(table_size=None), settings(table_size=1),
                settings(attributes=(plans.AttributeChoice("Gender", -1.0),)),
                settings(rules=plans.SeatingRules(apart=((3, 3),)))):
        with pytest.raises(plans.TablesError):
            ops.save_settings(event, bad, actor="test")
    assert snapshot(event) == before
    # Saving the same again changes nothing.
    assert not ops.save_settings(event, wanted, actor="test").any


def test_allocate_stores_every_round_with_settings_and_figures(
    event: EventStore, check_plan: CheckPlan, figures: Figures
) -> None:
    ops.save_settings(event, settings(), actor="test")
    saved = ops.allocate_and_save(event, iterations=STEPS, actor="test")
    job = saved.job
    plan = queries.current_plan(event)
    assert plan is not None and plan.id == saved.plan_id and saved.previous_id is None
    here = [p for p in list_participants(event) if p.present and p.role == "participant"]
    assert len(job.problem.people) == len(here) == 34
    assert plan.rounds == 3 and plan.tables == 6  # ceil(34 / 6)
    problem, engine_plan, persons = engine_view(event, plan)
    assert check_plan(problem, engine_plan) == []
    expected = figures(engine_plan, persons, ["Gender", "Area"])
    assert plan.quality.repeat_pairs == expected["repeat_pairs"]
    assert plan.quality.max_meetings == expected["max_meetings"]
    assert plan.quality.mixing == expected["mixing"]
    assert plan.quality.mean_l1 == pytest.approx(expected["mean_l1"])
    # The plan remembers what was asked and how the search went.
    assert plan.settings == settings()
    assert plan.result["iterations"] == STEPS and plan.result["stopped"] == "finished"
    assert plan.reference > 0
    audit = event.query_one("SELECT action, object_id, new FROM audit_log "
                            "WHERE action = 'allocate_tables'")
    assert audit is not None and audit["object_id"] == str(plan.id)
    assert json.loads(audit["new"])["settings"]["table_size"] == 6


def test_same_seed_same_plan(event: EventStore, tmp_path: Path, clock: FakeClock) -> None:
    ops.save_settings(event, settings(seed=11), actor="test")
    ops.allocate_and_save(event, iterations=STEPS, actor="test")
    ops.allocate_and_save(event, iterations=STEPS, actor="test")
    plans = queries.list_plans(event)
    assert [p.id for p in plans] == [1, 2]
    assert queries.get_plan(event, 1).seats == queries.get_plan(event, 2).seats
    ops.save_settings(event, settings(seed=12), actor="test")
    ops.allocate_and_save(event, iterations=STEPS, actor="test")
    assert queries.get_plan(event, 3).seats != queries.get_plan(event, 1).seats


def test_rules_by_participant_are_kept_and_facilitators_pinned_are_seated(
    event: EventStore, check_plan: CheckPlan
) -> None:
    people = by_ext(event)
    facilitator = people["P039"]
    assert facilitator.role == "facilitator"
    rules = plans.SeatingRules(
        pins=(plans.PinRule(facilitator.id, 2), plans.PinRule(people["P001"].id, 0, (1,)),
              plans.PinRule(people["P005"].id, 1)),  # P005 is not here: left out with a note
        apart=((people["P002"].id, people["P003"].id),),
        together=((people["P004"].id, people["P008"].id),),
        clusters=(("Language", "Welsh"),), closed=((5, 0),))
    ops.save_settings(event, settings(rules=rules), actor="test")
    job = ops.allocate_and_save(event, iterations=STEPS, actor="test").job
    assert any("P005" in note for note in job.notes)
    plan = queries.current_plan(event)
    assert plan is not None
    assert all(plan.table_of(facilitator.id, r) == 2 for r in range(3))
    assert plan.table_of(people["P001"].id, 1) == 0
    assert plan.seats[0][5] == ()  # table 6 closed in round 1
    for r in range(3):
        assert plan.table_of(people["P002"].id, r) != plan.table_of(people["P003"].id, r)
        assert plan.table_of(people["P004"].id, r) == plan.table_of(people["P008"].id, r)
    problem, engine_plan, _persons = engine_view(event, plan)
    assert check_plan(problem, engine_plan) == []
    assert queries.check_plan(event, plan) == []


def test_impossible_rules_are_refused_with_a_reason_and_nothing_saved(
    event: EventStore
) -> None:
    people = by_ext(event)
    pins = tuple(plans.PinRule(people[f"P0{i:02d}"].id, 0) for i in range(10, 18))
    ops.save_settings(event, settings(rules=plans.SeatingRules(pins=pins)), actor="test")
    before = snapshot(event)
    with pytest.raises(plans.TablesError, match="pinned to table 1"):
        queries.prepare_allocation(event)
    ops.save_settings(event, settings(rules=plans.SeatingRules(
        apart=((people["P010"].id, people["P011"].id),),
        together=((people["P010"].id, people["P011"].id),))), actor="test")
    with pytest.raises(plans.TablesError, match=r"Person 010 \(P010\) and Person 011 \(P011\)"):
        queries.prepare_allocation(event)
    assert snapshot(event)[:2] == before[:2]


def test_moves_swaps_and_locks_by_hand(event: EventStore, figures: Figures) -> None:
    ops.save_settings(event, settings(), actor="test")
    ops.allocate_and_save(event, iterations=STEPS, actor="test")
    plan = queries.current_plan(event)
    assert plan is not None
    a, b = plan.seats[1][0][0], plan.seats[1][1][0]
    changes = ops.move_person(event, plan.id, 1, a, 1, actor="test")
    assert changes.tables and changes.participant_ids == {a}
    moved = queries.get_plan(event, plan.id)
    assert moved.table_of(a, 1) == 1 and moved.edits == 1
    assert moved.seats[0] == plan.seats[0] and moved.seats[2] == plan.seats[2]
    _problem, engine_plan, persons = engine_view(event, moved)
    assert moved.quality.mean_l1 == pytest.approx(
        figures(engine_plan, persons, ["Gender", "Area"])["mean_l1"])
    ops.move_person(event, plan.id, 1, a, 0, actor="test")  # back
    ops.swap_people(event, plan.id, 1, a, b, actor="test")
    swapped = queries.get_plan(event, plan.id)
    assert swapped.table_of(a, 1) == 1 and swapped.table_of(b, 1) == 0
    # Same table: nothing to do.
    assert not ops.swap_people(event, plan.id, 1, a, a, actor="test").any

    ops.set_locked(event, plan.id, 1, a, True, actor="test")
    before = snapshot(event)
    with pytest.raises(plans.TablesError, match="locked to table 2 in round 2"):
        ops.move_person(event, plan.id, 1, a, 3, actor="test")
    with pytest.raises(plans.TablesError, match="locked"):
        ops.swap_people(event, plan.id, 1, b, a, actor="test")
    with pytest.raises(plans.TablesError, match="no table 99"):
        ops.move_person(event, plan.id, 1, b, 98, actor="test")
    assert snapshot(event) == before
    ops.set_locked(event, plan.id, 1, a, False, actor="test")
    ops.move_person(event, plan.id, 1, a, 3, actor="test")
    actions = [r["action"] for r in event.query("SELECT action FROM audit_log")]
    assert actions.count("move_seat") == 3 and actions.count("swap_seats") == 1
    assert actions.count("lock_seat") == 1 and actions.count("unlock_seat") == 1


def test_a_pinned_person_and_a_closed_table_refuse_moves(event: EventStore) -> None:
    people = by_ext(event)
    pinned = people["P020"].id
    ops.save_settings(event, settings(rules=plans.SeatingRules(pins=(plans.PinRule(pinned, 3),),
                                                           closed=((4, 1),))), actor="test")
    ops.allocate_and_save(event, iterations=STEPS, actor="test")
    plan = queries.current_plan(event)
    assert plan is not None
    with pytest.raises(plans.TablesError, match="pinned to table 4"):
        ops.move_person(event, plan.id, 0, pinned, 0, actor="test")
    someone = plan.seats[1][0][0]
    with pytest.raises(plans.TablesError, match="not in use in round 2"):
        ops.move_person(event, plan.id, 1, someone, 4, actor="test")


def test_hand_edits_can_break_rules_and_the_plan_says_which(event: EventStore) -> None:
    people = by_ext(event)
    ops.save_settings(event, settings(rules=plans.SeatingRules(
        apart=((people["P010"].id, people["P011"].id),))), actor="test")
    ops.allocate_and_save(event, iterations=STEPS, actor="test")
    plan = queries.current_plan(event)
    assert plan is not None
    table = plan.table_of(people["P011"].id, 0)
    assert table is not None
    ops.move_person(event, plan.id, 0, people["P010"].id, table, actor="test")
    problems = queries.check_plan(event, queries.get_plan(event, plan.id))
    assert any("must sit apart" in p for p in problems)
    assert any("differ by more than one" in p for p in problems)


def test_only_the_current_plan_can_be_edited_and_plans_can_be_switched(
    event: EventStore
) -> None:
    ops.save_settings(event, settings(), actor="test")
    ops.allocate_and_save(event, iterations=STEPS, actor="test")
    ops.save_settings(event, settings(seed=5), actor="test")
    saved = ops.allocate_and_save(event, iterations=STEPS, actor="test")
    old = queries.get_plan(event, 1)
    with pytest.raises(plans.TablesError, match="current plan"):
        ops.move_person(event, 1, 0, old.seats[0][0][0], 1, actor="test")
    assert ops.set_current_plan(event, saved.previous_id, actor="test").tables
    assert queries.current_plan_id(event) == 1
    assert not ops.set_current_plan(event, 1, actor="test").any
    with pytest.raises(plans.TablesError):
        ops.set_current_plan(event, 99, actor="test")


def test_rebalance_seats_latecomers_keeps_done_rounds_and_locks(
    event: EventStore, check_plan: CheckPlan
) -> None:
    ops.save_settings(event, settings(), actor="test")
    ops.allocate_and_save(event, iterations=STEPS, actor="test")
    plan = queries.current_plan(event)
    assert plan is not None
    people = by_ext(event)
    locked = plan.seats[2][0][0]
    ops.set_locked(event, plan.id, 2, locked, True, actor="test")
    plan = queries.get_plan(event, plan.id)
    for ext in ("P005", "P006", "P007"):
        check_in(event, people[ext].id, actor="test")
    leavers = [people["P020"], people["P021"]]
    for person in leavers:
        undo_check_in(event, person.id, actor="test")
    drift = queries.drift(event, plan)
    assert sorted(p.ext_id for p in drift.arrived) == ["P005", "P006", "P007"]
    assert sorted(p.ext_id for p in drift.departed) == ["P020", "P021"]

    job = queries.prepare_rebalance(event, 1)
    outcome = queries.run_rebalance(job)
    saved = ops.save_rebalance(event, job, outcome, actor="test")
    new = queries.get_plan(event, saved.plan_id)
    assert new.kind == "rebalance" and new.parent_id == plan.id and new.from_round == 1
    assert new.seats[0] == plan.seats[0]  # round 1 is done: untouched
    for r in (1, 2):
        seated = {p for t in new.seats[r] for p in t}
        assert {people[e].id for e in ("P005", "P006", "P007")} <= seated
        assert not {p.id for p in leavers} & seated
    assert new.table_of(locked, 2) == plan.table_of(locked, 2) and (2, locked) in new.locked
    new_seats = {m.participant_id for m in new.moves if m.from_table is None}
    assert new_seats == {people[e].id for e in ("P005", "P006", "P007")}
    for move in new.moves:
        assert new.table_of(move.participant_id, move.round) == move.to_table
        if move.from_table is not None:
            assert plan.table_of(move.participant_id, move.round) == move.from_table
    assert set(new.result["departed"]) == {p.id for p in leavers}
    problem, engine_plan, _persons = engine_view(event, new)
    assert check_plan(problem, engine_plan, from_round=1) == []
    assert not queries.drift(event, new).any
    # The sheets' view knows who moved and who is new.
    view = queries.plan_view(event)
    marks = {(r, s.participant_id): (s.moved_from, s.new)
             for r, tables in enumerate(view.rounds) for t in tables for s in t.seats}
    assert all(marks[(1, pid)][1] for pid in new_seats)


def test_a_plan_that_changed_meanwhile_is_not_overwritten(event: EventStore) -> None:
    ops.save_settings(event, settings(), actor="test")
    ops.allocate_and_save(event, iterations=STEPS, actor="test")
    job = queries.prepare_rebalance(event, 0)
    outcome = queries.run_rebalance(job, iterations=1000)
    ops.allocate_and_save(event, iterations=1000, actor="test")  # someone allocated again meanwhile
    before = snapshot(event)
    with pytest.raises(plans.TablesError, match="changed while"):
        ops.save_rebalance(event, job, outcome, actor="test")
    assert snapshot(event) == before


def test_plan_json_uses_the_lists_ids(event: EventStore) -> None:
    ops.save_settings(event, settings(), actor="test")
    ops.allocate_and_save(event, iterations=STEPS, actor="test")
    plan = queries.current_plan(event)
    assert plan is not None
    data = queries.plan_json(event, plan)
    assert len(data["rounds"]) == 3 and len(data["rounds"][0]) == 6
    seated = sorted(pid for table in data["rounds"][0] for pid in table)
    assert seated == sorted(p.ext_id for p in list_participants(event)
                            if p.present and p.role == "participant")
    assert data["metrics"]["repeat_pairs"] == plan.quality.repeat_pairs
    assert data["metrics"]["l1_ratio"] == pytest.approx(plan.quality.mean_l1 / plan.reference)


def test_nobody_to_seat_is_a_clear_error(store: EventStore, tmp_path: Path) -> None:
    import_people(store, parse_people(people_csv(tmp_path / "p.csv", n=10)), actor="test")
    with pytest.raises(plans.TablesError, match="no participant is checked in"):
        queries.prepare_allocation(store, settings())
    ops.save_settings(store, settings(scope="all"), actor="test")
    job = ops.allocate_and_save(store, iterations=1000, actor="test").job
    assert len(job.problem.people) == 7  # the three facilitators are not pinned


def test_every_op_names_its_actor_in_the_audit_log(event: EventStore) -> None:
    """Issue 12: the audit actor is filled by every tables op (it was by none)."""
    people = by_ext(event)
    assert ops.save_settings(event, settings(), actor="desk 2").tables
    allocated = ops.allocate_and_save(event, iterations=1000, actor="desk 2")
    assert changes_of(allocated).tables and isinstance(allocated, HasChanges)
    assert allocated.job.problem.people and allocated.outcome.allocation.plan.rounds
    plan = queries.current_plan(event)
    assert plan is not None and plan.id == allocated.plan_id
    a, b = plan.seats[0][0][0], plan.seats[0][1][0]
    ops.move_person(event, plan.id, 0, a, 2, actor="desk 2")
    ops.swap_people(event, plan.id, 0, a, b, actor="desk 2")
    ops.set_locked(event, plan.id, 0, a, True, actor="desk 2")
    check_in(event, people["P005"].id, actor="test")
    job = queries.prepare_rebalance(event, 1)
    saved = ops.save_rebalance(event, job, queries.run_rebalance(job, iterations=500),
                               actor="desk 2")
    assert ops.set_current_plan(event, saved.previous_id, actor="desk 2").tables
    job = queries.prepare_allocation(event)
    ops.save_allocation(event, job, queries.run_allocation(job, iterations=500),
                        actor="desk 2")
    rows = event.query("SELECT action, actor FROM audit_log WHERE object_type = 'table_plan' "
                       "OR action = 'table_settings' ORDER BY id")
    assert [r["action"] for r in rows] == [
        "table_settings", "allocate_tables", "move_seat", "swap_seats", "lock_seat",
        "rebalance_tables", "current_table_plan", "allocate_tables"]
    assert {r["actor"] for r in rows} == {"desk 2"}


def test_plan_view_holds_locks_marks_meetings_and_values(event: EventStore) -> None:
    """One fact, one function: the page and the sheets show what plan_view says, so its
    locks, re-balance marks, repeat meetings and column values are checked here against
    the raw rows."""
    people = by_ext(event)
    ops.save_settings(event, settings(rounds=4, table_size=5, attributes=(
        plans.AttributeChoice("Gender"), plans.AttributeChoice("Age", bins=3))), actor="test")
    ops.allocate_and_save(event, iterations=2000, actor="test")
    first = queries.current_plan(event)
    assert first is not None
    locked = first.seats[2][0][0]
    ops.set_locked(event, first.id, 2, locked, True, actor="test")
    for ext in ("P005", "P006"):
        check_in(event, people[ext].id, actor="test")
    job = queries.prepare_rebalance(event, 1)
    ops.save_rebalance(event, job, queries.run_rebalance(job, iterations=2000), actor="test")
    view = queries.plan_view(event)
    row = event.query_one("SELECT id, result FROM table_plans ORDER BY id DESC LIMIT 1")
    assert row is not None and view.plan_id == row["id"]
    seats = event.query("SELECT round, participant_id, table_index, locked FROM table_seats "
                        "WHERE plan_id = ?", (row["id"],))
    where = {(s["round"], s["participant_id"]): s["table_index"] for s in seats}
    locks = {(s["round"], s["participant_id"]) for s in seats if s["locked"]}
    moves = {(r, pid): f for pid, r, f, _t in json.loads(row["result"])["moves"]}
    attrs = {p.id: p.attributes for p in people.values()}
    names = {p.id: p.name for p in people.values()}
    assert (2, locked) in locks
    marks = set()
    shown = 0
    for r, tables in enumerate(view.rounds):
        for table in tables:
            for seat in table.seats:
                key = (r, seat.participant_id)
                shown += 1
                assert where[key] == table.index
                assert seat.locked == (key in locks)
                assert seat.moved_from == moves.get(key)
                assert seat.new == (key in moves and moves[key] is None)
                marks.add(seat.mark)
                # Meets again: the others at this table who share a table in another round.
                expected = {}
                for other in (p for (rr, p), t in where.items() if rr == r and t == table.index):
                    together = [rr for rr in range(4) if (rr, other) in where
                                and where.get((rr, seat.participant_id)) == where[(rr, other)]]
                    if other != seat.participant_id and len(together) > 1:
                        expected[other] = (names[other], tuple(together))
                assert {m.participant_id: (m.name, m.rounds) for m in seat.meets_again} \
                    == expected
                # Column values as the cards colour them: Gender as is, Age in three bands.
                gender, age = (view.labels[a][c] for a, c in enumerate(seat.categories))
                assert gender == attrs[seat.participant_id]["Gender"]
                low, high = (float(x) for x in age.split("–"))
                assert low <= float(attrs[seat.participant_id]["Age"]) <= high
            assert table.repeat_pairs == sum(len(s.meets_again) for s in table.seats) // 2
    assert shown == len(where)
    assert {"new", ""} <= marks
    assert view.attributes == ("Gender", "Age") and len(view.labels[1]) == 3
    assert view.moves and view.tables == 7 and view.edits == 0
