"""Table plans in the event file: settings, allocation, hand edits, locks, re-balance.

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
)
from facilitator.tables import store as ts

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
    import_people(store, parse_people(people_csv(tmp_path / "people.csv")))
    for person in list_participants(store):
        if person.ext_id not in ("P005", "P006", "P007"):  # three are late
            check_in(store, person.id)
    return store


def by_ext(store: EventStore) -> dict[str, Participant]:
    return {p.ext_id: p for p in list_participants(store, include_removed=True)}


def snapshot(store: EventStore) -> tuple[object, ...]:
    """Everything a table command may touch, to prove a refused one touched nothing."""
    return (
        [tuple(r) for r in store.query("SELECT * FROM table_plans ORDER BY id")],
        [tuple(r) for r in store.query("SELECT * FROM table_seats ORDER BY 1, 2, 3")],
        store.meta(ts.SETTINGS_KEY), store.meta(ts.CURRENT_KEY),
        store.query_one("SELECT count(*) FROM audit_log")[0],
    )


def settings(**kw: object) -> ts.TableSettings:
    base = ts.TableSettings(rounds=3, table_size=6, attributes=(
        ts.AttributeChoice("Gender"), ts.AttributeChoice("Area", 2.0)))
    return replace(base, **kw)  # type: ignore[arg-type]


def engine_view(store: EventStore, plan: ts.StoredPlan) -> tuple[Problem, Plan, list[Person]]:
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
    rules = ts.load_settings(store).rules
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
    chosen = [a.name for a in ts.load_settings(event).attributes]
    assert chosen == ["Gender", "Area", "Language"]  # Age has too many distinct values


def test_settings_round_trip_and_a_refusal_changes_nothing(event: EventStore) -> None:
    wanted = settings(seed=7, rules=ts.SeatingRules(
        pins=(ts.PinRule(1, 0, (0, 2)),), apart=((2, 3),), together=((4, 5),),
        clusters=(("Language", "Welsh"),), closed=((1, 2),)))
    assert ts.save_settings(event, wanted).tables
    assert ts.load_settings(event) == wanted
    before = snapshot(event)
    for bad in (settings(rounds=0), settings(table_size=None), settings(table_size=1),
                settings(attributes=(ts.AttributeChoice("Gender", -1.0),)),
                settings(rules=ts.SeatingRules(apart=((3, 3),)))):
        with pytest.raises(ts.TablesError):
            ts.save_settings(event, bad)
    assert snapshot(event) == before
    assert not ts.save_settings(event, wanted).any  # saving the same again changes nothing


def test_allocate_stores_every_round_with_settings_and_figures(
    event: EventStore, check_plan: CheckPlan, figures: Figures
) -> None:
    ts.save_settings(event, settings())
    saved, job, _outcome = ts.allocate_and_save(event, iterations=STEPS)
    plan = ts.current_plan(event)
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
    ts.save_settings(event, settings(seed=11))
    ts.allocate_and_save(event, iterations=STEPS)
    ts.allocate_and_save(event, iterations=STEPS)
    plans = ts.list_plans(event)
    assert [p.id for p in plans] == [1, 2]
    assert ts.get_plan(event, 1).seats == ts.get_plan(event, 2).seats
    ts.save_settings(event, settings(seed=12))
    ts.allocate_and_save(event, iterations=STEPS)
    assert ts.get_plan(event, 3).seats != ts.get_plan(event, 1).seats


def test_rules_by_participant_are_kept_and_facilitators_pinned_are_seated(
    event: EventStore, check_plan: CheckPlan
) -> None:
    people = by_ext(event)
    facilitator = people["P039"]
    assert facilitator.role == "facilitator"
    rules = ts.SeatingRules(
        pins=(ts.PinRule(facilitator.id, 2), ts.PinRule(people["P001"].id, 0, (1,)),
              ts.PinRule(people["P005"].id, 1)),  # P005 is not here: left out with a note
        apart=((people["P002"].id, people["P003"].id),),
        together=((people["P004"].id, people["P008"].id),),
        clusters=(("Language", "Welsh"),), closed=((5, 0),))
    ts.save_settings(event, settings(rules=rules))
    _saved, job, _outcome = ts.allocate_and_save(event, iterations=STEPS)
    assert any("P005" in note for note in job.notes)
    plan = ts.current_plan(event)
    assert plan is not None
    assert all(plan.table_of(facilitator.id, r) == 2 for r in range(3))
    assert plan.table_of(people["P001"].id, 1) == 0
    assert plan.seats[0][5] == ()  # table 6 closed in round 1
    for r in range(3):
        assert plan.table_of(people["P002"].id, r) != plan.table_of(people["P003"].id, r)
        assert plan.table_of(people["P004"].id, r) == plan.table_of(people["P008"].id, r)
    problem, engine_plan, _persons = engine_view(event, plan)
    assert check_plan(problem, engine_plan) == []
    assert ts.check_plan(event, plan) == []


def test_impossible_rules_are_refused_with_a_reason_and_nothing_saved(
    event: EventStore
) -> None:
    people = by_ext(event)
    pins = tuple(ts.PinRule(people[f"P0{i:02d}"].id, 0) for i in range(10, 18))
    ts.save_settings(event, settings(rules=ts.SeatingRules(pins=pins)))
    before = snapshot(event)
    with pytest.raises(ts.TablesError, match="pinned to table 1"):
        ts.prepare_allocation(event)
    ts.save_settings(event, settings(rules=ts.SeatingRules(
        apart=((people["P010"].id, people["P011"].id),),
        together=((people["P010"].id, people["P011"].id),))))
    with pytest.raises(ts.TablesError, match=r"Person 010 \(P010\) and Person 011 \(P011\)"):
        ts.prepare_allocation(event)
    assert snapshot(event)[:2] == before[:2]


def test_moves_swaps_and_locks_by_hand(event: EventStore, figures: Figures) -> None:
    ts.save_settings(event, settings())
    ts.allocate_and_save(event, iterations=STEPS)
    plan = ts.current_plan(event)
    assert plan is not None
    a, b = plan.seats[1][0][0], plan.seats[1][1][0]
    changes = ts.move_person(event, plan.id, 1, a, 1)
    assert changes.tables and changes.participant_ids == {a}
    moved = ts.get_plan(event, plan.id)
    assert moved.table_of(a, 1) == 1 and moved.edits == 1
    assert moved.seats[0] == plan.seats[0] and moved.seats[2] == plan.seats[2]
    _problem, engine_plan, persons = engine_view(event, moved)
    assert moved.quality.mean_l1 == pytest.approx(
        figures(engine_plan, persons, ["Gender", "Area"])["mean_l1"])
    ts.move_person(event, plan.id, 1, a, 0)  # back
    ts.swap_people(event, plan.id, 1, a, b)
    swapped = ts.get_plan(event, plan.id)
    assert swapped.table_of(a, 1) == 1 and swapped.table_of(b, 1) == 0
    assert not ts.swap_people(event, plan.id, 1, a, a).any  # same table: nothing to do

    ts.set_locked(event, plan.id, 1, a, True)
    before = snapshot(event)
    with pytest.raises(ts.TablesError, match="locked to table 2 in round 2"):
        ts.move_person(event, plan.id, 1, a, 3)
    with pytest.raises(ts.TablesError, match="locked"):
        ts.swap_people(event, plan.id, 1, b, a)
    with pytest.raises(ts.TablesError, match="no table 99"):
        ts.move_person(event, plan.id, 1, b, 98)
    assert snapshot(event) == before
    ts.set_locked(event, plan.id, 1, a, False)
    ts.move_person(event, plan.id, 1, a, 3)
    actions = [r["action"] for r in event.query("SELECT action FROM audit_log")]
    assert actions.count("move_seat") == 3 and actions.count("swap_seats") == 1
    assert actions.count("lock_seat") == 1 and actions.count("unlock_seat") == 1


def test_a_pinned_person_and_a_closed_table_refuse_moves(event: EventStore) -> None:
    people = by_ext(event)
    pinned = people["P020"].id
    ts.save_settings(event, settings(rules=ts.SeatingRules(pins=(ts.PinRule(pinned, 3),),
                                                           closed=((4, 1),))))
    ts.allocate_and_save(event, iterations=STEPS)
    plan = ts.current_plan(event)
    assert plan is not None
    with pytest.raises(ts.TablesError, match="pinned to table 4"):
        ts.move_person(event, plan.id, 0, pinned, 0)
    someone = plan.seats[1][0][0]
    with pytest.raises(ts.TablesError, match="not in use in round 2"):
        ts.move_person(event, plan.id, 1, someone, 4)


def test_hand_edits_can_break_rules_and_the_plan_says_which(event: EventStore) -> None:
    people = by_ext(event)
    ts.save_settings(event, settings(rules=ts.SeatingRules(
        apart=((people["P010"].id, people["P011"].id),))))
    ts.allocate_and_save(event, iterations=STEPS)
    plan = ts.current_plan(event)
    assert plan is not None
    table = plan.table_of(people["P011"].id, 0)
    assert table is not None
    ts.move_person(event, plan.id, 0, people["P010"].id, table)
    problems = ts.check_plan(event, ts.get_plan(event, plan.id))
    assert any("must sit apart" in p for p in problems)
    assert any("differ by more than one" in p for p in problems)


def test_only_the_current_plan_can_be_edited_and_plans_can_be_switched(
    event: EventStore
) -> None:
    ts.save_settings(event, settings())
    ts.allocate_and_save(event, iterations=STEPS)
    ts.save_settings(event, settings(seed=5))
    saved, _job, _out = ts.allocate_and_save(event, iterations=STEPS)
    old = ts.get_plan(event, 1)
    with pytest.raises(ts.TablesError, match="current plan"):
        ts.move_person(event, 1, 0, old.seats[0][0][0], 1)
    assert ts.set_current_plan(event, saved.previous_id).tables
    assert ts.current_plan_id(event) == 1
    assert not ts.set_current_plan(event, 1).any
    with pytest.raises(ts.TablesError):
        ts.set_current_plan(event, 99)


def test_rebalance_seats_latecomers_keeps_done_rounds_and_locks(
    event: EventStore, check_plan: CheckPlan
) -> None:
    ts.save_settings(event, settings())
    ts.allocate_and_save(event, iterations=STEPS)
    plan = ts.current_plan(event)
    assert plan is not None
    people = by_ext(event)
    locked = plan.seats[2][0][0]
    ts.set_locked(event, plan.id, 2, locked, True)
    plan = ts.get_plan(event, plan.id)
    for ext in ("P005", "P006", "P007"):
        check_in(event, people[ext].id)
    leavers = [people["P020"], people["P021"]]
    for person in leavers:
        undo_check_in(event, person.id)
    drift = ts.drift(event, plan)
    assert sorted(p.ext_id for p in drift.arrived) == ["P005", "P006", "P007"]
    assert sorted(p.ext_id for p in drift.departed) == ["P020", "P021"]

    job = ts.prepare_rebalance(event, 1)
    outcome = ts.run_rebalance(job)
    saved = ts.save_rebalance(event, job, outcome)
    new = ts.get_plan(event, saved.plan_id)
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
    assert not ts.drift(event, new).any
    # The sheets' view knows who moved and who is new.
    view = ts.plan_view(event)
    marks = {(r, s.participant_id): (s.moved_from, s.new)
             for r, tables in enumerate(view.rounds) for t in tables for s in t.seats}
    assert all(marks[(1, pid)][1] for pid in new_seats)


def test_a_plan_that_changed_meanwhile_is_not_overwritten(event: EventStore) -> None:
    ts.save_settings(event, settings())
    ts.allocate_and_save(event, iterations=STEPS)
    job = ts.prepare_rebalance(event, 0)
    outcome = ts.run_rebalance(job, iterations=1000)
    ts.allocate_and_save(event, iterations=1000)  # someone allocated again meanwhile
    before = snapshot(event)
    with pytest.raises(ts.TablesError, match="changed while"):
        ts.save_rebalance(event, job, outcome)
    assert snapshot(event) == before


def test_plan_json_uses_the_lists_ids(event: EventStore) -> None:
    ts.save_settings(event, settings())
    ts.allocate_and_save(event, iterations=STEPS)
    plan = ts.current_plan(event)
    assert plan is not None
    data = ts.plan_json(event, plan)
    assert len(data["rounds"]) == 3 and len(data["rounds"][0]) == 6
    seated = sorted(pid for table in data["rounds"][0] for pid in table)
    assert seated == sorted(p.ext_id for p in list_participants(event)
                            if p.present and p.role == "participant")
    assert data["metrics"]["repeat_pairs"] == plan.quality.repeat_pairs
    assert data["metrics"]["l1_ratio"] == pytest.approx(plan.quality.mean_l1 / plan.reference)


def test_nobody_to_seat_is_a_clear_error(store: EventStore, tmp_path: Path) -> None:
    import_people(store, parse_people(people_csv(tmp_path / "p.csv", n=10)))
    with pytest.raises(ts.TablesError, match="no participant is checked in"):
        ts.prepare_allocation(store, settings())
    ts.save_settings(store, settings(scope="all"))
    _saved, job, _out = ts.allocate_and_save(store, iterations=1000)
    assert len(job.problem.people) == 7  # the three facilitators are not pinned
