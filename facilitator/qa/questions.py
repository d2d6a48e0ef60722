"""Questions to an expert panel, in the event file.

A question arrives *pending*; the facilitator approves or hides it, may edit its wording (the
original is kept, and every edit), merges duplicates (votes and tables combined; un-merge
restores the sources), assigns experts, and asks it: *now*, then *answered*, *deferred* to
a written answer, or *declined* with a reason. Order is by votes, by arrival, round-robin
across tables, or by hand, and each question carries the reason for its place.
"""

from __future__ import annotations

import heapq
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from facilitator.changes import Changes
from facilitator.clock import from_iso, to_iso
from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.people import Participant, get
from facilitator.store import EventStore
from facilitator.timing.countdown import Countdown

QA = Changes(qa=True)
ORDER_MODES = ("round_robin", "votes", "arrival", "manual")
WAITING = ("approved",)
OPEN = ("pending", "approved", "hidden", "now")
CLOSED = ("answered", "deferred", "declined")
TABLE_CODE = re.compile(r"^(?:FACILITATOR-)?TABLE[:\-\s]*([A-Za-z0-9][A-Za-z0-9 \-]{0,20})$",
                        re.IGNORECASE)
DEFAULT_ANSWER_SECONDS = 180


class QuestionError(UserError):
    pass


@dataclass(frozen=True)
class Panel:
    id: int
    title: str
    session_title: str
    order_mode: str
    experts: list[Participant]


@dataclass(frozen=True)
class Question:
    id: int
    panel_id: int
    table: str
    asker: Participant | None
    anonymous: bool
    text: str
    original_text: str
    source: str
    status: str
    merged_into: int | None
    manual_votes: int
    votes: int
    """Hand-entered votes plus distinct phone voters, including merged sources."""
    tables: list[str]
    """This question's table and those of the questions merged into it."""
    sources: list[int]
    labels: list[str]
    experts: list[Participant]
    outcome_reason: str | None
    arrived_at: datetime
    asked_at: datetime | None
    closed_at: datetime | None
    timer: Countdown | None
    manual_position: float | None
    reason: str = ""
    """Why the question is where it is in the order (shown to the facilitator)."""

    @property
    def edited(self) -> bool:
        return self.text != self.original_text

    @property
    def asker_label(self) -> str:
        if self.anonymous or self.asker is None:
            return ""
        return self.asker.name


@dataclass(frozen=True)
class WrittenAnswer:
    id: int
    question_id: int
    expert: Participant | None
    received_at: datetime
    text: str


@dataclass(frozen=True)
class QaState:
    panel: Panel
    order: list[Question]
    """Approved questions waiting, in the order they will be asked, each with its reason."""
    now: Question | None
    questions: list[Question] = field(default_factory=list)
    """Every question of the panel (merged ones included), by arrival."""


# -- panels ------------------------------------------------------------------------------------


def _panel(store: EventStore, row: Any) -> Panel:
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
        raise QuestionError(_("There is no Q&A panel number {id}.").format(id=panel_id))
    return _panel(store, row)


def create_panel(store: EventStore, title: str, expert_ids: Sequence[int] = (),
                 session_title: str = "") -> tuple[Changes, int]:
    title = " ".join(title.split())
    if not title:
        raise QuestionError(_("The panel needs a title."))
    with store.transaction():
        cursor = store.execute(
            "INSERT INTO qa_panels (title, session_title, created_at) VALUES (?, ?, ?)",
            (title, session_title, to_iso(store.clock.now())))
        pid = int(cursor.lastrowid or 0)
        for expert in expert_ids:
            get(store, expert)
            store.execute("INSERT OR IGNORE INTO qa_panel_experts VALUES (?, ?)", (pid, expert))
        store.audit("create_panel", "qa_panel", pid, None,
                    {"title": title, "experts": list(expert_ids)})
    return QA, pid


def latest_panel_id(store: EventStore) -> int | None:
    row = store.query_one("SELECT max(id) AS id FROM qa_panels")
    return int(row["id"]) if row is not None and row["id"] is not None else None


def set_order_mode(store: EventStore, panel_id: int, mode: str) -> Changes:
    if mode not in ORDER_MODES:
        raise QuestionError(_("Unknown order: {mode}.").format(mode=mode))
    with store.transaction():
        old = panel(store, panel_id).order_mode
        store.execute("UPDATE qa_panels SET order_mode = ? WHERE id = ?", (mode, panel_id))
        store.audit("qa_order_mode", "qa_panel", panel_id, {"mode": old}, {"mode": mode})
    return QA


# -- reading questions ---------------------------------------------------------------------------


def table_from_scan(text: str) -> str | None:
    """The table named by a table QR code ('FACILITATOR-TABLE:7'), or None."""
    match = TABLE_CODE.match(text.strip())
    return match.group(1).strip() if match else None


def table_code(table: str) -> str:
    """What a table's QR code on a paper question card holds."""
    return f"FACILITATOR-TABLE:{table}"


def _timer(row: Any) -> Countdown | None:
    if row["planned"] is None:
        return None
    return Countdown(
        planned=float(row["planned"]), added=float(row["added"]),
        elapsed_before=float(row["elapsed_before"]),
        running_since_mono=row["running_since_mono"],
        running_since_wall=from_iso(row["running_since_wall"]) if row["running_since_wall"]
        else None)


def questions(store: EventStore, panel_id: int) -> list[Question]:
    rows = store.query("SELECT * FROM questions WHERE panel_id = ? ORDER BY id", (panel_id,))
    ids = [int(r["id"]) for r in rows]
    by_id = {int(r["id"]): r for r in rows}
    children: dict[int, list[int]] = defaultdict(list)
    for r in rows:
        if r["merged_into"] is not None:
            children[int(r["merged_into"])].append(int(r["id"]))
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

    def family(qid: int) -> list[int]:
        out = [qid]
        for child in children.get(qid, []):
            out.extend(family(child))
        return out

    result = []
    for qid in ids:
        r = by_id[qid]
        members = family(qid)
        phone = set().union(*(voters[m] for m in members))
        asker = None
        if r["asker_id"] is not None:
            asker = people.setdefault(int(r["asker_id"]), get(store, int(r["asker_id"])))
        tables: list[str] = []
        for m in members:
            if by_id[m]["table_label"] not in tables:
                tables.append(str(by_id[m]["table_label"]))
        result.append(Question(
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
            timer=_timer(r), manual_position=r["manual_position"]))
    return result


def question(store: EventStore, question_id: int) -> Question:
    row = store.query_one("SELECT panel_id FROM questions WHERE id = ?", (question_id,))
    if row is None:
        raise QuestionError(_("There is no question number {id}.").format(id=question_id))
    return next(q for q in questions(store, int(row["panel_id"])) if q.id == question_id)


def order_questions(waiting: Sequence[Question], mode: str,
                    asked_per_table: dict[str, int]) -> list[Question]:
    """The order of asking, each question with the reason for its place. Pure.

    Round-robin: no table has a second question asked before every table with a question
    waiting has had one; within a table, most votes first, then earliest.
    """
    def with_reason(q: Question, reason: str) -> Question:
        return replace(q, reason=reason)

    if mode == "votes":
        ordered = sorted(waiting, key=lambda q: (-q.votes, q.arrived_at, q.id))
        return [with_reason(q, _("{n} votes").format(n=q.votes)) for q in ordered]
    if mode == "arrival":
        ordered = sorted(waiting, key=lambda q: (q.arrived_at, q.id))
        return [with_reason(q, _("arrived {time}").format(
            time=q.arrived_at.astimezone().strftime("%H:%M:%S"))) for q in ordered]
    if mode == "manual":
        ordered = sorted(waiting, key=lambda q: (
            q.manual_position if q.manual_position is not None else float("inf"),
            q.arrived_at, q.id))
        return [with_reason(q, _("placed by hand")) for q in ordered]
    per_table: dict[str, list[Question]] = defaultdict(list)
    for q in sorted(waiting, key=lambda q: (-q.votes, q.arrived_at, q.id)):
        per_table[q.table].append(q)
    # A heap of tables keyed by (questions asked so far, arrival of its next question):
    # the top is always a table that has had no more questions than any other waiting one.
    heap = [(asked_per_table.get(t, 0), qs[0].arrived_at, qs[0].id, t)
            for t, qs in per_table.items()]
    heapq.heapify(heap)
    position = dict.fromkeys(per_table, 0)
    result: list[Question] = []
    while heap:
        done, _arrived, _qid, table = heapq.heappop(heap)
        q = per_table[table][position[table]]
        position[table] += 1
        reason = (_("table {table}: its first question") if done == 0 else
                  _("table {table}: round {round} (every waiting table has had {n})")
                  ).format(table=table, n=done, round=done + 1)
        result.append(with_reason(q, reason))
        if position[table] < len(per_table[table]):
            nxt = per_table[table][position[table]]
            heapq.heappush(heap, (done + 1, nxt.arrived_at, nxt.id, table))
    return result


def state(store: EventStore, panel_id: int) -> QaState:
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


# -- capture and moderation -------------------------------------------------------------------


def add_question(store: EventStore, panel_id: int, table: str, text: str, *,
                 asker_id: int | None = None, anonymous: bool = False, source: str = "typed",
                 approved: bool = False) -> tuple[Changes, int]:
    table = " ".join(table.split())
    text = text.strip()
    if not table:
        raise QuestionError(_("Which table is the question from?"))
    if not text:
        raise QuestionError(_("The question is empty."))
    if source not in ("typed", "card", "phone"):
        raise QuestionError(_("Unknown source: {source}.").format(source=source))
    with store.transaction():
        panel(store, panel_id)
        if asker_id is not None:
            get(store, asker_id)
        status = "approved" if approved else "pending"
        cursor = store.execute(
            "INSERT INTO questions (panel_id, table_label, asker_id, anonymous, text, "
            "original_text, source, status, arrived_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (panel_id, table, asker_id, int(anonymous), text, text, source, status,
             to_iso(store.clock.now())))
        qid = int(cursor.lastrowid or 0)
        store.audit("add_question", "question", qid, None,
                    {"table": table, "text": text, "asker_id": asker_id,
                     "anonymous": anonymous, "source": source, "status": status})
    return QA, qid


def _row(store: EventStore, question_id: int) -> Any:
    row = store.query_one("SELECT * FROM questions WHERE id = ?", (question_id,))
    if row is None:
        raise QuestionError(_("There is no question number {id}.").format(id=question_id))
    return row


def _set_status(store: EventStore, question_id: int, new: str, allowed: Iterable[str],
                action: str, reason: str | None = None, **extra: Any) -> Changes:
    with store.transaction():
        row = _row(store, question_id)
        if row["status"] not in allowed:
            raise QuestionError(_("Question {id} is {status}; it cannot be {action} now.").format(
                id=question_id, status=_status_word(str(row["status"])),
                action=_action_word(action)))
        sets = ["status = ?"]
        values: list[Any] = [new]
        for column, value in extra.items():
            sets.append(f"{column} = ?")
            values.append(value)
        if reason is not None:
            sets.append("outcome_reason = ?")
            values.append(reason)
        store.execute(f"UPDATE questions SET {', '.join(sets)} WHERE id = ?",
                      (*values, question_id))
        store.audit(action, "question", question_id, {"status": row["status"]},
                    {"status": new, **({"reason": reason} if reason else {})})
    return QA


def _status_word(status: str) -> str:
    return {
        "pending": _("waiting for approval"), "approved": _("approved"), "hidden": _("hidden"),
        "now": _("being asked"), "answered": _("answered"), "deferred": _("deferred"),
        "declined": _("declined"), "merged": _("merged into another"),
    }.get(status, status)


def _action_word(action: str) -> str:
    return {
        "approve_question": _("approved"), "hide_question": _("hidden"),
        "ask_question": _("asked"), "answer_question": _("marked answered"),
        "defer_question": _("deferred"), "decline_question": _("declined"),
    }.get(action, action)


def approve(store: EventStore, question_id: int) -> Changes:
    return _set_status(store, question_id, "approved", ("pending", "hidden"), "approve_question")


def hide(store: EventStore, question_id: int) -> Changes:
    return _set_status(store, question_id, "hidden", ("pending", "approved"), "hide_question")


def edit_text(store: EventStore, question_id: int, new_text: str) -> Changes:
    """Reword a question; the original and every earlier wording are kept."""
    new_text = new_text.strip()
    if not new_text:
        raise QuestionError(_("The question is empty."))
    with store.transaction():
        row = _row(store, question_id)
        if row["text"] == new_text:
            return Changes()
        now = to_iso(store.clock.now())
        store.execute("INSERT INTO question_edits (question_id, at, old_text, new_text) "
                      "VALUES (?, ?, ?, ?)", (question_id, now, row["text"], new_text))
        store.execute("UPDATE questions SET text = ? WHERE id = ?", (new_text, question_id))
        store.audit("edit_question", "question", question_id, {"text": row["text"]},
                    {"text": new_text})
    return QA


def edit_history(store: EventStore, question_id: int) -> list[tuple[datetime, str, str]]:
    return [(from_iso(r["at"]), str(r["old_text"]), str(r["new_text"])) for r in store.query(
        "SELECT at, old_text, new_text FROM question_edits WHERE question_id = ? ORDER BY id",
        (question_id,))]


def set_labels(store: EventStore, question_id: int, labels: Sequence[str]) -> Changes:
    clean = sorted({" ".join(label.split()) for label in labels if label.strip()})
    with store.transaction():
        row = _row(store, question_id)
        store.execute("UPDATE questions SET labels = ? WHERE id = ?",
                      (json.dumps(clean, ensure_ascii=False), question_id))
        store.audit("label_question", "question", question_id, json.loads(row["labels"]), clean)
    return QA


def assign_experts(store: EventStore, question_id: int, expert_ids: Sequence[int]) -> Changes:
    with store.transaction():
        _row(store, question_id)
        old = [int(r["participant_id"]) for r in store.query(
            "SELECT participant_id FROM question_experts WHERE question_id = ?",
            (question_id,))]
        store.execute("DELETE FROM question_experts WHERE question_id = ?", (question_id,))
        for expert in dict.fromkeys(expert_ids):
            get(store, expert)
            store.execute("INSERT INTO question_experts VALUES (?, ?)", (question_id, expert))
        store.audit("assign_experts", "question", question_id, old, list(expert_ids))
    return QA


def add_votes(store: EventStore, question_id: int, delta: int) -> Changes:
    """Votes counted by hand (a show of hands, dots on a sheet)."""
    with store.transaction():
        row = _row(store, question_id)
        new = int(row["manual_votes"]) + delta
        if new < 0:
            raise QuestionError(_("A question cannot have fewer than no votes."))
        store.execute("UPDATE questions SET manual_votes = ? WHERE id = ?", (new, question_id))
        store.audit("question_votes", "question", question_id,
                    {"manual_votes": row["manual_votes"]}, {"manual_votes": new})
    return QA


def upvote(store: EventStore, question_id: int, participant_id: int) -> Changes:
    """One vote per person per question (from a phone); a second is refused."""
    with store.transaction():
        row = _row(store, question_id)
        target = int(row["merged_into"] or question_id)
        family = {target, *question(store, target).sources}
        voted = store.query(
            f"SELECT 1 FROM question_votes WHERE participant_id = ? AND question_id IN "
            f"({','.join('?' * len(family))})", (participant_id, *family))
        if voted:
            raise QuestionError(_("You have already voted for this question."))
        store.execute("INSERT INTO question_votes VALUES (?, ?, ?)",
                      (target, participant_id, to_iso(store.clock.now())))
        store.audit("upvote_question", "question", target, None,
                    {"participant_id": participant_id})
    return QA


def merge(store: EventStore, target_id: int, source_ids: Sequence[int]) -> Changes:
    """Fold duplicates into ``target_id``: their votes and tables count for it."""
    sources = [s for s in dict.fromkeys(source_ids) if s != target_id]
    if not sources:
        raise QuestionError(_("Choose at least two questions to merge."))
    with store.transaction():
        target = _row(store, target_id)
        if target["status"] not in OPEN or target["status"] == "now":
            raise QuestionError(_("Question {id} is {status}; merge into a question still "
                                  "waiting.").format(id=target_id,
                                                     status=_status_word(target["status"])))
        for source in sources:
            row = _row(store, source)
            if row["panel_id"] != target["panel_id"]:
                raise QuestionError(_("Questions of different panels cannot be merged."))
            if row["status"] not in ("pending", "approved", "hidden"):
                raise QuestionError(_("Question {id} is {status}; it cannot be merged.").format(
                    id=source, status=_status_word(str(row["status"]))))
            store.execute(
                "UPDATE questions SET status = 'merged', status_before_merge = ?, "
                "merged_into = ? WHERE id = ?", (row["status"], target_id, source))
            store.audit("merge_question", "question", source,
                        {"status": row["status"]}, {"merged_into": target_id})
    return QA


def unmerge(store: EventStore, source_id: int) -> Changes:
    """Undo a merge: the source is a question of its own again, with its votes."""
    with store.transaction():
        row = _row(store, source_id)
        if row["status"] != "merged":
            raise QuestionError(_("Question {id} is not merged into another.").format(
                id=source_id))
        restored = row["status_before_merge"] or "pending"
        store.execute("UPDATE questions SET status = ?, status_before_merge = NULL, "
                      "merged_into = NULL WHERE id = ?", (restored, source_id))
        store.audit("unmerge_question", "question", source_id,
                    {"merged_into": row["merged_into"]}, {"status": restored})
    return QA


def move(store: EventStore, panel_id: int, question_id: int, new_index: int) -> Changes:
    """Place a waiting question by hand; the panel's order becomes manual."""
    with store.transaction():
        current = state(store, panel_id)
        order = list(current.order)
        moving = next((q for q in order if q.id == question_id), None)
        if moving is None:
            raise QuestionError(_("Only approved questions waiting to be asked can be moved."))
        order.remove(moving)
        order.insert(max(0, min(new_index, len(order))), moving)
        store.executemany("UPDATE questions SET manual_position = ? WHERE id = ?",
                          [(float(i + 1), q.id) for i, q in enumerate(order)])
        if current.panel.order_mode != "manual":
            set_order_mode(store, panel_id, "manual")
        store.audit("move_question", "question", question_id, None, {"index": new_index})
    return QA


# -- asking ----------------------------------------------------------------------------------------


def ask(store: EventStore, question_id: int, seconds: int = DEFAULT_ANSWER_SECONDS) -> Changes:
    """Put a question to the panel now (the one being asked, if any, is marked answered)."""
    with store.transaction():
        row = _row(store, question_id)
        current = store.query_one(
            "SELECT id FROM questions WHERE panel_id = ? AND status = 'now'", (row["panel_id"],))
        if current is not None and int(current["id"]) != question_id:
            close(store, int(current["id"]), "answered")
        timer = Countdown.new(seconds).start(store.clock)
        _set_status(store, question_id, "now", ("approved",), "ask_question",
                    asked_at=to_iso(store.clock.now()), planned=float(seconds), added=0.0,
                    elapsed_before=0.0, running_since_mono=timer.running_since_mono,
                    running_since_wall=to_iso(timer.running_since_wall)
                    if timer.running_since_wall else None)
    return QA


def ask_next(store: EventStore, panel_id: int, seconds: int = DEFAULT_ANSWER_SECONDS) -> Changes:
    with store.transaction():
        order = state(store, panel_id).order
        if not order:
            raise QuestionError(_("No approved question is waiting."))
        ask(store, order[0].id, seconds)
    return QA


def close(store: EventStore, question_id: int, outcome: str, reason: str | None = None
          ) -> Changes:
    """End a question: answered, deferred (to a written answer) or declined (with a reason)."""
    if outcome not in CLOSED:
        raise QuestionError(_("Unknown outcome: {outcome}.").format(outcome=outcome))
    if outcome == "declined" and not (reason or "").strip():
        raise QuestionError(_("Say why the question is declined."))
    action = {"answered": "answer_question", "deferred": "defer_question",
              "declined": "decline_question"}[outcome]
    allowed = ("now",) if outcome == "answered" else ("now", "approved", "pending", "hidden")
    with store.transaction():
        row = _row(store, question_id)
        timer = _timer(row)
        extra: dict[str, Any] = {"closed_at": to_iso(store.clock.now())}
        if timer is not None and timer.running:
            paused = timer.pause(store.clock)
            extra.update(elapsed_before=paused.elapsed_before, running_since_mono=None,
                         running_since_wall=None)
        _set_status(store, question_id, outcome, allowed, action,
                    reason.strip() if reason else None, **extra)
    return QA


def reopen(store: EventStore, question_id: int) -> Changes:
    """Undo an outcome given by mistake: the question waits again, approved."""
    return _set_status(store, question_id, "approved", CLOSED, "reopen_question",
                       closed_at=None)


def toggle_timer(store: EventStore, question_id: int) -> Changes:
    with store.transaction():
        row = _row(store, question_id)
        timer = _timer(row)
        if timer is None or row["status"] != "now":
            raise QuestionError(_("That question is not being asked."))
        new = timer.pause(store.clock) if timer.running else timer.start(store.clock)
        store.execute(
            "UPDATE questions SET elapsed_before = ?, running_since_mono = ?, "
            "running_since_wall = ? WHERE id = ?",
            (new.elapsed_before, new.running_since_mono,
             to_iso(new.running_since_wall) if new.running_since_wall else None, question_id))
        store.audit("pause_question_timer" if timer.running else "resume_question_timer",
                    "question", question_id, None, None)
    return QA


# -- follow-up ----------------------------------------------------------------------------------


def record_written_answer(store: EventStore, question_id: int, text: str,
                          expert_id: int | None = None) -> Changes:
    text = text.strip()
    if not text:
        raise QuestionError(_("The written answer is empty."))
    with store.transaction():
        row = _row(store, question_id)
        if row["status"] != "deferred":
            raise QuestionError(_("Question {id} was not deferred to a written answer.").format(
                id=question_id))
        if expert_id is not None:
            get(store, expert_id)
        cursor = store.execute(
            "INSERT INTO written_answers (question_id, expert_id, received_at, text) "
            "VALUES (?, ?, ?, ?)", (question_id, expert_id, to_iso(store.clock.now()), text))
        store.audit("written_answer", "question", question_id, None,
                    {"answer_id": cursor.lastrowid, "expert_id": expert_id})
    return QA


def written_answers(store: EventStore, question_id: int) -> list[WrittenAnswer]:
    return [WrittenAnswer(int(r["id"]), question_id,
                          get(store, int(r["expert_id"])) if r["expert_id"] is not None else None,
                          from_iso(r["received_at"]), str(r["text"]))
            for r in store.query("SELECT * FROM written_answers WHERE question_id = ? "
                                 "ORDER BY id", (question_id,))]


def deferred_by_expert(store: EventStore, panel_id: int
                       ) -> list[tuple[Participant | None, list[Question]]]:
    """Deferred questions grouped by assigned expert (unassigned ones last)."""
    groups: dict[int | None, list[Question]] = defaultdict(list)
    experts: dict[int, Participant] = {}
    for q in questions(store, panel_id):
        if q.status != "deferred":
            continue
        if not q.experts:
            groups[None].append(q)
        for expert in q.experts:
            experts[expert.id] = expert
            groups[expert.id].append(q)
    ordered: list[tuple[Participant | None, list[Question]]] = [
        (experts[eid], qs) for eid, qs in sorted(
            ((k, v) for k, v in groups.items() if k is not None),
            key=lambda kv: experts[kv[0]].name)]
    if None in groups:
        ordered.append((None, groups[None]))
    return ordered
