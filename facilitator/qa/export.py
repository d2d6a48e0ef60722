"""Every question with its status, for the follow-up and the organisers' records."""

from __future__ import annotations

import io
from datetime import datetime

from facilitator import csvsafe
from facilitator.qa.model import QaQuestion
from facilitator.qa.queries import panels, questions, written_answers
from facilitator.store import EventStore

COLUMNS = ["panel", "id", "status", "table", "tables", "asker", "question", "original_wording",
           "votes", "experts", "labels", "merged_into", "reason", "arrived_at", "asked_at",
           "closed_at", "written_answer", "written_answer_received_at"]


def _iso(moment: object) -> str:
    if moment is None:
        return ""
    assert isinstance(moment, datetime)
    return moment.isoformat(timespec="seconds")


def qa_rows(store: EventStore) -> list[list[object]]:
    rows: list[list[object]] = []
    for p in panels(store):
        for q in questions(store, p.id):
            answers = written_answers(store, q.id) if q.status == "deferred" else []
            rows.append(_row(p.title, q, answers[-1].text if answers else "",
                             _iso(answers[-1].received_at) if answers else ""))
    return rows


def _row(panel_title: str, q: QaQuestion, answer: str, answered_at: str) -> list[object]:
    return [
        panel_title, q.id, q.status, q.table, "; ".join(q.tables), q.asker_label, q.text,
        q.original_text if q.edited else "", q.votes,
        "; ".join(e.name for e in q.experts), "; ".join(q.labels),
        q.merged_into or "", q.outcome_reason or "", _iso(q.arrived_at),
        _iso(q.asked_at), _iso(q.closed_at), answer, answered_at,
    ]


def qa_csv(store: EventStore) -> str:
    out = io.StringIO()
    writer = csvsafe.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(qa_rows(store))
    return out.getvalue()
