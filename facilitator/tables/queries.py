"""Reading table plans from the event file: settings, plans, views, and what a search needs.

Nothing here writes. The engine (:mod:`facilitator.tables.search`) knows nothing of the event
file; this module turns the participant list and the saved settings into a
:class:`~facilitator.tables.model.Problem`. The slow part is split out so the GUI can run it
off its thread: :func:`prepare_allocation` reads (GUI thread), :func:`run_allocation` searches
(any thread, touches no database), :func:`facilitator.tables.ops.save_allocation` writes (GUI
thread). The same three steps exist for re-balancing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, cast

from facilitator.clock import from_iso
from facilitator.i18n import _
from facilitator.people import Participant, attribute_columns, list_participants
from facilitator.store import EventStore
from facilitator.store.db import Row
from facilitator.tables.compiled import encode
from facilitator.tables.model import (
    AllocationError,
    Attribute,
    Cluster,
    Constraints,
    Person,
    Pin,
    Plan,
    Problem,
    Unavailable,
)
from facilitator.tables.plans import (
    AttributeChoice,
    Drift,
    Meeting,
    PersonRow,
    PlanSummary,
    PlanView,
    Seat,
    SeatingRules,
    StoredPlan,
    TablesError,
    TableSettings,
    TableView,
    check_settings,
    metrics_json,
    quality_from_json,
)
from facilitator.tables.quality import PlanQuality, evaluate, reference_mean_l1, violations
from facilitator.tables.rebalance import Rebalance, rebalance
from facilitator.tables.search import (
    TRADEOFFS,
    Allocation,
    CancelFn,
    ProgressFn,
    Tradeoff,
    allocate,
)
from facilitator.text import fold

SETTINGS_KEY = "tables_settings"
CURRENT_KEY = "tables_current_plan"


# -- settings ---------------------------------------------------------------------------------


def default_settings(store: EventStore) -> TableSettings:
    """Before anything was saved: tables of 8, 3 rounds, every column with a few values."""
    people = [p for p in list_participants(store) if p.role == "participant"]
    chosen = []
    for column in attribute_columns(store):
        values = {p.attributes.get(column, "").strip() for p in people} - {""}
        if 2 <= len(values) <= 12:
            chosen.append(AttributeChoice(column))
    return TableSettings(attributes=tuple(chosen))


def settings(store: EventStore) -> TableSettings:
    data = store.meta_json(SETTINGS_KEY)
    if not data:
        return default_settings(store)
    return TableSettings.from_json(data)


# -- who is seated ----------------------------------------------------------------------------


def label(person: Participant) -> str:
    """The engine's id for a person: readable in its messages, unique by the list's ID."""
    return f"{person.name} ({person.ext_id})"


def pool(store: EventStore, settings: TableSettings) -> list[Participant]:
    """The people to seat: participants here (or all but no-shows), and anyone a rule names.

    Facilitators, experts and staff are seated only when a pin or a keep-together pair
    names them (a table facilitator pinned to a table, a carer kept with a participant).
    """
    named = {p.participant_id for p in settings.rules.pins}
    named |= {pid for pair in settings.rules.together for pid in pair}
    out = []
    for person in list_participants(store):
        if person.status == "no_show":
            continue
        if settings.scope == "checked_in" and not person.present:
            continue
        if person.role == "participant" or person.id in named:
            out.append(person)
    return out


def _person(p: Participant) -> Person:
    return Person(label(p), dict(p.attributes))


def _everyone(store: EventStore) -> dict[int, Participant]:
    return {p.id: p for p in list_participants(store, include_removed=True)}


def _constraints(
    rules: SeatingRules,
    here: Mapping[int, str],
    names: Mapping[int, str],
    rounds: int,
    tables: int,
) -> tuple[Constraints, list[str]]:
    """Engine constraints for the people ``here`` (id → label), and notes on what was left out.

    A rule about someone who is not being seated cannot apply and is left out with a note;
    so is a round or table the plan does not have.
    """
    notes: list[str] = []

    def who(pid: int) -> str:
        return names.get(pid, _("participant {id}").format(id=pid))

    pins = []
    for pin in rules.pins:
        if pin.participant_id not in here:
            notes.append(_("The pin for {name} was left out: they are not being seated.")
                         .format(name=who(pin.participant_id)))
            continue
        if pin.table >= tables:
            notes.append(_("The pin of {name} to table {t} was left out: there are {n} tables.")
                         .format(name=who(pin.participant_id), t=pin.table + 1, n=tables))
            continue
        kept = None if pin.rounds is None else frozenset(r for r in pin.rounds if r < rounds)
        if kept is not None and not kept:
            continue
        pins.append(Pin(here[pin.participant_id], pin.table, kept))
    pairs: dict[str, list[tuple[str, str]]] = {"apart": [], "together": []}
    for kind, source in (("apart", rules.apart), ("together", rules.together)):
        for a, b in source:
            if a in here and b in here:
                pairs[kind].append((here[a], here[b]))
            else:
                missing = who(a) if a not in here else who(b)
                notes.append(_("The pair {a} and {b} was left out: {who} is not being seated.")
                             .format(a=who(a), b=who(b), who=missing))
    unavailable = [Unavailable(t, r) for t, r in rules.closed if t < tables and r < rounds]
    constraints = Constraints(
        pins=tuple(pins),
        clusters=tuple(Cluster(a, v) for a, v in rules.clusters),
        apart=tuple(pairs["apart"]),
        together=tuple(pairs["together"]),
        unavailable=tuple(unavailable),
    )
    return constraints, notes


def _locks_as_pins(
    plan: StoredPlan, here: Mapping[int, str], constraints: Constraints, *, rounds: int,
    tables: int, from_round: int = 0,
) -> tuple[Constraints, frozenset[tuple[int, int]]]:
    """Seats locked in ``plan`` as one-round pins, and which (round, id) locks were kept.

    A lock is kept for someone being seated, in a round and at a table the new plan has,
    unless a pin already places them in that round.
    """
    pinned = {(r, pin.person) for pin in constraints.pins
              for r in range(rounds) if pin.applies(r)}
    extra, locks = [], set()
    for r, pid in sorted(plan.locked):
        table = plan.table_of(pid, r) if r < plan.rounds else None
        if r < from_round or r >= rounds or pid not in here or table is None \
                or table >= tables or (r, here[pid]) in pinned:
            continue
        extra.append(Pin(here[pid], table, frozenset({r})))
        locks.add((r, pid))
    return replace(constraints, pins=constraints.pins + tuple(extra)), frozenset(locks)


# -- plans as stored ----------------------------------------------------------------------------


def _row_to_plan(store: EventStore, row: Row) -> StoredPlan:
    rounds, tables = int(row["rounds"]), int(row["tables"])
    grid: list[list[list[int]]] = [[[] for _t in range(tables)] for _r in range(rounds)]
    locked: set[tuple[int, int]] = set()
    for seat in store.query(
            "SELECT round, participant_id, table_index, locked FROM table_seats "
            "WHERE plan_id = ? ORDER BY round, table_index, participant_id", (row["id"],)):
        r, pid, t = int(seat["round"]), int(seat["participant_id"]), int(seat["table_index"])
        if r < rounds and t < tables:
            grid[r][t].append(pid)
        if seat["locked"]:
            locked.add((r, pid))
    return StoredPlan(
        id=int(row["id"]),
        created_at=from_iso(row["created_at"]),
        kind=str(row["kind"]),
        parent_id=None if row["parent_id"] is None else int(row["parent_id"]),
        rounds=rounds,
        tables=tables,
        seats=tuple(tuple(tuple(t) for t in rnd) for rnd in grid),
        locked=frozenset(locked),
        settings=TableSettings.from_json(json.loads(row["settings"])),
        quality=quality_from_json(json.loads(row["quality"])),
        result=json.loads(row["result"]),
        edits=int(row["edits"]),
    )


_PLAN_COLUMNS = "id, created_at, kind, parent_id, rounds, tables, settings, quality, result, edits"


def get_plan(store: EventStore, plan_id: int) -> StoredPlan:
    row = store.query_one(f"SELECT {_PLAN_COLUMNS} FROM table_plans WHERE id = ?", (plan_id,))
    if row is None:
        raise TablesError(_("There is no table plan number {id}.").format(id=plan_id))
    return _row_to_plan(store, row)


def current_plan_id(store: EventStore) -> int | None:
    value = store.meta(CURRENT_KEY)
    return int(value) if value else None


def current_plan(store: EventStore) -> StoredPlan | None:
    """The plan the Tables page shows and the sheets print, or ``None`` before the first."""
    plan_id = current_plan_id(store)
    return None if plan_id is None else get_plan(store, plan_id)


def list_plans(store: EventStore) -> list[PlanSummary]:
    """Every plan made for this event, oldest first."""
    out = []
    for row in store.query(
            "SELECT p.id, p.created_at, p.kind, p.rounds, p.tables, p.quality, p.edits, "
            "(SELECT count(DISTINCT participant_id) FROM table_seats s WHERE s.plan_id = p.id) "
            "AS people FROM table_plans p ORDER BY p.id"):
        out.append(PlanSummary(int(row["id"]), from_iso(row["created_at"]), str(row["kind"]),
                               int(row["rounds"]), int(row["tables"]), int(row["people"]),
                               quality_from_json(json.loads(row["quality"])),
                               int(row["edits"])))
    return out


def plan_quality(store: EventStore, plan: StoredPlan) -> PlanQuality:
    """The figures of a plan as it is now (after hand edits), the same way the search scores."""
    everyone = _everyone(store)
    people = [Person(str(pid), dict(everyone[pid].attributes) if pid in everyone else {})
              for pid in plan.people()]
    engine = Plan(tuple(tuple(tuple(str(p) for p in table) for table in rnd)
                        for rnd in plan.seats))
    return evaluate(engine, people, plan.settings.diversify())


def check_plan(store: EventStore, plan: StoredPlan) -> list[str]:
    """The rules the plan breaks now (after hand edits, or rules added since), as sentences.

    Only rounds the plan seated for the current room are checked (from a re-balance's first
    round on); someone who arrived or left since is reported by :func:`drift`, not here.
    """
    everyone = _everyone(store)
    names = {pid: label(p) for pid, p in everyone.items()}
    seated = [pid for pid in dict.fromkeys(p for table in plan.seats[-1] for p in table)
              if pid in everyone]
    here = {pid: names[pid] for pid in seated}
    rules = settings(store).rules
    constraints, _notes = _constraints(rules, here, names, plan.rounds, plan.tables)
    try:
        problem = Problem([_person(everyone[pid]) for pid in seated], rounds=plan.rounds,
                          n_tables=plan.tables, diversify=plan.settings.diversify(),
                          constraints=constraints)
    except AllocationError as exc:
        return [exc.message]
    if not seated:
        return []
    last = set(seated)
    rounds: list[tuple[tuple[str, ...], ...]] = []
    for r, rnd in enumerate(plan.seats):
        if r < plan.from_round:
            rounds.append(tuple(() for _t in rnd))
            continue
        # Earlier rounds of a re-balanced plan seated people who have left since.
        rounds.append(tuple(tuple(names[p] for p in table if p in last) for table in rnd))
    return violations(problem, Plan(tuple(rounds)), from_round=plan.from_round)


# -- allocating -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AllocationJob:
    """Everything a search needs, read from the event file; safe to hand to a thread."""

    settings: TableSettings
    problem: Problem
    ids: Mapping[str, int]
    """Engine id (label) → participant id."""
    notes: tuple[str, ...]
    locks: frozenset[tuple[int, int]]
    """(round, participant id) of locked seats carried over from the current plan."""


@dataclass(frozen=True)
class AllocationOutcome:
    allocation: Allocation
    seconds: float
    reference: float


def prepare_allocation(
    store: EventStore, chosen: TableSettings | None = None, *, keep_locks: bool = True
) -> AllocationJob:
    """Read the people and rules for a new plan; refused with a clear message if impossible.

    Seats locked in the current plan stay where they are (as pins for that round) when
    ``keep_locks``.
    """
    table_settings = chosen or settings(store)
    check_settings(table_settings)
    people = pool(store, table_settings)
    if not people:
        raise TablesError(
            _("No one to seat: no participant is checked in yet.") if table_settings.scope ==
            "checked_in" else _("No one to seat: the participant list is empty."))
    names = {pid: label(p) for pid, p in _everyone(store).items()}
    here = {p.id: label(p) for p in people}
    tables = table_settings.table_count(len(people))
    constraints, notes = _constraints(table_settings.rules, here, names,
                                      table_settings.rounds, tables)
    locks: frozenset[tuple[int, int]] = frozenset()
    current = current_plan(store) if keep_locks else None
    if current is not None and current.locked:
        constraints, locks = _locks_as_pins(current, here, constraints,
                                            rounds=table_settings.rounds, tables=tables)
    try:
        problem = Problem(
            [_person(p) for p in people], rounds=table_settings.rounds,
            n_tables=tables, diversify=table_settings.diversify(), constraints=constraints)
    except AllocationError as exc:
        raise TablesError(exc.message) from exc
    return AllocationJob(table_settings, problem, {v: k for k, v in here.items()}, tuple(notes),
                         locks)


def run_allocation(
    job: AllocationJob,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    iterations: int | None = None,
    time_limit: float | None = None,
) -> AllocationOutcome:
    """The search itself: no database, so it may run on any thread.

    ``time_limit`` defaults to the settings' ``search_seconds``; the trade-off between
    balance and new faces is the settings' too.
    """
    started = time.perf_counter()
    if time_limit is None:
        time_limit = job.settings.search_seconds
    allocation = allocate(job.problem, seed=job.settings.seed, iterations=iterations,
                          time_limit=time_limit, progress=progress, cancel=cancel,
                          tradeoff=_tradeoff(job.settings.tradeoff))
    seconds = time.perf_counter() - started
    return AllocationOutcome(allocation, seconds, reference_mean_l1(job.problem))


def _tradeoff(name: str) -> Tradeoff:
    if name not in TRADEOFFS:
        raise TablesError(_("Unknown choice between balance and new faces: {name}.").format(
            name=name))
    return cast(Tradeoff, name)


# -- re-balancing -----------------------------------------------------------------------------


def drift(store: EventStore, plan: StoredPlan) -> Drift:
    """Latecomers (to be seated, not in the plan's last round) and leavers (seated, gone)."""
    settings_now = replace(plan.settings, rules=settings(store).rules)
    now = {p.id: p for p in pool(store, settings_now)}
    last = {pid for table in plan.seats[-1] for pid in table}
    everyone = _everyone(store)
    arrived = tuple(sorted((p for pid, p in now.items() if pid not in last),
                           key=lambda p: fold(p.name)))
    departed = tuple(sorted((everyone[pid] for pid in last if pid not in now and pid in everyone),
                            key=lambda p: fold(p.name)))
    return Drift(arrived, departed)


@dataclass(frozen=True)
class RebalanceJob:
    plan_id: int
    from_round: int
    settings: TableSettings
    problem: Problem
    plan: Plan
    former: tuple[Person, ...]
    ids: Mapping[str, int]
    notes: tuple[str, ...]
    locks: frozenset[tuple[int, int]]


@dataclass(frozen=True)
class RebalanceOutcome:
    result: Rebalance
    seconds: float
    reference: float


def prepare_rebalance(store: EventStore, from_round: int, plan: StoredPlan | None = None
                      ) -> RebalanceJob:
    """Re-seat rounds ``from_round`` on for the room as it is now, keeping the tables.

    The plan's rounds, tables, columns and seed stay; the rules are the ones saved now (a
    keep-apart pair added since is honoured). Locked seats stay put.
    """
    plan = plan or current_plan(store)
    if plan is None:
        raise TablesError(_("There is no plan to re-balance yet: allocate tables first."))
    if not 0 <= from_round < plan.rounds:
        raise TablesError(_("There is no round {n} in this plan.").format(n=from_round + 1))
    settings_now = replace(plan.settings, rules=settings(store).rules)
    people = pool(store, settings_now)
    if not people:
        raise TablesError(_("No one to seat: no participant is checked in."))
    everyone = _everyone(store)
    names = {pid: label(p) for pid, p in everyone.items()}
    here = {p.id: label(p) for p in people}
    constraints, notes = _constraints(settings_now.rules, here, names, plan.rounds, plan.tables)
    constraints, locks = _locks_as_pins(plan, here, constraints, rounds=plan.rounds,
                                        tables=plan.tables, from_round=from_round)
    former_ids = [pid for pid in plan.people() if pid not in here and pid in everyone]
    former = tuple(_person(everyone[pid]) for pid in former_ids)
    try:
        problem = Problem([_person(p) for p in people], rounds=plan.rounds,
                          n_tables=plan.tables, diversify=settings_now.diversify(),
                          constraints=constraints)
    except AllocationError as exc:
        raise TablesError(exc.message) from exc
    engine_plan = Plan(tuple(tuple(tuple(names[pid] for pid in table) for table in rnd)
                             for rnd in plan.seats))
    ids = {names[pid]: pid for pid in [*here, *former_ids]}
    return RebalanceJob(plan.id, from_round, settings_now, problem, engine_plan, former, ids,
                        tuple(notes), locks)


def run_rebalance(
    job: RebalanceJob,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    iterations: int | None = None,
    time_limit: float | None = None,
) -> RebalanceOutcome:
    """The re-balancing search: no database, any thread."""
    started = time.perf_counter()
    result = rebalance(job.problem, job.plan, from_round=job.from_round, former=job.former,
                       seed=job.settings.seed, iterations=iterations, time_limit=time_limit,
                       progress=progress, cancel=cancel)
    return RebalanceOutcome(result, time.perf_counter() - started,
                            reference_mean_l1(job.problem, job.from_round))


# -- views for the page, the sheets and PLAN.json --------------------------------------------------


def _categories(plan: StoredPlan, everyone: Mapping[int, Participant]
                ) -> tuple[dict[int, tuple[int, ...]], tuple[tuple[str, ...], ...]]:
    """Each person's value (or band) per mirrored column, numbered as the engine does."""
    ids = plan.people()
    people = [Person(str(pid), dict(everyone[pid].attributes) if pid in everyone else {})
              for pid in ids]
    attributes = [Attribute(a.name, 1.0, a.bins) for a in plan.settings.attributes]
    if not attributes or not people:
        return {pid: () for pid in ids}, tuple(() for _a in attributes)
    try:
        cats, labels = encode(people, attributes)
    except AllocationError:
        # A column edited since into something that is not a number: show its raw values.
        cats, labels = encode(people, [Attribute(a.name) for a in attributes])
    return ({pid: tuple(row) for pid, row in zip(ids, cats, strict=True)},
            tuple(tuple(x) for x in labels))


def _meetings(plan: StoredPlan) -> dict[tuple[int, int], list[int]]:
    """(smaller id, larger id) → every round the two share a table."""
    met: dict[tuple[int, int], list[int]] = {}
    for r, rnd in enumerate(plan.seats):
        for table in rnd:
            members = sorted(table)
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    met.setdefault((a, b), []).append(r)
    return met


def plan_view(store: EventStore, plan: StoredPlan | None = None) -> PlanView:
    """The plan with names, locks, re-balance marks, repeat meetings and column values."""
    plan = plan or current_plan(store)
    if plan is None:
        raise TablesError(_("There is no table plan yet: allocate tables first."))
    everyone = _everyone(store)
    moved_from: dict[tuple[int, int], int | None] = {
        (m.round, m.participant_id): m.from_table for m in plan.moves}
    categories, labels = _categories(plan, everyone)
    met = _meetings(plan)

    def name(pid: int) -> str:
        p = everyone.get(pid)
        return p.name if p else str(pid)

    # What every seat of a person shares, worked out once per person (1,000 people seated
    # over 6 rounds are 6,000 seats).
    ids = plan.people()
    order = {pid: (fold(name(pid)), everyone[pid].ext_id if pid in everyone else "")
             for pid in ids}
    who = {pid: (name(pid), p.ext_id, p.role, p.badge_code, dict(p.attributes))
           if (p := everyone.get(pid)) else (name(pid), "", "", "", {}) for pid in ids}

    def meets_again(pid: int, table: tuple[int, ...]) -> tuple[Meeting, ...]:
        out = []
        for other in table:
            rounds_met = met.get((pid, other) if pid < other else (other, pid), ())
            if len(rounds_met) > 1:
                out.append(Meeting(other, who[other][0], tuple(rounds_met)))
        return tuple(out)

    rounds = []
    for r, rnd in enumerate(plan.seats):
        closed = plan.closed(r)
        tables = []
        for t, table in enumerate(rnd):
            seats = []
            for pid in sorted(table, key=order.__getitem__):
                key = (r, pid)
                seats.append(Seat(
                    pid, *who[pid], locked=key in plan.locked, moved_from=moved_from.get(key),
                    new=key in moved_from and moved_from[key] is None,
                    categories=categories.get(pid, ()), meets_again=meets_again(pid, table)))
            tables.append(TableView(t, tuple(seats), t in closed and not seats))
        rounds.append(tuple(tables))
    people = []
    moved_rounds: dict[int, set[int]] = {}
    for m in plan.moves:
        if m.from_table is not None:
            moved_rounds.setdefault(m.participant_id, set()).add(m.round)
    seating = [plan.seating(r) for r in range(plan.rounds)]
    for pid in sorted(ids, key=order.__getitem__):
        tables_of = tuple(None if pid not in s else s[pid] + 1 for s in seating)
        people.append(PersonRow(pid, *who[pid][:4], tables_of,
                                frozenset(moved_rounds.get(pid, set()))))
    return PlanView(
        event_name=store.name, plan_id=plan.id, kind=plan.kind, created_at=plan.created_at,
        rounds=tuple(rounds), attributes=tuple(a.name for a in plan.settings.attributes),
        people=tuple(people), quality=plan.quality, reference=plan.reference,
        from_round=plan.from_round, moved=len(plan.result.get("moved_people", [])),
        edits=plan.edits, moves=tuple(plan.moves), labels=labels,
    )


def plan_json(store: EventStore, plan: StoredPlan) -> dict[str, Any]:
    """PLAN.json: ``rounds`` of tables of the list's IDs, and the plan's figures."""
    ext = {pid: p.ext_id for pid, p in _everyone(store).items()}
    return {
        "rounds": [[[ext.get(pid, str(pid)) for pid in table] for table in rnd]
                   for rnd in plan.seats],
        "metrics": metrics_json(plan.quality, plan.reference, plan.result),
        "settings": plan.settings.to_json(),
    }
