"""Reading the Q&A from the event file: panels, questions with their votes and order, answers.

Reads only: nothing here writes to the event, not even on first use.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from datetime import datetime

from facilitator.clock import from_iso
from facilitator.i18n import _
from facilitator.people import Participant, get
from facilitator.qa.model import (
    WAITING,
    Panel,
    QaError,
    QaQuestion,
    QaState,
    WrittenAnswer,
    merge_families,
)
from facilitator.qa.ordering import order_questions
from facilitator.store import EventStore
from facilitator.timing.countdown import Countdown

# -- panels ------------------------------------------------------------------------------------


def _panel(store: EventStore, row: sqlite3.Row) -> Panel:
    experts = [get(store, int(r["participant_id"])) for r in store.query(
        "SELECT participant_id FROM qa_panel_experts WHERE panel_id = ? ORDER BY rowid",
        (row["id"],))]
    return Panel(int(row["id"]), str(row["title"]), str(row["session_title"]),
                 str(row["order_mode"]), experts)


def panels(store: EventStore) -> list[Panel]:
    return [_panel(store, r) for r in store.query("SELECT * FROM qa_panels ORDER BY id")]


def panel(store: EventStore, panel_id: int) -> Panel:
    row = store.query_one("SELECT * FROM qa_panels WHERE id = ?", (panel_id,))
    if row is None:
        raise QaError(_("There is no Q&A panel number {id}.").format(id=panel_id))
    return _panel(store, row)


def latest_panel_id(store: EventStore) -> int | None:
    row = store.query_one("SELECT max(id) AS id FROM qa_panels")
    return int(row["id"]) if row is not None and row["id"] is not None else None


# -- questions ------------------------------------------------------------------------------------


def question_row(store: EventStore, question_id: int) -> sqlite3.Row:
    """The stored row of one question, for the ops that check and change it."""
    row = store.query_one("SELECT * FROM questions WHERE id = ?", (question_id,))
    if row is None:
        raise QaError(_("There is no question number {id}.").format(id=question_id))
    return row


def timer_of(row: sqlite3.Row) -> Countdown | None:
    """The answer timer stored in a question's row (None before it is first asked)."""
    if row["planned"] is None:
        return None
    return Countdown(
        planned=float(row["planned"]), added=float(row["added"]),
        elapsed_before=float(row["elapsed_before"]),
        running_since_mono=row["running_since_mono"],
        running_since_wall=from_iso(row["running_since_wall"]) if row["running_since_wall"]
        else None)


def questions(store: EventStore, panel_id: int) -> list[QaQuestion]:
    rows = store.query("SELECT * FROM questions WHERE panel_id = ? ORDER BY id", (panel_id,))
    ids = [int(r["id"]) for r in rows]
    by_id = {int(r["id"]): r for r in rows}
    families = merge_families((int(r["id"]), r["merged_into"]) for r in rows)
    voters: dict[int, set[int]] = defaultdict(set)
    for r in store.query(
            "SELECT v.question_id, v.participant_id FROM question_votes v JOIN questions q "
            "ON q.id = v.question_id WHERE q.panel_id = ?", (panel_id,)):
        voters[int(r["question_id"])].add(int(r["participant_id"]))
    experts: dict[int, list[Participant]] = defaultdict(list)
    for r in store.query(
            "SELECT e.question_id, e.participant_id FROM question_experts e JOIN questions q "
            "ON q.id = e.question_id WHERE q.panel_id = ? ORDER BY e.rowid", (panel_id,)):
        experts[int(r["question_id"])].append(get(store, int(r["participant_id"])))
    people: dict[int, Participant] = {}
    result = []
    for qid in ids:
        r = by_id[qid]
        members = families[qid]
        phone = set().union(*(voters[m] for m in members))
        asker = None
        if r["asker_id"] is not None:
            asker = people.setdefault(int(r["asker_id"]), get(store, int(r["asker_id"])))
        tables: list[str] = []
        for m in members:
            if by_id[m]["table_label"] not in tables:
                tables.append(str(by_id[m]["table_label"]))
        result.append(QaQuestion(
            id=qid, panel_id=int(r["panel_id"]), table=str(r["table_label"]), asker=asker,
            anonymous=bool(r["anonymous"]), text=str(r["text"]),
            original_text=str(r["original_text"]), source=str(r["source"]),
            status=str(r["status"]), merged_into=r["merged_into"],
            manual_votes=int(r["manual_votes"]),
            votes=sum(int(by_id[m]["manual_votes"]) for m in members) + len(phone),
            tables=tables, sources=members[1:], labels=json.loads(r["labels"]),
            experts=experts.get(qid, []), outcome_reason=r["outcome_reason"],
            arrived_at=from_iso(r["arrived_at"]),
            asked_at=from_iso(r["asked_at"]) if r["asked_at"] else None,
            closed_at=from_iso(r["closed_at"]) if r["closed_at"] else None,
            timer=timer_of(r), manual_position=r["manual_position"]))
    return result


def supported_by(store: EventStore, participant_id: int) -> set[int]:
    """The questions a person supports (voted for from their phone), by id."""
    return {int(r["question_id"]) for r in store.query(
        "SELECT question_id FROM question_votes WHERE participant_id = ?", (participant_id,))}


def question(store: EventStore, question_id: int) -> QaQuestion:
    row = question_row(store, question_id)
    return next(q for q in questions(store, int(row["panel_id"])) if q.id == question_id)


def state(store: EventStore, panel_id: int) -> QaState:
    """The panel, its questions, the one being asked, and the order of those waiting."""
    p = panel(store, panel_id)
    every = questions(store, panel_id)
    asked: dict[str, int] = defaultdict(int)
    for q in every:
        if q.status in ("now", "answered"):
            for table in q.tables:
                asked[table] += 1
    waiting = [q for q in every if q.status in WAITING]
    now = next((q for q in every if q.status == "now"), None)
    return QaState(p, order_questions(waiting, p.order_mode, asked), now, every)


def edit_history(store: EventStore, question_id: int) -> list[tuple[datetime, str, str]]:
    return [(from_iso(r["at"]), str(r["old_text"]), str(r["new_text"])) for r in store.query(
        "SELECT at, old_text, new_text FROM question_edits WHERE question_id = ? ORDER BY id",
        (question_id,))]


# -- follow-up ----------------------------------------------------------------------------------


def written_answers(store: EventStore, question_id: int) -> list[WrittenAnswer]:
    return [WrittenAnswer(int(r["id"]), question_id,
                          get(store, int(r["expert_id"])) if r["expert_id"] is not None else None,
                          from_iso(r["received_at"]), str(r["text"]))
            for r in store.query("SELECT * FROM written_answers WHERE question_id = ? "
                                 "ORDER BY id", (question_id,))]


def deferred_by_expert(store: EventStore, panel_id: int
                       ) -> list[tuple[Participant | None, list[QaQuestion]]]:
    """Deferred questions grouped by assigned expert (unassigned ones last)."""
    groups: dict[int | None, list[QaQuestion]] = defaultdict(list)
    experts: dict[int, Participant] = {}
    for q in questions(store, panel_id):
        if q.status != "deferred":
            continue
        if not q.experts:
            groups[None].append(q)
        for expert in q.experts:
            experts[expert.id] = expert
            groups[expert.id].append(q)
    ordered: list[tuple[Participant | None, list[QaQuestion]]] = [
        (experts[eid], qs) for eid, qs in sorted(
            ((k, v) for k, v in groups.items() if k is not None),
            key=lambda kv: experts[kv[0]].name)]
    if None in groups:
        ordered.append((None, groups[None]))
    return ordered
