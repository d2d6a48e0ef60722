"""Phone votes in the event file: one per person, paper or phone, revoke/reissue, hands."""

from __future__ import annotations

import sqlite3

import pytest

from facilitator.ballots import Answer, get_round, hand_out, issue_codes
from facilitator.ballots.rounds import BallotRound
from facilitator.lan import votes as lan
from facilitator.people import get
from facilitator.store import EventStore

from .conftest import absent, present


def test_open_question_freezes_a_draft_round(demo: EventStore, phone_round: BallotRound) -> None:
    assert phone_round.status == "draft"
    changes = lan.open_question(demo, phone_round.id, 0)
    assert changes.phones and changes.ballots
    assert get_round(demo, phone_round.id).status == "open"
    assert [q.index for q in lan.phone_questions(demo, open_only=True)] == [0]


def test_one_vote_per_person(demo: EventStore, phone_round: BallotRound) -> None:
    lan.open_question(demo, phone_round.id, 0)
    person = present(demo)[0]
    q = phone_round.questions[0]
    first = lan.cast_vote(demo, person.id, phone_round.id, 0, Answer.choose(q, 0))
    assert first.changes.phones and not first.replaced
    with pytest.raises(lan.LanError) as refused:
        lan.cast_vote(demo, person.id, phone_round.id, 0, Answer.choose(q, 1))
    assert refused.value.reason == "already_voted"
    assert lan.phone_answers(demo, phone_round.id, 0) == [Answer.choose(q, 0)]


def test_changing_a_vote_when_the_event_allows(demo: EventStore,
                                               phone_round: BallotRound) -> None:
    lan.save_settings(demo, lan.LanSettings(allow_change=True))
    lan.open_question(demo, phone_round.id, 0)
    person = present(demo)[0]
    q = phone_round.questions[0]
    lan.cast_vote(demo, person.id, phone_round.id, 0, Answer.choose(q, 0))
    second = lan.cast_vote(demo, person.id, phone_round.id, 0, Answer.choose(q, 1))
    assert second.replaced
    assert lan.phone_answers(demo, phone_round.id, 0) == [Answer.choose(q, 1)]
    assert lan.turnout(demo, phone_round.id, 0).phone == 1


def test_the_event_file_refuses_a_second_live_vote(demo: EventStore,
                                                   phone_round: BallotRound) -> None:
    lan.open_question(demo, phone_round.id, 0)
    person = present(demo)[0]
    lan.cast_vote(demo, person.id, phone_round.id, 0, Answer.choose(phone_round.questions[0], 0))
    with pytest.raises(sqlite3.IntegrityError), demo.transaction():
        demo.execute("INSERT INTO lan_votes (round_id, question_index, participant_id, answer, "
                     "receipt, cast_at) VALUES (?, 0, ?, '{\"m\": [1, null, null]}', 'X', 'now')",
                     (phone_round.id, person.id))


def test_closed_and_unopened_questions_refuse(demo: EventStore,
                                              phone_round: BallotRound) -> None:
    person = present(demo)[0]
    q = phone_round.questions[0]
    with pytest.raises(lan.LanError) as refused:
        lan.cast_vote(demo, person.id, phone_round.id, 0, Answer.choose(q, 0))
    assert refused.value.reason == "not_open"
    lan.open_question(demo, phone_round.id, 0)
    lan.close_question(demo, phone_round.id, 0)
    with pytest.raises(lan.LanError) as refused:
        lan.cast_vote(demo, person.id, phone_round.id, 0, Answer.choose(q, 0))
    assert refused.value.reason == "closed"


def test_only_people_checked_in_vote(demo: EventStore, phone_round: BallotRound) -> None:
    lan.open_question(demo, phone_round.id, 0)
    with pytest.raises(lan.LanError) as refused:
        lan.cast_vote(demo, absent(demo)[0].id, phone_round.id, 0,
                      Answer.choose(phone_round.questions[0], 0))
    assert refused.value.reason == "not_present"


def test_invalid_answers_are_refused_with_the_reason(demo: EventStore,
                                                     phone_round: BallotRound) -> None:
    for index in range(len(phone_round.questions)):
        lan.open_question(demo, phone_round.id, index)
    person = present(demo)[0]
    approval = phone_round.questions[3]
    with pytest.raises(lan.LanError) as refused:
        lan.cast_vote(demo, person.id, phone_round.id, 3, Answer.choose(approval, 0, 1, 2))
    assert refused.value.reason == "invalid" and "over-marked" in refused.value.message
    with pytest.raises(lan.LanError):  # not a mark the paper could hold
        lan.cast_vote(demo, person.id, phone_round.id, 3, Answer((5, None, None, None)))
    with pytest.raises(lan.LanError):  # wrong number of marks
        lan.cast_vote(demo, person.id, phone_round.id, 3, Answer((1,)))
    assert lan.phone_answers(demo, phone_round.id, 3) == []


def test_paper_or_phone_never_both(demo: EventStore, phone_round: BallotRound) -> None:
    issue_codes(demo, phone_round.id, 5)
    lan.open_question(demo, phone_round.id, 0)
    on_paper, on_phone = present(demo)[:2]
    q = phone_round.questions[0]
    hand_out(demo, phone_round.id, on_paper.id)
    with pytest.raises(lan.LanError) as refused:
        lan.cast_vote(demo, on_paper.id, phone_round.id, 0, Answer.choose(q, 0))
    assert refused.value.reason == "paper"
    lan.cast_vote(demo, on_phone.id, phone_round.id, 0, Answer.choose(q, 0))
    reason = lan.paper_refusal(demo, phone_round.id, on_phone.id)
    assert reason is not None and on_phone.name in reason and "phone" in reason
    assert lan.paper_refusal(demo, phone_round.id, on_paper.id) is None
    with pytest.raises(sqlite3.IntegrityError, match="voted by phone"):
        hand_out(demo, phone_round.id, on_phone.id)


def test_turnout_counts_people_present(demo: EventStore, phone_round: BallotRound) -> None:
    lan.open_question(demo, phone_round.id, 2)
    people = present(demo)
    q = phone_round.questions[2]
    for person in people[:5]:
        lan.cast_vote(demo, person.id, phone_round.id, 2, Answer.choose(q, 1))
    turnout = lan.turnout(demo, phone_round.id, 2)
    assert (turnout.phone, turnout.paper) == (5, 0)
    assert turnout.present == len(people)
    assert turnout.text().startswith(f"5 of {len(people)} present have voted")
    assert lan.phone_option_counts(q, lan.phone_answers(demo, phone_round.id, 2)) == [0, 5, 0]


def test_revoke_and_reissue(demo: EventStore, phone_round: BallotRound) -> None:
    lan.open_question(demo, phone_round.id, 0)
    person = present(demo)[0]
    q = phone_round.questions[0]
    lan.cast_vote(demo, person.id, phone_round.id, 0, Answer.choose(q, 0))
    lan.revoke(demo, person.id)
    after = get(demo, person.id)
    assert after.token != person.token and after.badge_code != person.badge_code
    with pytest.raises(lan.LanError) as refused:
        lan.voter(demo, person.id)
    assert refused.value.reason == "revoked"
    with pytest.raises(lan.LanError):
        lan.join(demo, person.badge_code)
    _changes, renewed = lan.reissue(demo, person.id)
    assert renewed.token not in (person.token, after.token)
    assert lan.join(demo, renewed.badge_code).id == person.id
    with pytest.raises(lan.LanError) as refused:  # the new badge cannot vote twice
        lan.cast_vote(demo, person.id, phone_round.id, 0, Answer.choose(q, 1))
    assert refused.value.reason == "already_voted"


def test_join_by_short_code(demo: EventStore) -> None:
    person = present(demo)[0]
    code = person.badge_code
    assert lan.join(demo, f"{code[:4].lower()}-{code[4:]}").id == person.id
    with pytest.raises(lan.LanError) as refused:
        lan.join(demo, code[:-1] + ("0" if code[-1] != "0" else "1"))
    assert refused.value.reason == "bad_code"


def test_raised_hands_wait_for_the_facilitator(demo: EventStore) -> None:
    from facilitator.timing.queries import state

    person = present(demo)[0]
    lan.raise_hand(demo, person.id)
    with pytest.raises(lan.LanError):
        lan.raise_hand(demo, person.id)
    (hand,) = lan.hands(demo)
    assert hand.participant.id == person.id
    assert all(e.participant.id != person.id for e in state(demo).queue)
    changes = lan.approve_hand(demo, hand.id)
    assert changes.plenary and changes.phones
    assert any(e.participant.id == person.id for e in state(demo).queue)
    assert lan.hands(demo) == []
    with pytest.raises(lan.LanError):
        lan.approve_hand(demo, hand.id)
    lan.raise_hand(demo, present(demo)[1].id)
    lan.lower_hand(demo, present(demo)[1].id)
    assert lan.hands(demo) == []


def test_audit_log_records_receipts_not_choices(demo: EventStore,
                                                phone_round: BallotRound) -> None:
    lan.open_question(demo, phone_round.id, 0)
    person = present(demo)[0]
    result = lan.cast_vote(demo, person.id, phone_round.id, 0,
                           Answer.choose(phone_round.questions[0], 1))
    row = demo.query_one("SELECT new FROM audit_log WHERE action = 'lan_vote'")
    assert row is not None and result.vote.receipt in row["new"] and "\"m\"" not in row["new"]
