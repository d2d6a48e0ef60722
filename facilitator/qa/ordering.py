"""The order of asking: by votes, by arrival, by hand, or round-robin across tables. Pure."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from facilitator.i18n import _, ngettext
from facilitator.qa.model import QaQuestion


def order_questions(waiting: Sequence[QaQuestion], mode: str,
                    asked_per_table: dict[str, int]) -> list[QaQuestion]:
    """The order of asking, each question with the reason for its place.

    Round-robin: no table has a second question asked before every table with a question
    waiting has had one; within a table, most votes first, then earliest.
    """
    def with_reason(q: QaQuestion, reason: str) -> QaQuestion:
        return replace(q, reason=reason)

    if mode == "votes":
        ordered = sorted(waiting, key=lambda q: (-q.votes, q.arrived_at, q.id))
        return [with_reason(q, ngettext("{n} vote", "{n} votes", q.votes).format(n=q.votes))
                for q in ordered]
    if mode == "arrival":
        ordered = sorted(waiting, key=lambda q: (q.arrived_at, q.id))
        return [with_reason(q, _("arrived {time}").format(
            time=q.arrived_at.astimezone().strftime("%H:%M:%S"))) for q in ordered]
    if mode == "manual":
        ordered = sorted(waiting, key=lambda q: (
            q.manual_position if q.manual_position is not None else float("inf"),
            q.arrived_at, q.id))
        return [with_reason(q, _("placed by hand")) for q in ordered]
    per_table: dict[str, list[QaQuestion]] = defaultdict(list)
    for q in sorted(waiting, key=lambda q: (-q.votes, q.arrived_at, q.id)):
        per_table[q.table].append(q)
    # A heap of tables keyed by (questions asked so far, arrival of its next question):
    # the top is always a table that has had no more questions than any other waiting one.
    heap = [(asked_per_table.get(t, 0), qs[0].arrived_at, qs[0].id, t)
            for t, qs in per_table.items()]
    heapq.heapify(heap)
    position = dict.fromkeys(per_table, 0)
    result: list[QaQuestion] = []
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
