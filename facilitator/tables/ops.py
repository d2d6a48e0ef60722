"""Every change to the table plans: one transaction each, with its audit entry naming the actor.

Every plan is kept (``table_plans``), one of them is current; its seats (``table_seats``,
one row per person and round) are what the Tables page shows and the printed sheets print.
Hand edits (move, swap, lock) change the current plan's seats in place and re-compute the
plan's figures. Each op returns what changed (:class:`~facilitator.changes.Changes`), or a
result carrying ``.changes`` (:class:`~facilitator.tables.plans.SavedPlan`,
:class:`AllocatedPlan`); a refusal raises :class:`~facilitator.tables.plans.TablesError` and
changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from facilitator.changes import Changes
from facilitator.clock import to_iso
from facilitator.i18n import _
from facilitator.people import list_participants
from facilitator.store import EventStore
from facilitator.tables import queries
from facilitator.tables.model import Plan
from facilitator.tables.plans import (
    SavedPlan,
    StoredPlan,
    TablesError,
    TableSettings,
    check_settings,
    quality_json,
)
from facilitator.tables.quality import PlanQuality
from facilitator.tables.queries import (
    CURRENT_KEY,
    SETTINGS_KEY,
    AllocationJob,
    AllocationOutcome,
    RebalanceJob,
    RebalanceOutcome,
)
from facilitator.tables.search import ProgressFn

TABLES = Changes(tables=True)


def save_settings(store: EventStore, settings: TableSettings, *, actor: str) -> Changes:
    """Save what the next plan should be; refused (and nothing saved) if it makes no sense."""
    check_settings(settings)
    with store.transaction():
        old = store.meta_json(SETTINGS_KEY)
        new = settings.to_json()
        if old == new:
            return Changes()
        store.set_meta_json(SETTINGS_KEY, new)
        store.audit("table_settings", "event", None, old, new, actor=actor)
    return TABLES


def set_current_plan(store: EventStore, plan_id: int | None, *, actor: str) -> Changes:
    """Show (and print) another plan, e.g. to undo an allocation; ``None``: no plan."""
    with store.transaction():
        if plan_id is not None:
            queries.get_plan(store, plan_id)
        old = queries.current_plan_id(store)
        if old == plan_id:
            return Changes()
        if plan_id is None:
            store.execute("DELETE FROM meta WHERE key = ?", (CURRENT_KEY,))
        else:
            store.set_meta(CURRENT_KEY, str(plan_id))
        store.audit("current_table_plan", "table_plan", plan_id, {"plan": old},
                    {"plan": plan_id}, actor=actor)
    return TABLES


# -- new plans ----------------------------------------------------------------------------------


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
         json.dumps(quality_json(quality), ensure_ascii=False),
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


def save_allocation(store: EventStore, job: AllocationJob, outcome: AllocationOutcome, *,
                    actor: str) -> SavedPlan:
    """Keep the new plan and make it the current one (the previous one is kept too)."""
    a = outcome.allocation
    result = {"iterations": a.iterations, "stopped": a.stopped,
              "seconds": round(outcome.seconds, 3), "reference_mean_l1": outcome.reference,
              "notes": list(job.notes), "people": len(job.problem.people)}
    with store.transaction():
        previous = queries.current_plan_id(store)
        plan_id = _insert_plan(store, kind="allocate", parent_id=previous, settings=job.settings,
                               plan=a.plan, ids=job.ids, quality=a.quality, result=result,
                               locks=job.locks)
        store.set_meta(CURRENT_KEY, str(plan_id))
        store.audit("allocate_tables", "table_plan", plan_id, {"current": previous},
                    {"settings": job.settings.to_json(), "quality": quality_json(a.quality),
                     **result}, actor=actor)
    return SavedPlan(TABLES, plan_id, previous)


@dataclass(frozen=True)
class AllocatedPlan:
    """What :func:`allocate_and_save` did: the saved plan, the search's input and outcome."""

    changes: Changes
    plan_id: int
    previous_id: int | None
    job: AllocationJob
    outcome: AllocationOutcome


def allocate_and_save(store: EventStore, settings: TableSettings | None = None, *,
                      actor: str, iterations: int | None = None,
                      time_limit: float | None = None,
                      progress: ProgressFn | None = None) -> AllocatedPlan:
    """All three steps on one thread (the command line, tests)."""
    job = queries.prepare_allocation(store, settings)
    outcome = queries.run_allocation(job, iterations=iterations, time_limit=time_limit,
                                     progress=progress)
    saved = save_allocation(store, job, outcome, actor=actor)
    return AllocatedPlan(saved.changes, saved.plan_id, saved.previous_id, job, outcome)


def save_rebalance(store: EventStore, job: RebalanceJob, outcome: RebalanceOutcome, *,
                   actor: str) -> SavedPlan:
    """Keep the re-balanced plan as a new current plan that remembers who moved."""
    res = outcome.result
    ids = job.ids
    with store.transaction():
        if queries.current_plan_id(store) != job.plan_id:
            raise TablesError(_("The plan changed while it was being re-balanced; "
                                "re-balance again."))
        old = queries.get_plan(store, job.plan_id)
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
                    {"quality": quality_json(res.quality), **result}, actor=actor)
    return SavedPlan(TABLES, plan_id, job.plan_id)


# -- hand edits ---------------------------------------------------------------------------------


def _name(store: EventStore, participant_id: int) -> str:
    for person in list_participants(store, include_removed=True):
        if person.id == participant_id:
            return person.name
    return str(participant_id)


def _editable(store: EventStore, plan_id: int, round_: int) -> StoredPlan:
    plan = queries.get_plan(store, plan_id)
    if queries.current_plan_id(store) != plan_id:
        raise TablesError(_("Only the current plan can be changed."))
    if not 0 <= round_ < plan.rounds:
        raise TablesError(_("There is no round {n} in this plan.").format(n=round_ + 1))
    return plan


def _movable(store: EventStore, plan: StoredPlan, round_: int, pid: int) -> int:
    """The table ``pid`` sits at in ``round_``, refusing anyone locked or pinned there."""
    table = plan.table_of(pid, round_)
    name = _name(store, pid)
    if table is None:
        raise TablesError(_("{name} has no seat in round {n}.").format(name=name, n=round_ + 1))
    if (round_, pid) in plan.locked:
        raise TablesError(_("{name} is locked to table {t} in round {n}; unlock them first.")
                          .format(name=name, t=table + 1, n=round_ + 1))
    for pin in queries.settings(store).rules.pins:
        if pin.participant_id == pid and pin.applies(round_) and pin.table == table:
            raise TablesError(
                _("{name} is pinned to table {t} in round {n}; change the pin in the "
                  "constraints first.").format(name=name, t=table + 1, n=round_ + 1))
    return table


def _after_edit(store: EventStore, plan_id: int, undoing: bool = False) -> None:
    """Re-score the plan and count the hand edit (an undo takes one back off)."""
    plan = queries.get_plan(store, plan_id)
    store.execute("UPDATE table_plans SET quality = ?, edits = MAX(0, edits + ?) WHERE id = ?",
                  (json.dumps(quality_json(queries.plan_quality(store, plan))),
                   -1 if undoing else 1, plan_id))


def move_person(store: EventStore, plan_id: int, round_: int, participant_id: int,
                to_table: int, *, actor: str, undoing: bool = False) -> Changes:
    """Move someone to another table in one round (the table may end up one bigger).
    ``undoing``: this move takes back an earlier one, so the plan counts one hand edit
    fewer, not one more."""
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
        _after_edit(store, plan_id, undoing)
        store.audit("move_seat", "table_plan", plan_id,
                    {"participant_id": participant_id, "round": round_, "table": from_table},
                    {"participant_id": participant_id, "round": round_, "table": to_table},
                    actor=actor)
    return Changes(tables=True, participant_ids=frozenset({participant_id}))


def swap_people(store: EventStore, plan_id: int, round_: int, a: int, b: int, *,
                actor: str, undoing: bool = False) -> Changes:
    """Exchange two people's seats in one round (``undoing``: as :func:`move_person`)."""
    with store.transaction():
        plan = _editable(store, plan_id, round_)
        ta = _movable(store, plan, round_, a)
        tb = _movable(store, plan, round_, b)
        if ta == tb:
            return Changes()
        for pid, table in ((a, tb), (b, ta)):
            store.execute("UPDATE table_seats SET table_index = ? WHERE plan_id = ? AND "
                          "round = ? AND participant_id = ?", (table, plan_id, round_, pid))
        _after_edit(store, plan_id, undoing)
        store.audit("swap_seats", "table_plan", plan_id,
                    {"round": round_, "seats": {str(a): ta, str(b): tb}},
                    {"round": round_, "seats": {str(a): tb, str(b): ta}}, actor=actor)
    return Changes(tables=True, participant_ids=frozenset({a, b}))


def set_locked(store: EventStore, plan_id: int, round_: int, participant_id: int,
               locked: bool, *, actor: str) -> Changes:
    """Lock (or unlock) someone's seat in one round: hand edits, re-allocation and
    re-balancing leave a locked seat where it is."""
    with store.transaction():
        plan = _editable(store, plan_id, round_)
        if plan.table_of(participant_id, round_) is None:
            raise TablesError(_("{name} has no seat in round {n}.").format(
                name=_name(store, participant_id), n=round_ + 1))
        was = (round_, participant_id) in plan.locked
        if was == locked:
            return Changes()
        store.execute("UPDATE table_seats SET locked = ? WHERE plan_id = ? AND round = ? AND "
                      "participant_id = ?", (int(locked), plan_id, round_, participant_id))
        store.audit("lock_seat" if locked else "unlock_seat", "table_plan", plan_id,
                    {"participant_id": participant_id, "round": round_, "locked": was},
                    {"participant_id": participant_id, "round": round_, "locked": locked},
                    actor=actor)
    return Changes(tables=True, participant_ids=frozenset({participant_id}))
