"""Table plans in the event file: settings and constraints, plans per round, hand edits.

The engine (:mod:`facilitator.tables`) knows nothing of the event file; this module turns the
participant list and the saved settings into a :class:`~facilitator.tables.Problem`, and
the engine's plans into rows. The slow part is split out so the GUI can run it off its
thread: :func:`prepare_allocation` reads (GUI thread), :func:`run_allocation` searches
(any thread, touches no database), :func:`save_allocation` writes (GUI thread). The same
three steps exist for re-balancing.

Every plan is kept (``table_plans``), one of them is current; its seats (``table_seats``,
one row per person and round) are what the Tables page shows and the printed sheets print.
Hand edits (move, swap, lock) change the current plan's seats in place, each in one
transaction with its audit entry, and re-compute the plan's figures. A refused command
raises a :class:`TablesError` and changes nothing.

Tables and rounds are 0-based here as in the engine; people read them 1-based.
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from facilitator.changes import Changes
from facilitator.clock import from_iso, to_iso
from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.people import Participant, attribute_columns, list_participants
from facilitator.store import EventStore
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
from facilitator.tables.quality import PlanQuality, evaluate, reference_mean_l1, violations
from facilitator.tables.rebalance import Rebalance, rebalance
from facilitator.tables.search import Allocation, CancelFn, ProgressFn, allocate
from facilitator.text import fold

TABLES = Changes(tables=True)
SCOPES = ("checked_in", "all")
MAX_ROUNDS = 50
SETTINGS_KEY = "tables_settings"
CURRENT_KEY = "tables_current_plan"


class TablesError(UserError):
    """A table command was refused; nothing was changed."""


# -- settings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttributeChoice:
    """A column to mirror at every table, its weight, and bins when it is numeric."""

    name: str
    weight: float = 1.0
    bins: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "weight": self.weight, "bins": self.bins}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AttributeChoice:
        bins = data.get("bins")
        return cls(str(data["name"]), float(data.get("weight", 1.0)),
                   None if bins is None else int(bins))


@dataclass(frozen=True)
class PinRule:
    """``participant_id`` sits at ``table`` in ``rounds`` (every round when ``None``)."""

    participant_id: int
    table: int
    rounds: tuple[int, ...] | None = None

    def applies(self, round_: int) -> bool:
        return self.rounds is None or round_ in self.rounds


@dataclass(frozen=True)
class SeatingRules:
    """The room's hard rules, by participant id; turned into engine constraints per run."""

    pins: tuple[PinRule, ...] = ()
    clusters: tuple[tuple[str, str], ...] = ()
    """(column, value): everyone with that value sits at as few tables as can hold them."""
    apart: tuple[tuple[int, int], ...] = ()
    together: tuple[tuple[int, int], ...] = ()
    closed: tuple[tuple[int, int], ...] = ()
    """(table, round): that table is not in use in that round."""

    @property
    def count(self) -> int:
        return (len(self.pins) + len(self.clusters) + len(self.apart) + len(self.together)
                + len(self.closed))

    def to_json(self) -> dict[str, Any]:
        return {
            "pins": [{"participant_id": p.participant_id, "table": p.table,
                      "rounds": None if p.rounds is None else list(p.rounds)}
                     for p in self.pins],
            "clusters": [list(c) for c in self.clusters],
            "apart": [list(p) for p in self.apart],
            "together": [list(p) for p in self.together],
            "closed": [list(c) for c in self.closed],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SeatingRules:
        return cls(
            pins=tuple(
                PinRule(int(p["participant_id"]), int(p["table"]),
                        None if p.get("rounds") is None
                        else tuple(sorted({int(r) for r in p["rounds"]})))
                for p in data.get("pins", [])),
            clusters=tuple((str(a), str(v)) for a, v in data.get("clusters", [])),
            apart=tuple((int(a), int(b)) for a, b in data.get("apart", [])),
            together=tuple((int(a), int(b)) for a, b in data.get("together", [])),
            closed=tuple((int(t), int(r)) for t, r in data.get("closed", [])),
        )


@dataclass(frozen=True)
class TableSettings:
    """What the organiser asks of the next plan (saved in the event, and with each plan)."""

    rounds: int = 3
    table_size: int | None = 8
    n_tables: int | None = None
    attributes: tuple[AttributeChoice, ...] = ()
    scope: str = "checked_in"
    """``checked_in``: people who are here; ``all``: everyone on the list but no-shows."""
    seed: int = 0
    rules: SeatingRules = field(default_factory=SeatingRules)

    def to_json(self) -> dict[str, Any]:
        return {
            "rounds": self.rounds, "table_size": self.table_size, "n_tables": self.n_tables,
            "attributes": [a.to_json() for a in self.attributes], "scope": self.scope,
            "seed": self.seed, "rules": self.rules.to_json(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TableSettings:
        size = data.get("table_size")
        count = data.get("n_tables")
        return cls(
            rounds=int(data.get("rounds", 3)),
            table_size=None if size is None else int(size),
            n_tables=None if count is None else int(count),
            attributes=tuple(AttributeChoice.from_json(a) for a in data.get("attributes", [])),
            scope=str(data.get("scope", "checked_in")),
            seed=int(data.get("seed", 0)),
            rules=SeatingRules.from_json(data.get("rules", {})),
        )

    def diversify(self) -> list[Attribute]:
        return [Attribute(a.name, a.weight, a.bins) for a in self.attributes]


def default_settings(store: EventStore) -> TableSettings:
    """Before anything was saved: tables of 8, 3 rounds, every column with a few values."""
    people = [p for p in list_participants(store) if p.role == "participant"]
    chosen = []
    for column in attribute_columns(store):
        values = {p.attributes.get(column, "").strip() for p in people} - {""}
        if 2 <= len(values) <= 12:
            chosen.append(AttributeChoice(column))
    return TableSettings(attributes=tuple(chosen))


def load_settings(store: EventStore) -> TableSettings:
    data = store.meta_json(SETTINGS_KEY)
    if not data:
        return default_settings(store)
    return TableSettings.from_json(data)


def _check_settings(settings: TableSettings) -> None:
    if not 1 <= settings.rounds <= MAX_ROUNDS:
        raise TablesError(_("Choose between 1 and {n} rounds.").format(n=MAX_ROUNDS))
    if (settings.table_size is None) == (settings.n_tables is None):
        raise TablesError(_("Give either the table size or the number of tables."))
    if settings.table_size is not None and settings.table_size < 2:
        raise TablesError(_("A table must seat at least 2 people."))
    if settings.n_tables is not None and settings.n_tables < 1:
        raise TablesError(_("There must be at least one table."))
    if settings.scope not in SCOPES:
        raise TablesError(_("Unknown choice of people: {scope}.").format(scope=settings.scope))
    if settings.seed < 0:
        raise TablesError(_("The seed must be a whole number of at least 0."))
    names = [a.name for a in settings.attributes]
    if len(set(names)) != len(names):
        raise TablesError(_("A column is chosen twice."))
    for a in settings.attributes:
        if not (math.isfinite(a.weight) and a.weight >= 0):
            raise TablesError(_("The weight of {name} must be a number of at least 0.").format(
                name=a.name))
        if a.bins is not None and a.bins < 2:
            raise TablesError(_("{name} needs at least 2 bands.").format(name=a.name))
    rules = settings.rules
    for pin in rules.pins:
        if pin.table < 0 or any(r < 0 for r in pin.rounds or ()):
            raise TablesError(_("Tables and rounds are numbered from 1."))
        if pin.rounds is not None and not pin.rounds:
            raise TablesError(_("A pin needs at least one round."))
    for first, second in (*rules.apart, *rules.together):
        if first == second:
            raise TablesError(_("A pair needs two different people."))
    for table, round_ in rules.closed:
        if table < 0 or round_ < 0:
            raise TablesError(_("Tables and rounds are numbered from 1."))


def save_settings(store: EventStore, settings: TableSettings) -> Changes:
    """Save what the next plan should be; refused (and nothing saved) if it makes no sense."""
    _check_settings(settings)
    with store.transaction():
        old = store.meta_json(SETTINGS_KEY)
        new = settings.to_json()
        if old == new:
            return Changes()
        store.set_meta_json(SETTINGS_KEY, new)
        store.audit("table_settings", "event", None, old, new)
    return TABLES


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


def _table_count(settings: TableSettings, people: int) -> int:
    if settings.n_tables is not None:
        return settings.n_tables
    assert settings.table_size is not None
    return max(1, math.ceil(people / settings.table_size))


# -- plans as stored ----------------------------------------------------------------------------

Seats = tuple[tuple[tuple[int, ...], ...], ...]


def _quality_json(q: PlanQuality) -> dict[str, Any]:
    return {"mixing": q.mixing, "balance": q.balance, "repeat_pairs": q.repeat_pairs,
            "max_meetings": q.max_meetings, "mean_l1": q.mean_l1,
            "l1_by_attribute": dict(q.l1_by_attribute)}


def _quality_from(data: Mapping[str, Any]) -> PlanQuality:
    return PlanQuality(
        mixing=int(data.get("mixing", 0)), balance=float(data.get("balance", 0.0)),
        repeat_pairs=int(data.get("repeat_pairs", 0)),
        max_meetings=int(data.get("max_meetings", 0)), mean_l1=float(data.get("mean_l1", 0.0)),
        l1_by_attribute={str(k): float(v) for k, v in data.get("l1_by_attribute", {}).items()},
    )


@dataclass(frozen=True)
class SeatMove:
    """Someone the re-balance moved (``from_table`` ``None``: a latecomer given a seat)."""

    participant_id: int
    round: int
    from_table: int | None
    to_table: int


@dataclass(frozen=True)
class StoredPlan:
    """A plan as the event file holds it: ``seats[round][table]`` are participant ids."""

    id: int
    created_at: datetime
    kind: str
    parent_id: int | None
    rounds: int
    tables: int
    seats: Seats
    locked: frozenset[tuple[int, int]]
    """(round, participant id) of every locked seat."""
    settings: TableSettings
    quality: PlanQuality
    result: Mapping[str, Any]
    edits: int

    @property
    def from_round(self) -> int:
        """The first round a re-balance re-seated (0 for a fresh plan)."""
        return int(self.result.get("from_round", 0))

    @property
    def reference(self) -> float:
        return float(self.result.get("reference_mean_l1", 0.0))

    @property
    def stopped(self) -> str:
        return str(self.result.get("stopped", "finished"))

    @property
    def moves(self) -> list[SeatMove]:
        return [SeatMove(int(p), int(r), None if f is None else int(f), int(t))
                for p, r, f, t in self.result.get("moves", [])]

    def seating(self, round_: int) -> dict[int, int]:
        """Participant id → table for one round."""
        return {pid: t for t, table in enumerate(self.seats[round_]) for pid in table}

    def table_of(self, participant_id: int, round_: int) -> int | None:
        return self.seating(round_).get(participant_id)

    def people(self) -> list[int]:
        """Everyone seated in any round, in order of first appearance."""
        return list(dict.fromkeys(p for rnd in self.seats for table in rnd for p in table))

    def closed(self, round_: int) -> set[int]:
        return {t for t, r in self.settings.rules.closed if r == round_}


def _row_to_plan(store: EventStore, row: Any) -> StoredPlan:
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
        quality=_quality_from(json.loads(row["quality"])),
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


@dataclass(frozen=True)
class PlanSummary:
    id: int
    created_at: datetime
    kind: str
    rounds: int
    tables: int
    people: int
    quality: PlanQuality
    edits: int


def list_plans(store: EventStore) -> list[PlanSummary]:
    """Every plan made for this event, oldest first."""
    out = []
    for row in store.query(
            "SELECT p.id, p.created_at, p.kind, p.rounds, p.tables, p.quality, p.edits, "
            "(SELECT count(DISTINCT participant_id) FROM table_seats s WHERE s.plan_id = p.id) "
            "AS people FROM table_plans p ORDER BY p.id"):
        out.append(PlanSummary(int(row["id"]), from_iso(row["created_at"]), str(row["kind"]),
                               int(row["rounds"]), int(row["tables"]), int(row["people"]),
                               _quality_from(json.loads(row["quality"])), int(row["edits"])))
    return out


def set_current_plan(store: EventStore, plan_id: int | None) -> Changes:
    """Show (and print) another plan, e.g. to undo an allocation; ``None``: no plan."""
    with store.transaction():
        if plan_id is not None:
            get_plan(store, plan_id)
        old = current_plan_id(store)
        if old == plan_id:
            return Changes()
        if plan_id is None:
            store.execute("DELETE FROM meta WHERE key = ?", (CURRENT_KEY,))
        else:
            store.set_meta(CURRENT_KEY, str(plan_id))
        store.audit("current_table_plan", "table_plan", plan_id, {"plan": old}, {"plan": plan_id})
    return TABLES


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
    store: EventStore, settings: TableSettings | None = None, *, keep_locks: bool = True
) -> AllocationJob:
    """Read the people and rules for a new plan; refused with a clear message if impossible.

    Seats locked in the current plan stay where they are (as pins for that round) when
    ``keep_locks``.
    """
    settings = settings or load_settings(store)
    _check_settings(settings)
    people = pool(store, settings)
    if not people:
        raise TablesError(
            _("No one to seat: no participant is checked in yet.") if settings.scope ==
            "checked_in" else _("No one to seat: the participant list is empty."))
    everyone = {p.id: p for p in list_participants(store, include_removed=True)}
    names = {pid: label(p) for pid, p in everyone.items()}
    here = {p.id: label(p) for p in people}
    tables = _table_count(settings, len(people))
    constraints, notes = _constraints(settings.rules, here, names, settings.rounds, tables)
    locks: set[tuple[int, int]] = set()
    current = current_plan(store) if keep_locks else None
    if current is not None and current.locked:
        pinned = {(r, pin.person) for pin in constraints.pins
                  for r in range(settings.rounds) if pin.applies(r)}
        extra = []
        for r, pid in sorted(current.locked):
            table = current.table_of(pid, r)
            if r >= settings.rounds or pid not in here or table is None or table >= tables \
                    or (r, here[pid]) in pinned:
                continue
            extra.append(Pin(here[pid], table, frozenset({r})))
            locks.add((r, pid))
        constraints = replace(constraints, pins=constraints.pins + tuple(extra))
    try:
        problem = Problem(
            [_person(p) for p in people], rounds=settings.rounds,
            n_tables=tables, diversify=settings.diversify(), constraints=constraints)
    except AllocationError as exc:
        raise TablesError(exc.message) from exc
    return AllocationJob(settings, problem, {v: k for k, v in here.items()}, tuple(notes),
                         frozenset(locks))


def run_allocation(
    job: AllocationJob,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    iterations: int | None = None,
    time_limit: float | None = None,
) -> AllocationOutcome:
    """The search itself: no database, so it may run on any thread."""
    started = time.perf_counter()
    allocation = allocate(job.problem, seed=job.settings.seed, iterations=iterations,
                          time_limit=time_limit, progress=progress, cancel=cancel)
    seconds = time.perf_counter() - started
    return AllocationOutcome(allocation, seconds, reference_mean_l1(job.problem))


@dataclass(frozen=True)
class SavedPlan:
    changes: Changes
    plan_id: int
    previous_id: int | None


def _insert_plan(
    store: EventStore,
    *,
    kind: str,
    parent_id: int | None,
    settings: TableSettings,
    plan: Plan,
    ids: Mapping[str, int],
    quality: PlanQuality,
    result: Mapping[str, Any],
    locks: Iterable[tuple[int, int]],
) -> int:
    cursor = store.execute(
        "INSERT INTO table_plans (created_at, kind, parent_id, rounds, tables, settings, "
        "quality, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (to_iso(store.clock.now()), kind, parent_id, len(plan.rounds), len(plan.rounds[0]),
         json.dumps(settings.to_json(), ensure_ascii=False),
         json.dumps(_quality_json(quality), ensure_ascii=False),
         json.dumps(result, ensure_ascii=False)))
    plan_id = int(cursor.lastrowid or 0)
    locked = set(locks)
    store.executemany(
        "INSERT INTO table_seats (plan_id, round, participant_id, table_index, locked) "
        "VALUES (?, ?, ?, ?, ?)",
        [(plan_id, r, ids[pid], t, 1 if (r, ids[pid]) in locked else 0)
         for r, tables in enumerate(plan.rounds) for t, table in enumerate(tables)
         for pid in table])
    return plan_id


def save_allocation(store: EventStore, job: AllocationJob, outcome: AllocationOutcome
                    ) -> SavedPlan:
    """Keep the new plan and make it the current one (the previous one is kept too)."""
    a = outcome.allocation
    result = {"iterations": a.iterations, "stopped": a.stopped,
              "seconds": round(outcome.seconds, 3), "reference_mean_l1": outcome.reference,
              "notes": list(job.notes), "people": len(job.problem.people)}
    with store.transaction():
        previous = current_plan_id(store)
        plan_id = _insert_plan(store, kind="allocate", parent_id=previous, settings=job.settings,
                               plan=a.plan, ids=job.ids, quality=a.quality, result=result,
                               locks=job.locks)
        store.set_meta(CURRENT_KEY, str(plan_id))
        store.audit("allocate_tables", "table_plan", plan_id, {"current": previous},
                    {"settings": job.settings.to_json(), "quality": _quality_json(a.quality),
                     **result})
    return SavedPlan(TABLES, plan_id, previous)


def allocate_and_save(store: EventStore, settings: TableSettings | None = None, *,
                      iterations: int | None = None, time_limit: float | None = None,
                      progress: ProgressFn | None = None) -> tuple[SavedPlan, AllocationJob,
                                                                    AllocationOutcome]:
    """All three steps on one thread (the command line, tests)."""
    job = prepare_allocation(store, settings)
    outcome = run_allocation(job, iterations=iterations, time_limit=time_limit,
                             progress=progress)
    return save_allocation(store, job, outcome), job, outcome


# -- re-balancing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Drift:
    """How the room differs from the current plan: who arrived, who left since."""

    arrived: tuple[Participant, ...]
    departed: tuple[Participant, ...]

    @property
    def any(self) -> bool:
        return bool(self.arrived or self.departed)


def drift(store: EventStore, plan: StoredPlan) -> Drift:
    """Latecomers (to be seated, not in the plan's last round) and leavers (seated, gone)."""
    settings = replace(plan.settings, rules=load_settings(store).rules)
    now = {p.id: p for p in pool(store, settings)}
    last = {pid for table in plan.seats[-1] for pid in table}
    everyone = {p.id: p for p in list_participants(store, include_removed=True)}
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
    settings = replace(plan.settings, rules=load_settings(store).rules)
    people = pool(store, settings)
    if not people:
        raise TablesError(_("No one to seat: no participant is checked in."))
    everyone = {p.id: p for p in list_participants(store, include_removed=True)}
    names = {pid: label(p) for pid, p in everyone.items()}
    here = {p.id: label(p) for p in people}
    constraints, notes = _constraints(settings.rules, here, names, plan.rounds, plan.tables)
    pinned = {(r, pin.person) for pin in constraints.pins
              for r in range(plan.rounds) if pin.applies(r)}
    extra, locks = [], set()
    for r, pid in sorted(plan.locked):
        table = plan.table_of(pid, r)
        if r < from_round or pid not in here or table is None or (r, here[pid]) in pinned:
            continue
        extra.append(Pin(here[pid], table, frozenset({r})))
        locks.add((r, pid))
    constraints = replace(constraints, pins=constraints.pins + tuple(extra))
    former_ids = [pid for pid in plan.people() if pid not in here and pid in everyone]
    former = tuple(_person(everyone[pid]) for pid in former_ids)
    try:
        problem = Problem([_person(p) for p in people], rounds=plan.rounds,
                          n_tables=plan.tables, diversify=settings.diversify(),
                          constraints=constraints)
    except AllocationError as exc:
        raise TablesError(exc.message) from exc
    engine_plan = Plan(tuple(tuple(tuple(names[pid] for pid in table) for table in rnd)
                             for rnd in plan.seats))
    ids = {names[pid]: pid for pid in [*here, *former_ids]}
    return RebalanceJob(plan.id, from_round, settings, problem, engine_plan, former, ids,
                        tuple(notes), frozenset(locks))


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


def save_rebalance(store: EventStore, job: RebalanceJob, outcome: RebalanceOutcome
                   ) -> SavedPlan:
    """Keep the re-balanced plan as a new current plan that remembers who moved."""
    res = outcome.result
    ids = job.ids
    with store.transaction():
        if current_plan_id(store) != job.plan_id:
            raise TablesError(_("The plan changed while it was being re-balanced; "
                                "re-balance again."))
        old = get_plan(store, job.plan_id)
        locks = {(r, pid) for r, pid in old.locked
                 if r < job.from_round or (r, pid) in job.locks}
        result = {
            "iterations": res.iterations, "stopped": res.stopped,
            "seconds": round(outcome.seconds, 3), "reference_mean_l1": outcome.reference,
            "notes": list(job.notes), "people": len(job.problem.people),
            "from_round": job.from_round,
            "moves": [[ids[m.person], m.round, m.from_table, m.to_table] for m in res.moves]
            + [[ids[m.person], m.round, None, m.to_table] for m in res.new_seats],
            "arrived": [ids[p] for p in res.arrived],
            "departed": [ids[p] for p in res.departed],
            "moved_people": [ids[p] for p in res.moved_people],
        }
        plan_id = _insert_plan(store, kind="rebalance", parent_id=job.plan_id,
                               settings=job.settings, plan=res.plan, ids=ids,
                               quality=res.quality, result=result, locks=locks)
        store.set_meta(CURRENT_KEY, str(plan_id))
        store.audit("rebalance_tables", "table_plan", plan_id, {"current": job.plan_id},
                    {"quality": _quality_json(res.quality), **result})
    return SavedPlan(TABLES, plan_id, job.plan_id)


# -- hand edits ---------------------------------------------------------------------------------


def _names(store: EventStore) -> dict[int, str]:
    return {p.id: p.name for p in list_participants(store, include_removed=True)}


def _editable(store: EventStore, plan_id: int, round_: int) -> StoredPlan:
    plan = get_plan(store, plan_id)
    if current_plan_id(store) != plan_id:
        raise TablesError(_("Only the current plan can be changed."))
    if not 0 <= round_ < plan.rounds:
        raise TablesError(_("There is no round {n} in this plan.").format(n=round_ + 1))
    return plan


def _movable(store: EventStore, plan: StoredPlan, round_: int, pid: int) -> int:
    """The table ``pid`` sits at in ``round_``, refusing anyone locked or pinned there."""
    table = plan.table_of(pid, round_)
    name = _names(store).get(pid, str(pid))
    if table is None:
        raise TablesError(_("{name} has no seat in round {n}.").format(name=name, n=round_ + 1))
    if (round_, pid) in plan.locked:
        raise TablesError(_("{name} is locked to table {t} in round {n}; unlock them first.")
                          .format(name=name, t=table + 1, n=round_ + 1))
    for pin in load_settings(store).rules.pins:
        if pin.participant_id == pid and pin.applies(round_) and pin.table == table:
            raise TablesError(
                _("{name} is pinned to table {t} in round {n}; change the pin in the "
                  "constraints first.").format(name=name, t=table + 1, n=round_ + 1))
    return table


def plan_quality(store: EventStore, plan: StoredPlan) -> PlanQuality:
    """The figures of a plan as it is now (after hand edits), the same way the search scores."""
    everyone = {p.id: p for p in list_participants(store, include_removed=True)}
    people = [Person(str(pid), dict(everyone[pid].attributes) if pid in everyone else {})
              for pid in plan.people()]
    engine = Plan(tuple(tuple(tuple(str(p) for p in table) for table in rnd)
                        for rnd in plan.seats))
    return evaluate(engine, people, plan.settings.diversify())


def _after_edit(store: EventStore, plan_id: int) -> None:
    plan = get_plan(store, plan_id)
    store.execute("UPDATE table_plans SET quality = ?, edits = edits + 1 WHERE id = ?",
                  (json.dumps(_quality_json(plan_quality(store, plan))), plan_id))


def move_person(store: EventStore, plan_id: int, round_: int, participant_id: int,
                to_table: int) -> Changes:
    """Move someone to another table in one round (the table may end up one bigger)."""
    with store.transaction():
        plan = _editable(store, plan_id, round_)
        if not 0 <= to_table < plan.tables:
            raise TablesError(_("There is no table {t}.").format(t=to_table + 1))
        if to_table in plan.closed(round_):
            raise TablesError(_("Table {t} is not in use in round {n}.").format(
                t=to_table + 1, n=round_ + 1))
        from_table = _movable(store, plan, round_, participant_id)
        if from_table == to_table:
            return Changes()
        store.execute("UPDATE table_seats SET table_index = ? WHERE plan_id = ? AND round = ? "
                      "AND participant_id = ?", (to_table, plan_id, round_, participant_id))
        _after_edit(store, plan_id)
        store.audit("move_seat", "table_plan", plan_id,
                    {"participant_id": participant_id, "round": round_, "table": from_table},
                    {"participant_id": participant_id, "round": round_, "table": to_table})
    return Changes(tables=True, participant_ids=frozenset({participant_id}))


def swap_people(store: EventStore, plan_id: int, round_: int, a: int, b: int) -> Changes:
    """Exchange two people's seats in one round."""
    with store.transaction():
        plan = _editable(store, plan_id, round_)
        ta = _movable(store, plan, round_, a)
        tb = _movable(store, plan, round_, b)
        if ta == tb:
            return Changes()
        for pid, table in ((a, tb), (b, ta)):
            store.execute("UPDATE table_seats SET table_index = ? WHERE plan_id = ? AND "
                          "round = ? AND participant_id = ?", (table, plan_id, round_, pid))
        _after_edit(store, plan_id)
        store.audit("swap_seats", "table_plan", plan_id,
                    {"round": round_, "seats": {str(a): ta, str(b): tb}},
                    {"round": round_, "seats": {str(a): tb, str(b): ta}})
    return Changes(tables=True, participant_ids=frozenset({a, b}))


def set_locked(store: EventStore, plan_id: int, round_: int, participant_id: int,
               locked: bool) -> Changes:
    """Lock (or unlock) someone's seat in one round: hand edits, re-allocation and
    re-balancing leave a locked seat where it is."""
    with store.transaction():
        plan = _editable(store, plan_id, round_)
        if plan.table_of(participant_id, round_) is None:
            raise TablesError(_("{name} has no seat in round {n}.").format(
                name=_names(store).get(participant_id, str(participant_id)), n=round_ + 1))
        was = (round_, participant_id) in plan.locked
        if was == locked:
            return Changes()
        store.execute("UPDATE table_seats SET locked = ? WHERE plan_id = ? AND round = ? AND "
                      "participant_id = ?", (int(locked), plan_id, round_, participant_id))
        store.audit("lock_seat" if locked else "unlock_seat", "table_plan", plan_id,
                    {"participant_id": participant_id, "round": round_, "locked": was},
                    {"participant_id": participant_id, "round": round_, "locked": locked})
    return Changes(tables=True, participant_ids=frozenset({participant_id}))


def check_plan(store: EventStore, plan: StoredPlan) -> list[str]:
    """The rules the plan breaks now (after hand edits, or rules added since), as sentences.

    Only rounds the plan seated for the current room are checked (from a re-balance's first
    round on); someone who arrived or left since is reported by :func:`drift`, not here.
    """
    everyone = {p.id: p for p in list_participants(store, include_removed=True)}
    names = {pid: label(p) for pid, p in everyone.items()}
    seated = [pid for pid in dict.fromkeys(p for table in plan.seats[-1] for p in table)
              if pid in everyone]
    here = {pid: names[pid] for pid in seated}
    rules = load_settings(store).rules
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


# -- views for the page, the sheets and PLAN.json --------------------------------------------------


@dataclass(frozen=True)
class Seat:
    participant_id: int
    name: str
    ext_id: str
    role: str
    badge_code: str
    attributes: Mapping[str, str]
    locked: bool = False
    moved_from: int | None = None
    """The table this person sat at in this round before the last re-balance."""
    new: bool = False
    """Seated in this round by the last re-balance (a latecomer, or no seat before)."""


@dataclass(frozen=True)
class TableView:
    index: int
    seats: tuple[Seat, ...]
    closed: bool = False

    @property
    def number(self) -> int:
        return self.index + 1

    def mix(self, attribute: str) -> Counter[str]:
        return Counter(s.attributes.get(attribute, "").strip() for s in self.seats)


@dataclass(frozen=True)
class PersonRow:
    participant_id: int
    name: str
    ext_id: str
    role: str
    badge_code: str
    tables: tuple[int | None, ...]
    """1-based table per round; ``None`` when not seated that round."""
    moved_rounds: frozenset[int]


@dataclass(frozen=True)
class PlanView:
    """A plan with names, ready to show or print (no store needed after this)."""

    event_name: str
    plan_id: int
    kind: str
    created_at: datetime
    rounds: tuple[tuple[TableView, ...], ...]
    attributes: tuple[str, ...]
    people: tuple[PersonRow, ...]
    quality: PlanQuality
    reference: float
    from_round: int
    moved: int

    def room_mix(self, round_: int, attribute: str) -> Counter[str]:
        total: Counter[str] = Counter()
        for table in self.rounds[round_]:
            total.update(table.mix(attribute))
        return total


def plan_view(store: EventStore, plan: StoredPlan | None = None) -> PlanView:
    plan = plan or current_plan(store)
    if plan is None:
        raise TablesError(_("There is no table plan yet: allocate tables first."))
    everyone = {p.id: p for p in list_participants(store, include_removed=True)}
    moved_from: dict[tuple[int, int], int | None] = {
        (m.round, m.participant_id): m.from_table for m in plan.moves}
    rounds = []
    for r, rnd in enumerate(plan.seats):
        closed = plan.closed(r)
        tables = []
        for t, table in enumerate(rnd):
            seats = []
            for pid in table:
                p = everyone.get(pid)
                key = (r, pid)
                seats.append(Seat(
                    pid, p.name if p else str(pid), p.ext_id if p else "",
                    p.role if p else "", p.badge_code if p else "",
                    dict(p.attributes) if p else {}, key in plan.locked,
                    moved_from.get(key), key in moved_from and moved_from[key] is None))
            seats.sort(key=lambda s: (fold(s.name), s.ext_id))
            tables.append(TableView(t, tuple(seats), t in closed and not seats))
        rounds.append(tuple(tables))
    people = []
    moved_rounds: dict[int, set[int]] = {}
    for m in plan.moves:
        if m.from_table is not None:
            moved_rounds.setdefault(m.participant_id, set()).add(m.round)
    seating = [plan.seating(r) for r in range(plan.rounds)]
    for pid in plan.people():
        p = everyone.get(pid)
        tables_of = tuple(None if pid not in s else s[pid] + 1 for s in seating)
        people.append(PersonRow(pid, p.name if p else str(pid), p.ext_id if p else "",
                                p.role if p else "", p.badge_code if p else "",
                                tables_of, frozenset(moved_rounds.get(pid, set()))))
    people.sort(key=lambda row: (fold(row.name), row.ext_id))
    return PlanView(
        event_name=store.name, plan_id=plan.id, kind=plan.kind, created_at=plan.created_at,
        rounds=tuple(rounds), attributes=tuple(a.name for a in plan.settings.attributes),
        people=tuple(people), quality=plan.quality, reference=plan.reference,
        from_round=plan.from_round, moved=len(plan.result.get("moved_people", [])),
    )


def plan_json(store: EventStore, plan: StoredPlan) -> dict[str, Any]:
    """PLAN.json: ``rounds`` of tables of the list's IDs, and the plan's figures."""
    ext = {p.id: p.ext_id for p in list_participants(store, include_removed=True)}
    return {
        "rounds": [[[ext.get(pid, str(pid)) for pid in table] for table in rnd]
                   for rnd in plan.seats],
        "metrics": metrics_json(plan.quality, plan.reference, plan.result),
        "settings": plan.settings.to_json(),
    }


def metrics_json(quality: PlanQuality, reference: float, result: Mapping[str, Any]
                 ) -> dict[str, Any]:
    out = _quality_json(quality)
    out["reference_mean_l1"] = reference
    out["l1_ratio"] = quality.mean_l1 / reference if reference else None
    for key in ("iterations", "stopped", "seconds", "seed"):
        if key in result:
            out[key] = result[key]
    return out


def round_names(rounds: int) -> list[str]:
    return [_("Round {n}").format(n=r + 1) for r in range(rounds)]


def seats_of(view: PlanView, participant_id: int) -> Sequence[int | None]:
    """1-based table per round for one person (badges, the find-your-table list)."""
    for row in view.people:
        if row.participant_id == participant_id:
            return row.tables
    return ()
