"""Legislative theatre, the core: interventions, cards and their links, merge/un-merge,
proposal versions, votes by phones, paper and hands with locked rules, commitments."""

from __future__ import annotations

import json
import sqlite3
from fractions import Fraction

import pytest

from facilitator.ballots import (
    Answer,
    DecisionRule,
    RoundStateError,
    close_round,
    enter,
    get_round,
    issue_codes,
    update_round,
)
from facilitator.ballots import ops as ballots_ops
from facilitator.clock import FakeClock
from facilitator.lan import ops as lan_ops
from facilitator.people import add_walk_in
from facilitator.store import EventStore
from facilitator.theatre import ops, queries
from facilitator.theatre.model import TheatreError, parse_counters, scene_from_card_label

A = "desk"


def audience(store: EventStore, n: int) -> list[int]:
    return [add_walk_in(store, f"Person {i}", actor=A).participant.id for i in range(n)]


@pytest.fixture
def play(store: EventStore) -> EventStore:
    ops.start_session(store, "Nothing for us", company="Youth company",
                      contact="desk@example.org", actor=A)
    ops.add_scene(store, "The job centre", ["Advisor", "Jay"], "Jay is sanctioned", actor=A)
    ops.add_scene(store, "At home", ["Mum", "Jay"], "No money for the bus", actor=A)
    return store


def test_intervention_countdown_and_log(play: EventStore, clock: FakeClock) -> None:
    s1 = queries.scenes(play)[0]
    who = audience(play, 1)[0]
    first = ops.start_intervention(play, s1.id, "Jay", participant_id=who,
                                   tried="asks for a named advisor", seconds=120, actor=A)
    clock.advance(30)
    current = queries.intervention(play, first.intervention_id)
    assert current.timer.remaining(clock) == pytest.approx(90)
    assert current.who == "Person 0"
    second = ops.start_intervention(play, s1.id, "Advisor", seconds=60, actor=A)
    clock.advance(10)
    ended = queries.intervention(play, first.intervention_id)
    assert ended.ended_at is not None and ended.timer.remaining(clock) == pytest.approx(90)
    assert queries.intervention(play, second.intervention_id).who == "audience member"
    ops.end_intervention(play, second.intervention_id, outcome="the advisor listens", actor=A)
    log = queries.interventions(play)
    assert [i.character for i in log] == ["Jay", "Advisor"]
    assert log[1].outcome == "the advisor listens" and queries.running_intervention(play) is None
    with pytest.raises(TheatreError, match="not a character"):
        ops.start_intervention(play, s1.id, "Mum", actor=A)
    with pytest.raises(TheatreError, match="already ended"):
        ops.end_intervention(play, second.intervention_id, actor=A)


def test_card_takes_its_scene_from_the_intervention(play: EventStore) -> None:
    s1, s2 = queries.scenes(play)
    iid = ops.start_intervention(play, s2.id, "Mum", actor=A).intervention_id
    cid = ops.add_card(play, "Free bus passes", source="card", intervention_id=iid,
                       actor=A).card_id
    card = queries.card(play, cid)
    assert (card.scene_id, card.intervention_id, card.source) == (s2.id, iid, "card")
    with pytest.raises(TheatreError, match="another scene"):
        ops.add_card(play, "x", scene_id=s1.id, intervention_id=iid, actor=A)
    with pytest.raises(TheatreError, match="empty"):
        ops.add_card(play, "   ", actor=A)
    assert len(queries.cards(play)) == 1


def test_merge_and_unmerge_keep_every_cards_link(play: EventStore) -> None:
    s1, s2 = queries.scenes(play)
    i1 = ops.start_intervention(play, s1.id, "Jay", actor=A).intervention_id
    c = [ops.add_card(play, f"idea {n}", intervention_id=i1 if n < 2 else None,
                      scene_id=None if n < 2 else s2.id, actor=A).card_id for n in range(4)]
    p1 = ops.add_proposal(play, "Named advisors", card_ids=c[:2], actor=A).proposal_id
    p2 = ops.add_proposal(play, "Bus passes", card_ids=c[2:], actor=A).proposal_id
    before = {x.id: (x.scene_id, x.intervention_id, x.proposal_id) for x in queries.cards(play)}
    ops.merge(play, p1, [p2], actor=A)
    merged = queries.proposal(play, p1)
    assert [x.id for x in merged.cards] == c and merged.merged == (p2,)
    assert [p.id for p in queries.proposals(play)] == [p1]
    after = {x.id: (x.scene_id, x.intervention_id, x.proposal_id) for x in queries.cards(play)}
    assert after == before  # every card keeps its scene, intervention and proposal
    assert [i.id for i in queries.interventions_behind(play, merged)] == [i1]
    with pytest.raises(TheatreError, match="merged into proposal"):
        ops.attach_cards(play, p2, [c[0]], actor=A)
    ops.unmerge(play, p2, actor=A)
    assert [x.id for x in queries.proposal(play, p1).cards] == c[:2]
    assert [x.id for x in queries.proposal(play, p2).cards] == c[2:]
    ops.detach_card(play, c[3], actor=A)
    assert [x.id for x in queries.cards(play, unsorted_only=True)] == [c[3]]
    assert queries.card(play, c[3]).scene_id == s2.id


def test_versions_are_all_kept(play: EventStore) -> None:
    pid = ops.add_proposal(play, "Advisors", policy_area="Employment", actor=A).proposal_id
    ops.reword(play, pid, "Named advisors for every young person", actor=A)
    ops.reword(play, pid, "A named advisor for every young person under 25", actor=A)
    assert ops.reword(play, pid, "A named advisor for every young person under 25",
                      actor=A).any is False
    ops.tag(play, pid, body="Jobcentre Plus, West Midlands", actor=A)
    item = queries.proposal(play, pid)
    assert item.original_text == "Advisors" and item.edited and item.versions == 3
    assert [v.text for v in queries.versions(play, pid)] == [
        "Advisors", "Named advisors for every young person",
        "A named advisor for every young person under 25"]
    assert (item.policy_area, item.body) == ("Employment", "Jobcentre Plus, West Midlands")
    ops.define_vote(play, pid, method="hands", actor=A)
    with pytest.raises(TheatreError, match="cannot be reworded"):
        ops.reword(play, pid, "Something else", actor=A)


def test_hands_need_two_counters_and_simple_majority(play: EventStore) -> None:
    audience(play, 20)
    pid = ops.add_proposal(play, "Bus passes", actor=A).proposal_id
    ops.define_vote(play, pid, method="hands", actor=A)
    assert queries.outcome(play, pid).verdict == "Not voted yet"
    with pytest.raises(TheatreError, match="who counted"):
        ops.record_hands(play, pid, 9, 8, 1, note="hands", actor=A)
    with pytest.raises(TheatreError, match="only 20 people"):
        ops.record_hands(play, pid, 19, 8, 1, note="hands, counted by Ana and Bo", actor=A)
    ops.record_hands(play, pid, 9, 8, 3, note="hands, counted by Ana and Bo", actor=A)
    ops.close_vote(play, pid, actor=A)
    result = queries.outcome(play, pid)
    assert (result.favour, result.against, result.abstain) == (9, 8, 3)
    assert result.passed is True and result.closed and "PASSED" in result.verdict
    assert result.note == "hands, counted by Ana and Bo"
    assert parse_counters(result.note) == ("Ana", "Bo")
    with pytest.raises(TheatreError, match="closed"):
        ops.record_hands(play, pid, 1, 8, 3, note="hands, counted by Ana and Bo", actor=A)


def test_supermajority_rule_is_locked_when_defined(play: EventStore) -> None:
    audience(play, 10)
    pid = ops.add_proposal(play, "Youth panel", actor=A).proposal_id
    rule = DecisionRule.supermajority(Fraction(2, 3))
    defined = ops.define_vote(play, pid, method="paper", rule=rule, actor=A)
    assert defined.round_id is not None
    vote = queries.vote(play, pid)
    assert vote is not None and vote.rule == rule
    with pytest.raises(TheatreError, match="already defined"):
        ops.define_vote(play, pid, method="paper", actor=A)
    # The round behind it is the ballot machinery's: changing its rule there is detected.
    question = get_round(play, defined.round_id).questions[0]
    update_round(play, defined.round_id, "Proposal 1",
                 [type(question).yes_no(question.text)], channel="paper", actor=A)
    with pytest.raises(TheatreError, match="changed after it was locked"):
        queries.outcome(play, pid)


def test_votes_from_paper_and_phones_and_verdicts(play: EventStore, seeded_codes: object
                                                  ) -> None:
    people = audience(play, 12)
    p_phone = ops.add_proposal(play, "Bus passes", actor=A).proposal_id
    p_paper = ops.add_proposal(play, "Youth panel", actor=A).proposal_id
    phone_round = ops.define_vote(play, p_phone, method="phones", actor=A).round_id
    paper_round = ops.define_vote(
        play, p_paper, method="paper", rule=DecisionRule.supermajority(Fraction(2, 3)),
        actor=A).round_id
    assert phone_round and paper_round
    lan_ops.open_question(play, phone_round, 0, actor=A)
    for n, pid in enumerate(people):
        lan_ops.cast_vote(play, pid, phone_round, 0, Answer((1, None, None) if n < 7 else
                                                            (None, 1, None)), actor="phone")
    papers = issue_codes(play, paper_round, 10, actor=A).papers
    for n, paper in enumerate(papers):  # 6 for, 4 against: 60%, below two thirds
        enter(play, paper_round, paper.code,
              [Answer((1, None, None)) if n < 6 else Answer((None, 1, None))], actor=A)
    live = queries.outcome(play, p_phone)
    assert live is not None and not live.closed and live.favour == 7
    ops.close_vote(play, p_phone, actor=A)
    ops.close_vote(play, p_paper, note="papers not counted at the door", actor=A)
    phone = queries.outcome(play, p_phone)
    paper = queries.outcome(play, p_paper)
    assert (phone.favour, phone.against, phone.passed) == (7, 5, True)
    assert (paper.favour, paper.against, paper.passed) == (6, 4, False)
    assert get_round(play, paper_round).is_closed
    assert "at least 66.7%" in paper.rule_text
    with pytest.raises(TheatreError, match="already closed"):
        ops.close_vote(play, p_phone, actor=A)
    # Commitments only on accepted proposals; a cannot-commit needs its reason.
    with pytest.raises(TheatreError, match="not accepted"):
        ops.add_commitment(play, p_paper, "Cllr Shah", action="look at it", actor=A)
    with pytest.raises(TheatreError, match="either what they will do"):
        ops.add_commitment(play, p_phone, "Cllr Shah", actor=A)
    with pytest.raises(TheatreError, match="not a date"):
        ops.add_commitment(play, p_phone, "Cllr Shah", action="x", due="next week", actor=A)
    first = ops.add_commitment(play, p_phone, "Cllr Shah", role="Cabinet member",
                               body="City Council", action="Bring bus passes to cabinet",
                               due="2027-03-31", actor=A).commitment_id
    ops.add_commitment(play, p_phone, "Ms Okafor", body="Transport authority",
                       cannot_reason="the fares budget is set nationally", actor=A)
    made = queries.commitments(play, p_phone)
    assert [c.committed for c in made] == [True, False]
    assert made[0].text == "Bring bus passes to cabinet (by 2027-03-31)"
    assert made[1].text == "Cannot commit, because the fares budget is set nationally"
    ops.confirm_commitment(play, first, actor=A)
    ops.set_commitment_status(play, first, "in_progress", actor=A)
    assert queries.commitment(play, first).confirmed_at is not None
    with pytest.raises(TheatreError, match="already confirmed"):
        ops.confirm_commitment(play, first, actor=A)


def test_phone_round_refuses_paper(play: EventStore) -> None:
    audience(play, 2)
    pid = ops.add_proposal(play, "x", actor=A).proposal_id
    round_id = ops.define_vote(play, pid, method="phones", actor=A).round_id
    assert round_id is not None
    with pytest.raises(RoundStateError):
        issue_codes(play, round_id, 5, actor=A)


def test_every_op_is_audited_with_its_actor(play: EventStore) -> None:
    pid = ops.add_proposal(play, "x", actor="joker").proposal_id
    ops.tag(play, pid, policy_area="Housing", actor="joker")
    rows = play.query("SELECT action, actor, new FROM audit_log WHERE action LIKE 'theatre%' "
                      "ORDER BY id")
    assert [r["action"] for r in rows][-2:] == ["theatre_add_proposal", "theatre_tag"]
    assert rows[-1]["actor"] == "joker"
    assert json.loads(rows[-1]["new"])["policy_area"] == "Housing"


def test_a_refusal_changes_nothing(play: EventStore) -> None:
    before = play.query("SELECT count(*) AS n FROM audit_log")[0]["n"]
    with pytest.raises(TheatreError):
        ops.add_proposal(play, "ok", card_ids=[999], actor=A)
    assert queries.proposals(play) == []
    assert play.query("SELECT count(*) AS n FROM audit_log")[0]["n"] == before


def test_no_session_yet(store: EventStore) -> None:
    assert queries.session(store) is None
    with pytest.raises(TheatreError, match="no legislative-theatre session"):
        ops.add_scene(store, "x", actor=A)
    ops.start_session(store, "Play", actor=A)
    with pytest.raises(TheatreError, match="already has"):
        ops.start_session(store, "Play", actor=A)


def test_card_label() -> None:
    assert scene_from_card_label("IDEA S2") == 2
    assert scene_from_card_label("idea s12") == 12
    assert scene_from_card_label("7") is None


def test_cards_behind_a_voted_proposal_stay_put(play: EventStore) -> None:
    cards = [ops.add_card(play, f"idea {n}", actor=A).card_id for n in range(3)]
    p1 = ops.add_proposal(play, "One", card_ids=cards[:1], actor=A).proposal_id
    p2 = ops.add_proposal(play, "Two", card_ids=cards[1:2], actor=A).proposal_id
    p3 = ops.add_proposal(play, "Three", actor=A).proposal_id
    ops.merge(play, p1, [p2], actor=A)
    ops.define_vote(play, p1, method="hands", actor=A)
    for attempt in (lambda: ops.attach_cards(play, p3, [cards[1]], actor=A),
                    lambda: ops.detach_card(play, cards[0], actor=A),
                    lambda: ops.attach_cards(play, p1, [cards[2]], actor=A),
                    lambda: ops.unmerge(play, p2, actor=A)):
        with pytest.raises(TheatreError, match="vote on proposal 1 is defined"):
            attempt()
    assert [c.id for c in queries.proposal(play, p1).cards] == cards[:2]


def _voted_on_phones(play: EventStore) -> tuple[int, int]:
    """A proposal put to phones with three votes cast: (proposal, its round)."""
    people = audience(play, 3)
    pid = ops.add_proposal(play, "Bus passes", actor=A).proposal_id
    round_id = ops.define_vote(play, pid, method="phones", actor=A).round_id
    assert round_id is not None
    lan_ops.open_question(play, round_id, 0, actor=A)
    for person in people:
        lan_ops.cast_vote(play, person, round_id, 0, Answer((1, None, None)), actor="phone")
    return pid, round_id


def _closed(play: EventStore, pid: int, round_id: int) -> tuple[bool, bool]:
    vote = queries.vote(play, pid)
    assert vote is not None
    return get_round(play, round_id).is_closed, vote.closed


def test_closing_a_vote_is_one_transaction_when_the_record_fails(play: EventStore) -> None:
    """A failure between closing the ballot round and recording the theatre's vote as closed
    (here the database refuses the second write) leaves both open; closing again does both."""
    pid, round_id = _voted_on_phones(play)
    with play.transaction():
        play.execute("CREATE TEMP TRIGGER injected BEFORE UPDATE OF closed_at ON theatre_votes "
                     "BEGIN SELECT RAISE(ABORT, 'injected failure'); END")
    with pytest.raises(sqlite3.DatabaseError, match="injected failure"):
        ops.close_vote(play, pid, actor=A)
    assert _closed(play, pid, round_id) == (False, False)
    assert get_round(play, round_id).fingerprint is None
    with play.transaction():
        play.execute("DROP TRIGGER temp.injected")
    ops.close_vote(play, pid, actor=A)
    assert _closed(play, pid, round_id) == (True, True)
    actions = [r["action"] for r in play.query("SELECT action FROM audit_log ORDER BY id")]
    assert actions.count("ballot_round_close") == 1 and actions[-1] == "theatre_close_vote"


def test_closing_a_vote_is_one_transaction_when_interrupted(
        play: EventStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception right after the round's close, before the theatre's record: neither."""
    pid, round_id = _voted_on_phones(play)
    real = ballots_ops.close_round_within

    def close_then_fail(*args: object, **kwargs: object) -> object:
        real(*args, **kwargs)  # type: ignore[arg-type]
        raise RuntimeError("power cut")

    monkeypatch.setattr(ops, "close_round_within", close_then_fail)
    with pytest.raises(RuntimeError, match="power cut"):
        ops.close_vote(play, pid, actor=A)
    assert _closed(play, pid, round_id) == (False, False)
    monkeypatch.undo()
    ops.close_vote(play, pid, actor=A)
    assert _closed(play, pid, round_id) == (True, True)


def test_a_round_closed_on_the_voting_page_is_taken_as_it_is(play: EventStore) -> None:
    pid, round_id = _voted_on_phones(play)
    close_round(play, round_id, actor=A)
    sealed = get_round(play, round_id).fingerprint
    ops.close_vote(play, pid, actor=A)
    assert _closed(play, pid, round_id) == (True, True)
    assert get_round(play, round_id).fingerprint == sealed
