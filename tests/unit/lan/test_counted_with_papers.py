"""Phone votes and paper ballots counted together, each person once."""

from __future__ import annotations

import pytest

from facilitator import lan
from facilitator.ballots import Question, create_round, enter, hand_out, issue_codes
from facilitator.ballots.errors import BallotError
from facilitator.ballots.marks import Answer
from facilitator.errors import UserError
from facilitator.people import list_participants
from facilitator.results import answers_for, count_round
from facilitator.results.exports import ballots_csv
from facilitator.store import EventStore


def test_mixed_round_counts_phones_and_papers(demo: EventStore) -> None:
    yes_no = Question.yes_no("Close the centre to cars on Saturdays?")
    where = Question.choose_one("Where next?", ["Town hall", "Library"])
    ballot_round = create_round(demo, "Mixed", (yes_no, where), channel="both", actor="test").round
    papers = [p.code for p in issue_codes(demo, ballot_round.id, 3, actor="test").papers]
    lan.open_question(demo, ballot_round.id, 0, actor="test")
    lan.open_question(demo, ballot_round.id, 1, actor="test")
    people = [p for p in list_participants(demo) if p.present and p.role == "participant"]
    phone_a, phone_b, paper_person = people[0], people[1], people[2]
    lan.cast_vote(demo, phone_a.id, ballot_round.id, 0, Answer.choose(yes_no, 0), actor="phone")
    lan.cast_vote(demo, phone_a.id, ballot_round.id, 1, Answer.choose(where, 1), actor="phone")
    lan.cast_vote(demo, phone_b.id, ballot_round.id, 0, Answer.choose(yes_no, 1),
                  actor="phone")  # q1 only
    hand_out(demo, ballot_round.id, paper_person.id, actor="test")
    # both channels: every paper handed out
    hand_out(demo, ballot_round.id, people[4].id, actor="test")
    with pytest.raises((UserError, BallotError)):
        lan.cast_vote(demo, paper_person.id, ballot_round.id, 0, Answer.choose(yes_no, 0),
                      actor="phone")
    enter(demo, ballot_round.id, papers[0], [Answer.choose(yes_no, 0), Answer.choose(where, 0)],
          actor="desk")
    enter(demo, ballot_round.id, papers[1], [Answer.choose(yes_no, 0), Answer.blank(where)],
          actor="desk")
    first = answers_for(demo, ballot_round.id, 0)
    assert first.turnout.voted == 4 and dict(first.turnout.by_source) == {"paper": 2, "phone": 2}
    second = answers_for(demo, ballot_round.id, 1)
    assert second.turnout.voted == 3  # phone_b did not vote on it: not counted as blank
    assert second.turnout.blank == 1
    results = count_round(demo, ballot_round.id)
    yes = results.questions[0].count
    assert [line.value for line in yes.lines][:2] == [3, 1]  # Yes: 2 papers + 1 phone
    csv_rows = ballots_csv(results).splitlines()
    # A phone ballot answers one question (a person's answers are not tied together): 2
    # papers and 3 phone ballots, each phone ballot "not voted" on the other question.
    assert len(csv_rows) == 1 + 5 and sum("not voted" in row for row in csv_rows) == 3
    # A later phone vote changes the fingerprint: the count is of a different ballot set.
    before = results.fingerprint
    lan.cast_vote(demo, people[3].id, ballot_round.id, 0, Answer.choose(yes_no, 0), actor="phone")
    assert count_round(demo, ballot_round.id).fingerprint != before
