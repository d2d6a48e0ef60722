"""Phone votes in the event file: one per person, paper or phone, revoke/reissue, hands."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from facilitator import lan
from facilitator.ballots import (
    Answer,
    BallotError,
    BallotRound,
    create_round,
    get_round,
    hand_out,
    issue_codes,
    paper_refusal,
    phone_answers,
    phone_receipts,
)
from facilitator.people import get
from facilitator.results import count_round, option_figures, question_turnout
from facilitator.store import EventStore

from .conftest import absent, every_kind, present


def test_open_question_freezes_a_draft_round(demo: EventStore, phone_round: BallotRound) -> None:
    assert phone_round.status == "draft"
    changes = lan.open_question(demo, phone_round.id, 0, actor="test")
    assert changes.phones and changes.ballots
    assert get_round(demo, phone_round.id).status == "open"
    assert [q.index for q in lan.phone_questions(demo, open_only=True)] == [0]


def test_one_vote_per_person(demo: EventStore, phone_round: BallotRound) -> None:
    lan.open_question(demo, phone_round.id, 0, actor="test")
    person = present(demo)[0]
    q = phone_round.questions[0]
    first = lan.cast_vote(demo, person.id, phone_round.id, 0, Answer.choose(q, 0), actor="phone")
    assert first.changes.phones and not first.replaced
    with pytest.raises(lan.LanError) as refused:
        lan.cast_vote(demo, person.id, phone_round.id, 0, Answer.choose(q, 1), actor="phone")
    assert refused.value.reason == "already_voted"
    assert phone_answers(demo, phone_round.id, 0) == [Answer.choose(q, 0)]


def test_changing_a_vote_when_the_event_allows(demo: EventStore,
                                               phone_round: BallotRound) -> None:
    lan.save_settings(demo, lan.LanSettings(allow_change=True), actor="test")
    lan.open_question(demo, phone_round.id, 0, actor="test")
    person = present(demo)[0]
    q = phone_round.questions[0]
    lan.cast_vote(demo, person.id, phone_round.id, 0, Answer.choose(q, 0), actor="phone")
    second = lan.cast_vote(demo, person.id, phone_round.id, 0, Answer.choose(q, 1), actor="phone")
    assert second.replaced
    assert phone_answers(demo, phone_round.id, 0) == [Answer.choose(q, 1)]
    assert question_turnout(demo, phone_round.id, 0).from_source("phone") == 1
    # the replaced ballot is gone, not kept aside
    assert demo.query("SELECT receipt FROM lan_ballots")[0][0] == second.vote.receipt
    assert lan.my_vote(demo, person.id, phone_round.id, 0) == second.vote


def test_the_event_file_refuses_ballots_and_links_out_of_turn(
        demo: EventStore, phone_round: BallotRound) -> None:
    """Whatever code tries: no ballot on a question not open to phones, and no link between
    a voter and a ballot while changing votes is off."""
    person = present(demo)[0]
    with pytest.raises(sqlite3.IntegrityError, match="not open"), demo.transaction():
        demo.execute("INSERT INTO lan_ballots (receipt, round_id, question_index, answer) "
                     "VALUES ('X', ?, 0, '{\"m\": [1, null, null]}')", (phone_round.id,))
    lan.open_question(demo, phone_round.id, 0, actor="test")
    with pytest.raises(sqlite3.IntegrityError, match="no link"), demo.transaction():
        demo.execute("INSERT INTO lan_links (round_id, question_index, participant_id, receipt) "
                     "VALUES (?, 0, ?, 'X')", (phone_round.id, person.id))


def test_closed_and_unopened_questions_refuse(demo: EventStore,
                                              phone_round: BallotRound) -> None:
    person = present(demo)[0]
    q = phone_round.questions[0]
    with pytest.raises(lan.LanError) as refused:
        lan.cast_vote(demo, person.id, phone_round.id, 0, Answer.choose(q, 0), actor="phone")
    assert refused.value.reason == "not_open"
    lan.open_question(demo, phone_round.id, 0, actor="test")
    lan.close_question(demo, phone_round.id, 0, actor="test")
    with pytest.raises(lan.LanError) as refused:
        lan.cast_vote(demo, person.id, phone_round.id, 0, Answer.choose(q, 0), actor="phone")
    assert refused.value.reason == "closed"


def test_only_people_checked_in_vote(demo: EventStore, phone_round: BallotRound) -> None:
    lan.open_question(demo, phone_round.id, 0, actor="test")
    with pytest.raises(lan.LanError) as refused:
        lan.cast_vote(demo, absent(demo)[0].id, phone_round.id, 0,
                      Answer.choose(phone_round.questions[0], 0), actor="phone")
    assert refused.value.reason == "not_present"


def test_invalid_answers_are_refused_with_the_reason(demo: EventStore,
                                                     phone_round: BallotRound) -> None:
    for index in range(len(phone_round.questions)):
        lan.open_question(demo, phone_round.id, index, actor="test")
    person = present(demo)[0]
    approval = phone_round.questions[3]
    with pytest.raises(lan.LanError) as refused:
        lan.cast_vote(demo, person.id, phone_round.id, 3, Answer.choose(approval, 0, 1, 2),
                      actor="phone")
    assert refused.value.reason == "invalid" and "over-marked" in refused.value.message
    with pytest.raises(lan.LanError):  # not a mark the paper could hold
        lan.cast_vote(demo, person.id, phone_round.id, 3, Answer((5, None, None, None)),
                      actor="phone")
    with pytest.raises(lan.LanError):  # wrong number of marks
        lan.cast_vote(demo, person.id, phone_round.id, 3, Answer((1,)), actor="phone")
    assert phone_answers(demo, phone_round.id, 3) == []


def test_paper_or_phone_never_both(demo: EventStore) -> None:
    # Both channels only when the round is defined so (issue 11: the safe path is one channel)
    phone_round = create_round(demo, "Both", every_kind(), channel="both", actor="test").round
    issue_codes(demo, phone_round.id, 5, actor="test")
    lan.open_question(demo, phone_round.id, 0, actor="test")
    on_paper, on_phone = present(demo)[:2]
    q = phone_round.questions[0]
    hand_out(demo, phone_round.id, on_paper.id, actor="test")
    with pytest.raises(lan.LanError) as refused:
        lan.cast_vote(demo, on_paper.id, phone_round.id, 0, Answer.choose(q, 0), actor="phone")
    assert refused.value.reason == "paper"
    lan.cast_vote(demo, on_phone.id, phone_round.id, 0, Answer.choose(q, 0), actor="phone")
    reason = paper_refusal(demo, phone_round.id, on_phone.id)
    assert reason is not None and on_phone.name in reason and "phone" in reason
    assert paper_refusal(demo, phone_round.id, on_paper.id) is None
    with pytest.raises(BallotError, match="voted by phone"):  # a sentence, not IntegrityError
        hand_out(demo, phone_round.id, on_phone.id, actor="test")


def test_turnout_counts_people_present(demo: EventStore, phone_round: BallotRound) -> None:
    lan.open_question(demo, phone_round.id, 2, actor="test")
    people = present(demo)
    q = phone_round.questions[2]
    for person in people[:5]:
        lan.cast_vote(demo, person.id, phone_round.id, 2, Answer.choose(q, 1), actor="phone")
    turnout = question_turnout(demo, phone_round.id, 2)
    assert (turnout.from_source("phone"), turnout.from_source("paper")) == (5, 0)
    assert turnout.present == len(people)
    assert turnout.summary().startswith(f"5 of {len(people)} present have voted")
    result = count_round(demo, phone_round.id).questions[2]
    assert [f.figure for f in option_figures(result)] == ["0", "5", "0"]


def test_revoke_and_reissue(demo: EventStore, phone_round: BallotRound) -> None:
    lan.open_question(demo, phone_round.id, 0, actor="test")
    person = present(demo)[0]
    q = phone_round.questions[0]
    lan.cast_vote(demo, person.id, phone_round.id, 0, Answer.choose(q, 0), actor="phone")
    lan.revoke(demo, person.id, actor="test")
    after = get(demo, person.id)
    assert after.token != person.token and after.badge_code != person.badge_code
    with pytest.raises(lan.LanError) as refused:
        lan.voter(demo, person.id)
    assert refused.value.reason == "revoked"
    with pytest.raises(lan.LanError):
        lan.join(demo, person.badge_code)
    renewed = lan.reissue(demo, person.id, actor="test").participant
    assert renewed.token not in (person.token, after.token)
    assert lan.join(demo, renewed.badge_code).id == person.id
    with pytest.raises(lan.LanError) as refused:  # the new badge cannot vote twice
        lan.cast_vote(demo, person.id, phone_round.id, 0, Answer.choose(q, 1), actor="phone")
    assert refused.value.reason == "already_voted"


def test_join_by_short_code(demo: EventStore) -> None:
    person = present(demo)[0]
    code = person.badge_code
    assert lan.join(demo, f"{code[:4].lower()}-{code[4:]}").id == person.id
    with pytest.raises(lan.LanError) as refused:
        lan.join(demo, code[:-1] + ("0" if code[-1] != "0" else "1"))
    assert refused.value.reason == "typo"  # the check character says so: no look-up


def test_raised_hands_wait_for_the_facilitator(demo: EventStore) -> None:
    from facilitator.timing.queries import state

    person = present(demo)[0]
    lan.raise_hand(demo, person.id, actor="phone")
    with pytest.raises(lan.LanError):
        lan.raise_hand(demo, person.id, actor="phone")
    (hand,) = lan.hands(demo)
    assert hand.participant.id == person.id
    assert all(e.participant.id != person.id for e in state(demo).queue)
    changes = lan.approve_hand(demo, hand.id, actor="test")
    assert changes.plenary and changes.phones
    assert any(e.participant.id == person.id for e in state(demo).queue)
    assert lan.hands(demo) == []
    with pytest.raises(lan.LanError):
        lan.approve_hand(demo, hand.id, actor="test")
    lan.raise_hand(demo, present(demo)[1].id, actor="phone")
    lan.lower_hand(demo, present(demo)[1].id, actor="phone")
    assert lan.hands(demo) == []


def test_audit_log_records_that_a_vote_arrived_and_nothing_else(
        demo: EventStore, phone_round: BallotRound) -> None:
    lan.save_settings(demo, lan.LanSettings(allow_change=True), actor="test")
    lan.open_question(demo, phone_round.id, 0, actor="test")
    person = present(demo)[0]
    q = phone_round.questions[0]
    first = lan.cast_vote(demo, person.id, phone_round.id, 0, Answer.choose(q, 1), actor="phone")
    second = lan.cast_vote(demo, person.id, phone_round.id, 0, Answer.choose(q, 0), actor="phone")
    rows = demo.query("SELECT object_id, old, new, actor FROM audit_log "
                      "WHERE action = 'lan_vote' ORDER BY id")
    assert [(r["object_id"], r["old"], json.loads(r["new"]), r["actor"]) for r in rows] == [
        (str(phone_round.id), None, {"question": 0, "changed": False}, "phone"),
        (str(phone_round.id), None, {"question": 0, "changed": True}, "phone")]
    log = " ".join(str(v) for r in demo.query("SELECT * FROM audit_log") for v in r)
    assert first.vote.receipt not in log and second.vote.receipt not in log


def test_a_rank_or_grade_of_zero_is_refused_not_stored_as_blank(
        demo: EventStore, phone_round: BallotRound) -> None:
    lan.open_question(demo, phone_round.id, 4, actor="test")  # rank
    lan.open_question(demo, phone_round.id, 8, actor="test")  # judgment
    person = present(demo)[0]
    for index, marks in ((4, (0, None, None, None)), (4, (1, 0, None, None)),
                         (8, (0, None))):
        with pytest.raises(lan.LanError) as refused:
            lan.cast_vote(demo, person.id, phone_round.id, index, Answer(marks), actor="phone")
        assert refused.value.reason == "invalid" and "0" in refused.value.message
    assert phone_answers(demo, phone_round.id, 4) == []
    assert not lan.has_voted(demo, person.id, phone_round.id, 4)


def test_who_voted_is_apart_from_what(demo: EventStore, phone_round: BallotRound) -> None:
    """No table or view of the event file pairs a participant with an answer or a receipt
    once changing is impossible; while it is possible, only lan_links does."""
    lan.open_question(demo, phone_round.id, 0, actor="test")
    people = present(demo)[:3]
    q = phone_round.questions[0]
    for number, person in enumerate(reversed(people)):
        lan.cast_vote(demo, person.id, phone_round.id, 0, Answer.choose(q, number), actor="phone")
    assert demo.query("SELECT participants FROM lan_voter_lists")[0][0] == json.dumps(
        sorted(p.id for p in people), separators=(",", ":"))
    assert {r[0] for r in demo.query("SELECT participant_id FROM lan_voted")} == {
        p.id for p in people}
    assert demo.query("SELECT count(*) FROM lan_links")[0][0] == 0
    assert [c[1] for c in demo.query("PRAGMA table_info(lan_ballots)")] == [
        "receipt", "round_id", "question_index", "answer"]
    assert lan.my_vote(demo, people[0].id, phone_round.id, 0) is None
    assert lan.has_voted(demo, people[0].id, phone_round.id, 0)


def test_links_go_when_the_question_or_round_closes_or_changing_stops(
        demo: EventStore, phone_round: BallotRound) -> None:
    from facilitator.ballots import close_round

    lan.save_settings(demo, lan.LanSettings(allow_change=True), actor="test")
    for index in range(3):
        lan.open_question(demo, phone_round.id, index, actor="test")
    person = present(demo)[0]
    for index in range(3):
        lan.cast_vote(demo, person.id, phone_round.id, index,
                      Answer.choose(phone_round.questions[index], 0), actor="phone")
    assert demo.query("SELECT count(*) FROM lan_links")[0][0] == 3
    lan.close_question(demo, phone_round.id, 0, actor="test")
    assert [r[0] for r in demo.query("SELECT question_index FROM lan_links")] == [1, 2]
    assert lan.my_vote(demo, person.id, phone_round.id, 0) is None
    lan.save_settings(demo, lan.LanSettings(allow_change=False), actor="test")
    assert demo.query("SELECT count(*) FROM lan_links")[0][0] == 0
    lan.save_settings(demo, lan.LanSettings(allow_change=True), actor="test")
    other = present(demo)[1]
    lan.cast_vote(demo, other.id, phone_round.id, 1, Answer.choose(phone_round.questions[1], 0),
                  actor="phone")
    with pytest.raises(lan.LanError) as refused:  # voted while changing was off: no link
        lan.cast_vote(demo, person.id, phone_round.id, 1,
                      Answer.choose(phone_round.questions[1], 1), actor="phone")
    assert refused.value.reason == "already_voted"
    close_round(demo, phone_round.id, note="test", actor="test")
    assert demo.query("SELECT count(*) FROM lan_links")[0][0] == 0
    assert lan.phone_questions(demo, open_only=True) == []


def test_votes_arriving_together_are_written_together(demo: EventStore,
                                                      phone_round: BallotRound,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The phone server's votes go through a group commit: each gets its own answer (or
    refusal), none is lost or doubled, and the write-ahead log is cleared once per group."""
    import threading

    lan.open_question(demo, phone_round.id, 0, actor="test")
    q = phone_round.questions[0]
    people = present(demo)[:24]
    scrubs: list[bool] = []
    real_scrub = EventStore.scrub

    def counting_scrub(self: EventStore, *, rebuild: bool = True) -> None:
        scrubs.append(rebuild)
        real_scrub(self, rebuild=rebuild)

    monkeypatch.setattr(EventStore, "scrub", counting_scrub)
    start = threading.Barrier(8)
    outcomes: dict[int, list[str]] = {}

    def phone(chunk: list[int]) -> None:
        start.wait()
        for pid in chunk:
            for _attempt in range(2):  # the second is refused: one vote per person
                try:
                    result = lan.vote_from_phone(demo, pid, phone_round.id, 0,
                                                 Answer.choose(q, pid % 2), actor="phone")
                    outcomes.setdefault(pid, []).append(result.vote.receipt)
                except lan.LanError as exc:
                    outcomes.setdefault(pid, []).append(exc.reason)

    threads = [threading.Thread(target=phone, args=([p.id for p in people[k::8]],))
               for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(len(o) == 2 and o[1] == "already_voted" for o in outcomes.values())
    receipts = sorted(o[0] for o in outcomes.values())
    assert sorted(phone_receipts(demo, phone_round.id, 0)) == receipts
    assert len(receipts) == len(people) and demo.integrity_check() == "ok"
    assert scrubs and not any(scrubs)  # the WAL only, never a rebuild per vote
    assert len(scrubs) <= 2 * len(people)
    assert Path(f"{demo.path}-wal").stat().st_size == 0
