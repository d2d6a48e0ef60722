"""Every change to the Q&A: one transaction each, with its audit entry naming the actor.

Each op returns what changed (:class:`~facilitator.changes.Changes`), or a result carrying
``.changes`` when it must also hand back a value (:class:`PanelCreated`,
:class:`QuestionAdded`). A refusal raises :class:`QaError` and changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from facilitator.changes import Changes
from facilitator.clock import to_iso
from facilitator.i18n import _
from facilitator.people import get
from facilitator.qa import queries
from facilitator.qa.model import (
    CLOSED,
    DEFAULT_ANSWER_SECONDS,
    MERGEABLE,
    OPEN,
    ORDER_MODES,
    QA,
    PanelCreated,
    QaError,
    QuestionAdded,
    action_word,
    status_word,
)
from facilitator.store import EventStore
from facilitator.timing.countdown import Countdown

# -- panels ------------------------------------------------------------------------------------


def create_panel(store: EventStore, title: str, expert_ids: Sequence[int] = (),
                 session_title: str = "", *, actor: str) -> PanelCreated:
    title = " ".join(title.split())
    if not title:
        raise QaError(_("The panel needs a title."))
    with store.transaction():
        cursor = store.execute(
            "INSERT INTO qa_panels (title, session_title, created_at) VALUES (?, ?, ?)",
            (title, session_title, to_iso(store.clock.now())))
        pid = int(cursor.lastrowid or 0)
        for expert in expert_ids:
            get(store, expert)
            store.execute("INSERT OR IGNORE INTO qa_panel_experts VALUES (?, ?)", (pid, expert))
        store.audit("create_panel", "qa_panel", pid, None,
                    {"title": title, "experts": list(expert_ids)}, actor=actor)
    return PanelCreated(QA, pid)


def set_order_mode(store: EventStore, panel_id: int, mode: str, *, actor: str) -> Changes:
    if mode not in ORDER_MODES:
        raise QaError(_("Unknown order: {mode}.").format(mode=mode))
    with store.transaction():
        old = queries.panel(store, panel_id).order_mode
        store.execute("UPDATE qa_panels SET order_mode = ? WHERE id = ?", (mode, panel_id))
        store.audit("qa_order_mode", "qa_panel", panel_id, {"mode": old}, {"mode": mode},
                    actor=actor)
    return QA


# -- capture and moderation -------------------------------------------------------------------


def add_question(store: EventStore, panel_id: int, table: str, text: str, *,
                 asker_id: int | None = None, anonymous: bool = False, source: str = "typed",
                 approved: bool = False, actor: str) -> QuestionAdded:
    table = " ".join(table.split())
    text = text.strip()
    if not table:
        raise QaError(_("Which table is the question from?"))
    if not text:
        raise QaError(_("The question is empty."))
    if source not in ("typed", "card", "phone"):
        raise QaError(_("Unknown source: {source}.").format(source=source))
    with store.transaction():
        queries.panel(store, panel_id)
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
                     "anonymous": anonymous, "source": source, "status": status}, actor=actor)
    return QuestionAdded(QA, qid)


def _set_status(store: EventStore, question_id: int, new: str, allowed: Iterable[str],
                action: str, *, actor: str, reason: str | None = None,
                columns: dict[str, object] | None = None) -> Changes:
    """Move a question to status ``new`` if it is in one of ``allowed``; set ``columns`` too."""
    with store.transaction():
        row = queries.question_row(store, question_id)
        if row["status"] not in allowed:
            raise QaError(_("Question {id} is {status}; it cannot be {action} now.").format(
                id=question_id, status=status_word(str(row["status"])),
                action=action_word(action)))
        sets = ["status = ?"]
        values: list[object] = [new]
        for column, value in (columns or {}).items():
            sets.append(f"{column} = ?")
            values.append(value)
        if reason is not None:
            sets.append("outcome_reason = ?")
            values.append(reason)
        store.execute(f"UPDATE questions SET {', '.join(sets)} WHERE id = ?",
                      (*values, question_id))
        store.audit(action, "question", question_id, {"status": row["status"]},
                    {"status": new, **({"reason": reason} if reason else {})}, actor=actor)
    return QA


def approve(store: EventStore, question_id: int, *, actor: str) -> Changes:
    return _set_status(store, question_id, "approved", ("pending", "hidden"), "approve_question",
                       actor=actor)


def hide(store: EventStore, question_id: int, *, actor: str) -> Changes:
    return _set_status(store, question_id, "hidden", ("pending", "approved"), "hide_question",
                       actor=actor)


def edit_text(store: EventStore, question_id: int, new_text: str, *, actor: str) -> Changes:
    """Reword a question; the original and every earlier wording are kept."""
    new_text = new_text.strip()
    if not new_text:
        raise QaError(_("The question is empty."))
    with store.transaction():
        row = queries.question_row(store, question_id)
        if row["text"] == new_text:
            return Changes()
        now = to_iso(store.clock.now())
        store.execute("INSERT INTO question_edits (question_id, at, old_text, new_text) "
                      "VALUES (?, ?, ?, ?)", (question_id, now, row["text"], new_text))
        store.execute("UPDATE questions SET text = ? WHERE id = ?", (new_text, question_id))
        store.audit("edit_question", "question", question_id, {"text": row["text"]},
                    {"text": new_text}, actor=actor)
    return QA


def set_labels(store: EventStore, question_id: int, labels: Sequence[str], *,
               actor: str) -> Changes:
    clean = sorted({" ".join(label.split()) for label in labels if label.strip()})
    with store.transaction():
        row = queries.question_row(store, question_id)
        store.execute("UPDATE questions SET labels = ? WHERE id = ?",
                      (json.dumps(clean, ensure_ascii=False), question_id))
        store.audit("label_question", "question", question_id, json.loads(row["labels"]), clean,
                    actor=actor)
    return QA


def assign_experts(store: EventStore, question_id: int, expert_ids: Sequence[int], *,
                   actor: str) -> Changes:
    with store.transaction():
        queries.question_row(store, question_id)
        old = [int(r["participant_id"]) for r in store.query(
            "SELECT participant_id FROM question_experts WHERE question_id = ?",
            (question_id,))]
        store.execute("DELETE FROM question_experts WHERE question_id = ?", (question_id,))
        for expert in dict.fromkeys(expert_ids):
            get(store, expert)
            store.execute("INSERT INTO question_experts VALUES (?, ?)", (question_id, expert))
        store.audit("assign_experts", "question", question_id, old, list(expert_ids),
                    actor=actor)
    return QA


def add_votes(store: EventStore, question_id: int, delta: int, *, actor: str) -> Changes:
    """Votes counted by hand (a show of hands, dots on a sheet)."""
    with store.transaction():
        row = queries.question_row(store, question_id)
        new = int(row["manual_votes"]) + delta
        if new < 0:
            raise QaError(_("A question cannot have fewer than no votes."))
        store.execute("UPDATE questions SET manual_votes = ? WHERE id = ?", (new, question_id))
        store.audit("question_votes", "question", question_id,
                    {"manual_votes": row["manual_votes"]}, {"manual_votes": new}, actor=actor)
    return QA


def upvote(store: EventStore, question_id: int, participant_id: int, *, actor: str) -> Changes:
    """One vote per person per question (from a phone); a second is refused."""
    with store.transaction():
        row = queries.question_row(store, question_id)
        target = int(row["merged_into"] or question_id)
        family = {target, *queries.question(store, target).sources}
        voted = store.query(
            f"SELECT 1 FROM question_votes WHERE participant_id = ? AND question_id IN "
            f"({','.join('?' * len(family))})", (participant_id, *family))
        if voted:
            raise QaError(_("You have already voted for this question."))
        store.execute("INSERT INTO question_votes VALUES (?, ?, ?)",
                      (target, participant_id, to_iso(store.clock.now())))
        store.audit("upvote_question", "question", target, None,
                    {"participant_id": participant_id}, actor=actor)
    return QA


def merge(store: EventStore, target_id: int, source_ids: Sequence[int], *,
          actor: str) -> Changes:
    """Fold duplicates into ``target_id``: their votes and tables count for it."""
    sources = [s for s in dict.fromkeys(source_ids) if s != target_id]
    if not sources:
        raise QaError(_("Choose at least two questions to merge."))
    with store.transaction():
        target = queries.question_row(store, target_id)
        if target["status"] not in OPEN or target["status"] == "now":
            raise QaError(_("Question {id} is {status}; merge into a question still "
                            "waiting.").format(id=target_id,
                                               status=status_word(target["status"])))
        for source in sources:
            row = queries.question_row(store, source)
            if row["panel_id"] != target["panel_id"]:
                raise QaError(_("Questions of different panels cannot be merged."))
            if row["status"] not in MERGEABLE:
                raise QaError(_("Question {id} is {status}; it cannot be merged.").format(
                    id=source, status=status_word(str(row["status"]))))
            store.execute(
                "UPDATE questions SET status = 'merged', status_before_merge = ?, "
                "merged_into = ? WHERE id = ?", (row["status"], target_id, source))
            store.audit("merge_question", "question", source,
                        {"status": row["status"]}, {"merged_into": target_id}, actor=actor)
    return QA


def unmerge(store: EventStore, source_id: int, *, actor: str) -> Changes:
    """Undo a merge: the source is a question of its own again, with its votes."""
    with store.transaction():
        row = queries.question_row(store, source_id)
        if row["status"] != "merged":
            raise QaError(_("Question {id} is not merged into another.").format(id=source_id))
        restored = row["status_before_merge"] or "pending"
        store.execute("UPDATE questions SET status = ?, status_before_merge = NULL, "
                      "merged_into = NULL WHERE id = ?", (restored, source_id))
        store.audit("unmerge_question", "question", source_id,
                    {"merged_into": row["merged_into"]}, {"status": restored}, actor=actor)
    return QA


def move(store: EventStore, panel_id: int, question_id: int, new_index: int, *,
         actor: str) -> Changes:
    """Place a waiting question by hand; the panel's order becomes manual."""
    with store.transaction():
        current = queries.state(store, panel_id)
        order = list(current.order)
        moving = next((q for q in order if q.id == question_id), None)
        if moving is None:
            raise QaError(_("Only approved questions waiting to be asked can be moved."))
        order.remove(moving)
        order.insert(max(0, min(new_index, len(order))), moving)
        store.executemany("UPDATE questions SET manual_position = ? WHERE id = ?",
                          [(float(i + 1), q.id) for i, q in enumerate(order)])
        if current.panel.order_mode != "manual":
            set_order_mode(store, panel_id, "manual", actor=actor)
        store.audit("move_question", "question", question_id, None, {"index": new_index},
                    actor=actor)
    return QA


# -- asking ----------------------------------------------------------------------------------------


def ask(store: EventStore, question_id: int, seconds: int = DEFAULT_ANSWER_SECONDS, *,
        actor: str) -> Changes:
    """Put a question to the panel now (the one being asked, if any, is marked answered)."""
    with store.transaction():
        row = queries.question_row(store, question_id)
        current = store.query_one(
            "SELECT id FROM questions WHERE panel_id = ? AND status = 'now'", (row["panel_id"],))
        if current is not None and int(current["id"]) != question_id:
            close(store, int(current["id"]), "answered", actor=actor)
        timer = Countdown.new(seconds).start(store.clock)
        _set_status(store, question_id, "now", ("approved",), "ask_question", actor=actor,
                    columns={"asked_at": to_iso(store.clock.now()), "planned": float(seconds),
                             "added": 0.0, "elapsed_before": 0.0,
                             "running_since_mono": timer.running_since_mono,
                             "running_since_wall": to_iso(timer.running_since_wall)
                             if timer.running_since_wall else None})
    return QA


def ask_next(store: EventStore, panel_id: int, seconds: int = DEFAULT_ANSWER_SECONDS, *,
             actor: str) -> Changes:
    with store.transaction():
        order = queries.state(store, panel_id).order
        if not order:
            raise QaError(_("No approved question is waiting."))
        ask(store, order[0].id, seconds, actor=actor)
    return QA


def close(store: EventStore, question_id: int, outcome: str, reason: str | None = None, *,
          actor: str) -> Changes:
    """End a question: answered, deferred (to a written answer) or declined (with a reason)."""
    if outcome not in CLOSED:
        raise QaError(_("Unknown outcome: {outcome}.").format(outcome=outcome))
    if outcome == "declined" and not (reason or "").strip():
        raise QaError(_("Say why the question is declined."))
    action = {"answered": "answer_question", "deferred": "defer_question",
              "declined": "decline_question"}[outcome]
    allowed = ("now",) if outcome == "answered" else ("now", "approved", "pending", "hidden")
    with store.transaction():
        timer = queries.timer_of(queries.question_row(store, question_id))
        columns: dict[str, object] = {"closed_at": to_iso(store.clock.now())}
        if timer is not None and timer.running:
            paused = timer.pause(store.clock)
            columns.update(elapsed_before=paused.elapsed_before, running_since_mono=None,
                           running_since_wall=None)
        _set_status(store, question_id, outcome, allowed, action, actor=actor,
                    reason=reason.strip() if reason else None, columns=columns)
    return QA


def reopen(store: EventStore, question_id: int, *, actor: str) -> Changes:
    """Undo an outcome given by mistake: the question waits again, approved."""
    return _set_status(store, question_id, "approved", CLOSED, "reopen_question", actor=actor,
                       columns={"closed_at": None})


def toggle_timer(store: EventStore, question_id: int, *, actor: str) -> Changes:
    with store.transaction():
        row = queries.question_row(store, question_id)
        timer = queries.timer_of(row)
        if timer is None or row["status"] != "now":
            raise QaError(_("That question is not being asked."))
        new = timer.pause(store.clock) if timer.running else timer.start(store.clock)
        store.execute(
            "UPDATE questions SET elapsed_before = ?, running_since_mono = ?, "
            "running_since_wall = ? WHERE id = ?",
            (new.elapsed_before, new.running_since_mono,
             to_iso(new.running_since_wall) if new.running_since_wall else None, question_id))
        store.audit("pause_question_timer" if timer.running else "resume_question_timer",
                    "question", question_id, None, None, actor=actor)
    return QA


# -- follow-up ----------------------------------------------------------------------------------


def record_written_answer(store: EventStore, question_id: int, text: str,
                          expert_id: int | None = None, *, actor: str) -> Changes:
    text = text.strip()
    if not text:
        raise QaError(_("The written answer is empty."))
    with store.transaction():
        row = queries.question_row(store, question_id)
        if row["status"] != "deferred":
            raise QaError(_("Question {id} was not deferred to a written answer.").format(
                id=question_id))
        if expert_id is not None:
            get(store, expert_id)
        cursor = store.execute(
            "INSERT INTO written_answers (question_id, expert_id, received_at, text) "
            "VALUES (?, ?, ?, ?)", (question_id, expert_id, to_iso(store.clock.now()), text))
        store.audit("written_answer", "question", question_id, None,
                    {"answer_id": cursor.lastrowid, "expert_id": expert_id}, actor=actor)
    return QA
