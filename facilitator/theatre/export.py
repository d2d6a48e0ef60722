"""The follow-up tracker of commitments (CSV, JSON) and the interventions log (CSV).

One row per commitment, with its status, for the council's "you said, we did" report-back.
Every CSV goes through :mod:`facilitator.csvsafe` (no cell can become a formula).
"""

from __future__ import annotations

import io
import json
from typing import Any

from facilitator import csvsafe
from facilitator.clock import to_iso
from facilitator.i18n import ngettext
from facilitator.store import EventStore
from facilitator.theatre import queries
from facilitator.theatre.model import counts_text, source_name

TRACKER_COLUMNS = ("commitment", "proposal", "proposal_text", "policy_area",
                   "body_responsible", "verdict", "name", "role", "body", "commits",
                   "action", "due", "cannot_commit_because", "status", "confirmed_at",
                   "recorded_at")


def tracker_rows(store: EventStore) -> list[dict[str, Any]]:
    """One row per commitment, in proposal order."""
    rows: list[dict[str, Any]] = []
    by_id = {p.id: p for p in queries.proposals(store, include_merged=True)}
    for c in queries.commitments(store):
        item = by_id[c.proposal_id]
        result = queries.outcome(store, item.id)
        rows.append({
            "commitment": c.id, "proposal": item.number, "proposal_text": item.text,
            "policy_area": item.policy_area, "body_responsible": item.body,
            "verdict": result.verdict if result else "", "name": c.name, "role": c.role,
            "body": c.body, "commits": c.committed, "action": c.action,
            "due": c.due.isoformat() if c.due else "",
            "cannot_commit_because": c.cannot_reason or "", "status": c.status,
            "confirmed_at": to_iso(c.confirmed_at) if c.confirmed_at else "",
            "recorded_at": to_iso(c.created_at)})
    return rows


def tracker_csv(store: EventStore) -> str:
    out = io.StringIO()
    writer = csvsafe.writer(out)
    writer.writerow(TRACKER_COLUMNS)
    for row in tracker_rows(store):
        writer.writerow(["yes" if row[k] is True else "no" if row[k] is False else row[k]
                         for k in TRACKER_COLUMNS])
    return out.getvalue()


def tracker_json(store: EventStore) -> str:
    session = queries.session(store)
    return json.dumps({
        "event": store.name,
        "session": session.title if session else "",
        "follow_up_contact": session.contact if session else "",
        "commitments": tracker_rows(store),
    }, ensure_ascii=False, indent=2) + "\n"


LOG_COLUMNS = ("intervention", "scene", "scene_title", "character", "who", "tried", "outcome",
               "started_at", "ended_at", "seconds", "cards")


def interventions_csv(store: EventStore) -> str:
    """The interventions log: scene, character replaced, who, what they tried, the outcome,
    how long, and how many idea cards it prompted."""
    scenes = {s.id: s for s in queries.scenes(store)}
    cards: dict[int, int] = {}
    for card in queries.cards(store):
        if card.intervention_id is not None:
            cards[card.intervention_id] = cards.get(card.intervention_id, 0) + 1
    out = io.StringIO()
    writer = csvsafe.writer(out)
    writer.writerow(LOG_COLUMNS)
    for i in queries.interventions(store):
        writer.writerow([i.number, i.scene_position, scenes[i.scene_id].title, i.character,
                         i.who, i.tried, i.outcome, to_iso(i.started_at),
                         to_iso(i.ended_at) if i.ended_at else "",
                         round(i.timer.elapsed_before), cards.get(i.id, 0)])
    return out.getvalue()


def cards_csv(store: EventStore) -> str:
    out = io.StringIO()
    writer = csvsafe.writer(out)
    writer.writerow(("card", "text", "source", "scene", "intervention", "proposal"))
    scenes = {s.id: s.position for s in queries.scenes(store)}
    for c in queries.cards(store):
        writer.writerow([c.id, c.text, source_name(c.source),
                         scenes.get(c.scene_id, "") if c.scene_id else "",
                         c.intervention_id or "", f"P{c.proposal_id}" if c.proposal_id else ""])
    return out.getvalue()


def summary(store: EventStore) -> str:
    """One line for the command line."""
    made = len(queries.commitments(store))
    return counts_text(len(queries.proposals(store)), len(queries.cards(store)),
                       len(queries.interventions(store))) + ", " + ngettext(
        "{n} commitment", "{n} commitments", made).format(n=made)
