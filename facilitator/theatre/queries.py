"""Reading a legislative-theatre session from the event file. Never writes.

**One fact, one function.** The result of the vote on a proposal (its counts, its verdict) is
:func:`outcome`, whatever shows it: the page, the projector, the PDF, the tracker, the CLI.
A vote on phones or paper is counted by :mod:`facilitator.results` from the ballot box; a
show of hands by the same decision rule from the counts keyed in.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from datetime import date

from facilitator.ballots import Question, entitled_present, get_round
from facilitator.clock import from_iso
from facilitator.i18n import _
from facilitator.people import Participant, get
from facilitator.qa.model import merge_families
from facilitator.results import count_round
from facilitator.store import EventStore
from facilitator.theatre.model import (
    Card,
    Commitment,
    Intervention,
    Outcome,
    Proposal,
    Scene,
    Session,
    TheatreError,
    Version,
    Vote,
)
from facilitator.timing.countdown import Countdown
from facilitator.timing.queries import countdown_of

# -- the session -------------------------------------------------------------------------------


def session(store: EventStore) -> Session | None:
    """The event's legislative-theatre session, or None if it has none."""
    row = store.query_one("SELECT * FROM theatre_sessions WHERE id = 1")
    if row is None:
        return None
    return Session(str(row["title"]), str(row["company"]), str(row["contact"]),
                   tuple(json.loads(row["running_order"])), int(row["step"]),
                   row["projected"], bool(row["show_results"]), from_iso(row["created_at"]))


def require_session(store: EventStore) -> Session:
    found = session(store)
    if found is None:
        raise TheatreError(_("This event has no legislative-theatre session yet."))
    return found


# -- scenes and interventions -------------------------------------------------------------------


def _scene(row: sqlite3.Row) -> Scene:
    return Scene(int(row["id"]), int(row["position"]), str(row["title"]),
                 tuple(json.loads(row["characters"])), str(row["problem"]))


def scenes(store: EventStore) -> list[Scene]:
    return [_scene(r) for r in store.query("SELECT * FROM theatre_scenes ORDER BY position")]


def scene(store: EventStore, scene_id: int) -> Scene:
    row = store.query_one("SELECT * FROM theatre_scenes WHERE id = ?", (scene_id,))
    if row is None:
        raise TheatreError(_("There is no scene number {id}.").format(id=scene_id))
    return _scene(row)


def scene_at(store: EventStore, position: int) -> Scene:
    row = store.query_one("SELECT * FROM theatre_scenes WHERE position = ?", (position,))
    if row is None:
        raise TheatreError(_("The play has no scene {n}.").format(n=position))
    return _scene(row)


def timer_of(row: sqlite3.Row) -> Countdown:
    """An intervention's countdown, from its row (stored as the plenary's turns are)."""
    return countdown_of(row)


def _person(store: EventStore, cache: dict[int, Participant], pid: int | None
            ) -> Participant | None:
    if pid is None:
        return None
    if pid not in cache:
        cache[pid] = get(store, pid)
    return cache[pid]


def interventions(store: EventStore, scene_id: int | None = None) -> list[Intervention]:
    """Every intervention (of one scene), in the order they happened."""
    sql = ("SELECT i.*, s.position FROM theatre_interventions i JOIN theatre_scenes s "
           "ON s.id = i.scene_id")
    rows = store.query(sql + (" WHERE i.scene_id = ?" if scene_id is not None else "")
                       + " ORDER BY i.id", (scene_id,) if scene_id is not None else ())
    people: dict[int, Participant] = {}
    return [Intervention(int(r["id"]), int(r["scene_id"]), int(r["position"]),
                         str(r["character"]), _person(store, people, r["participant_id"]),
                         str(r["tried"]), str(r["outcome"]), timer_of(r),
                         from_iso(r["started_at"]),
                         from_iso(r["ended_at"]) if r["ended_at"] else None) for r in rows]


def intervention(store: EventStore, intervention_id: int) -> Intervention:
    found = [i for i in interventions(store) if i.id == intervention_id]
    if not found:
        raise TheatreError(_("There is no intervention number {id}.").format(
            id=intervention_id))
    return found[0]


def intervention_row(store: EventStore, intervention_id: int) -> sqlite3.Row:
    row = store.query_one("SELECT * FROM theatre_interventions WHERE id = ?",
                          (intervention_id,))
    if row is None:
        raise TheatreError(_("There is no intervention number {id}.").format(
            id=intervention_id))
    return row


def running_intervention(store: EventStore) -> Intervention | None:
    """The intervention on stage now (not ended), if any."""
    row = store.query_one("SELECT id FROM theatre_interventions WHERE ended_at IS NULL "
                          "ORDER BY id DESC LIMIT 1")
    return intervention(store, int(row["id"])) if row else None


# -- cards ---------------------------------------------------------------------------------------


def _card(row: sqlite3.Row) -> Card:
    return Card(int(row["id"]), str(row["text"]), str(row["source"]), row["scene_id"],
                row["intervention_id"], row["participant_id"], row["proposal_id"],
                from_iso(row["created_at"]))


def cards(store: EventStore, *, unsorted_only: bool = False) -> list[Card]:
    """Every idea card by arrival (only those in no proposal yet, with ``unsorted_only``)."""
    where = " WHERE proposal_id IS NULL" if unsorted_only else ""
    return [_card(r) for r in store.query(f"SELECT * FROM theatre_cards{where} ORDER BY id")]


def card(store: EventStore, card_id: int) -> Card:
    row = store.query_one("SELECT * FROM theatre_cards WHERE id = ?", (card_id,))
    if row is None:
        raise TheatreError(_("There is no idea card number {id}.").format(id=card_id))
    return _card(row)


def cards_from(store: EventStore, participant_id: int) -> list[Card]:
    return [_card(r) for r in store.query(
        "SELECT * FROM theatre_cards WHERE participant_id = ? ORDER BY id", (participant_id,))]


# -- proposals ------------------------------------------------------------------------------------


def proposal_row(store: EventStore, proposal_id: int) -> sqlite3.Row:
    row = store.query_one("SELECT * FROM theatre_proposals WHERE id = ?", (proposal_id,))
    if row is None:
        raise TheatreError(_("There is no proposal number {id}.").format(id=proposal_id))
    return row


def proposals(store: EventStore, *, include_merged: bool = False) -> list[Proposal]:
    """The proposals by number (those merged into another only with ``include_merged``),
    each with every card behind it."""
    rows = store.query("SELECT * FROM theatre_proposals ORDER BY id")
    families = merge_families((int(r["id"]), r["merged_into"]) for r in rows)
    by_proposal: dict[int, list[Card]] = defaultdict(list)
    for c in cards(store):
        if c.proposal_id is not None:
            by_proposal[c.proposal_id].append(c)
    firsts: dict[int, str] = {}
    versions: dict[int, int] = defaultdict(int)
    for v in store.query("SELECT proposal_id, text FROM theatre_proposal_versions ORDER BY id"):
        firsts.setdefault(int(v["proposal_id"]), str(v["text"]))
        versions[int(v["proposal_id"])] += 1

    result = []
    for r in rows:
        pid = int(r["id"])
        if r["merged_into"] is not None and not include_merged:
            continue
        members = families[pid]
        behind = sorted((c for m in members for c in by_proposal[m]), key=lambda c: c.id)
        result.append(Proposal(pid, str(r["text"]), firsts.get(pid, str(r["text"])),
                               str(r["policy_area"]), str(r["body"]), r["merged_into"],
                               tuple(members[1:]), tuple(behind), from_iso(r["created_at"]),
                               versions[pid]))
    return result


def proposal(store: EventStore, proposal_id: int) -> Proposal:
    proposal_row(store, proposal_id)
    return next(p for p in proposals(store, include_merged=True) if p.id == proposal_id)


def versions(store: EventStore, proposal_id: int) -> list[Version]:
    """Every wording of a proposal, the first one first."""
    proposal_row(store, proposal_id)
    return [Version(from_iso(r["at"]), str(r["text"]), r["actor"]) for r in store.query(
        "SELECT * FROM theatre_proposal_versions WHERE proposal_id = ? ORDER BY id",
        (proposal_id,))]


def interventions_behind(store: EventStore, item: Proposal) -> list[Intervention]:
    """The interventions that prompted the cards behind a proposal."""
    wanted = {c.intervention_id for c in item.cards if c.intervention_id is not None}
    return [i for i in interventions(store) if i.id in wanted]


# -- votes -------------------------------------------------------------------------------------


def vote(store: EventStore, proposal_id: int) -> Vote | None:
    row = store.query_one("SELECT * FROM theatre_votes WHERE proposal_id = ?", (proposal_id,))
    if row is None:
        return None
    hands = None
    if row["hands_favour"] is not None:
        hands = (int(row["hands_favour"]), int(row["hands_against"]),
                 int(row["hands_abstain"]))
    return Vote(proposal_id, str(row["method"]), row["round_id"],
                Question.from_json(json.loads(row["question"])), from_iso(row["defined_at"]),
                hands, str(row["hands_note"] or ""),
                from_iso(row["closed_at"]) if row["closed_at"] else None)


def present_voters(store: EventStore) -> int:
    """The participants present (the base of a show of hands' turnout)."""
    row = store.query_one("SELECT count(*) AS n FROM participants WHERE active = 1 AND "
                          "status = 'checked_in' AND role = 'participant'")
    return int(row["n"]) if row else 0


def outcome(store: EventStore, proposal_id: int) -> Outcome | None:
    """The vote on a proposal as every place shows it: counts, verdict, how it was voted.
    None before a vote is defined."""
    found = vote(store, proposal_id)
    if found is None:
        return None
    rule = found.question.rule
    if found.method == "hands":
        favour, against, abstain = found.hands or (0, 0, 0)
        present = present_voters(store)
        if found.hands is None:
            return Outcome(found.method, rule.describe(), 0, 0, 0, present, None,
                           _("Not voted yet"), False, round_id=None)
        verdict = rule.evaluate(favour, against, abstain, present)
        return Outcome(found.method, rule.describe(), favour, against, abstain, present,
                       verdict.passed, verdict.text, found.closed, found.hands_note)
    assert found.round_id is not None
    ballot_round = get_round(store, found.round_id)
    if ballot_round.questions[0].rule != rule:
        raise TheatreError(_("The decision rule of the vote on proposal {id} was changed "
                             "after it was locked; this vote cannot be counted.").format(
                                 id=proposal_id))
    counted = count_round(store, found.round_id).questions[0]
    sides = {"favour": 0, "against": 0, "abstain": 0}
    for index, line in enumerate(counted.count.lines):
        sides[counted.question.stance(index) or "abstain"] += int(line.value)
    closed = ballot_round.is_closed
    text = counted.count.verdict if (closed or ballot_round.is_open) else _("Not voted yet")
    return Outcome(found.method, rule.describe(), sides["favour"], sides["against"],
                   sides["abstain"], entitled_present(store, ballot_round),
                   counted.count.passed, text, closed,
                   "", found.round_id)


# -- commitments ---------------------------------------------------------------------------------


def _commitment(row: sqlite3.Row) -> Commitment:
    return Commitment(int(row["id"]), int(row["proposal_id"]), row["participant_id"],
                      str(row["name"]), str(row["role"]), str(row["body"]), str(row["action"]),
                      date.fromisoformat(row["due"]) if row["due"] else None,
                      row["cannot_reason"], str(row["status"]),
                      from_iso(row["confirmed_at"]) if row["confirmed_at"] else None,
                      from_iso(row["created_at"]))


def commitments(store: EventStore, proposal_id: int | None = None) -> list[Commitment]:
    if proposal_id is None:
        rows = store.query("SELECT * FROM theatre_commitments ORDER BY proposal_id, id")
    else:
        rows = store.query("SELECT * FROM theatre_commitments WHERE proposal_id = ? "
                           "ORDER BY id", (proposal_id,))
    return [_commitment(r) for r in rows]


def commitment(store: EventStore, commitment_id: int) -> Commitment:
    row = store.query_one("SELECT * FROM theatre_commitments WHERE id = ?", (commitment_id,))
    if row is None:
        raise TheatreError(_("There is no commitment number {id}.").format(id=commitment_id))
    return _commitment(row)


def open_votes(store: EventStore) -> list[int]:
    """Proposals whose vote is defined and not closed, by number."""
    return [int(r["proposal_id"]) for r in store.query(
        "SELECT proposal_id FROM theatre_votes WHERE closed_at IS NULL ORDER BY proposal_id")]
