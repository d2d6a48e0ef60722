"""Rounds, scanning, entry, undo, double entry, adjudication, hand-outs, reconciliation."""

from __future__ import annotations

import json
import sqlite3

import pytest

from facilitator import codes
from facilitator.ballots import (
    DECISION,
    FIRST,
    SECOND,
    AlreadyEnteredError,
    Answer,
    BallotError,
    BallotRound,
    CodeError,
    QuestionError,
    ReconciliationError,
    RoundStateError,
    Status,
    adjudicate,
    close_round,
    counted_papers,
    create_round,
    delete_round,
    enter,
    fingerprint,
    get_round,
    hand_out,
    issue_codes,
    list_rounds,
    mismatches,
    paper_codes,
    pretty,
    reconcile,
    record_counts,
    record_rejected,
    rejected_counts,
    reopen_round,
    scan,
    undo_entry,
    undo_hand_out,
    update_round,
)
from facilitator.ballots.codes import new_ballot_code
from facilitator.clock import FakeClock
from facilitator.people import list_participants
from facilitator.store import SCHEMA_VERSION, EventStore

from .conftest import open_round, three_questions


def answers(r: BallotRound, yes: int = 0, ranking: tuple[int, ...] = (2, 0),
            scale: int = 1) -> list[Answer]:
    q = r.questions
    return [Answer.choose(q[0], yes), Answer.ranking(q[1], ranking), Answer.choose(q[2], scale)]


def audit_count(store: EventStore) -> int:
    return int(store.query("SELECT count(*) FROM audit_log")[0][0])


def test_schema_is_current(demo: EventStore) -> None:
    assert demo.schema_version() == SCHEMA_VERSION
    tables = {r[0] for r in demo.query("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"ballot_rounds", "ballot_questions", "ballot_codes", "ballot_entries",
            "ballot_handouts"} <= tables


def test_a_round_is_draft_until_printed_then_frozen(demo: EventStore) -> None:
    r = create_round(demo, "  Morning   vote ", three_questions(), actor="test").round
    assert (r.title, r.status, r.printed) == ("Morning vote", "draft", 0)
    r = update_round(demo, r.id, "Morning vote", three_questions()[:2], actor="test").round
    assert len(r.questions) == 2
    printed = issue_codes(demo, r.id, 5, actor="test")
    assert printed.round.status == "open" and printed.round.printed == 5
    assert [p.serial for p in printed.papers] == [1, 2, 3, 4, 5] and printed.batch == 1
    with pytest.raises(RoundStateError, match="can no longer change"):
        update_round(demo, r.id, "Other", three_questions(), actor="test")
    with pytest.raises(RoundStateError):
        delete_round(demo, r.id, actor="test")
    again = issue_codes(demo, r.id, 3, actor="test")
    assert [p.serial for p in again.papers] == [6, 7, 8] and again.batch == 2
    assert [p.code for p in paper_codes(demo, r.id, 2)] == [p.code for p in again.papers]
    stored = {row[0] for row in demo.query("SELECT code FROM ballot_codes")}
    assert len(stored) == 8


def test_a_draft_round_can_be_deleted(demo: EventStore) -> None:
    r = create_round(demo, "Try", three_questions(), actor="test").round
    delete_round(demo, r.id, actor="test")
    assert list_rounds(demo) == []
    actions = [row[0] for row in demo.query("SELECT action FROM audit_log "
                                            "WHERE object_type = 'ballot_round'")]
    assert actions == ["ballot_round_create", "ballot_round_delete"]


def test_round_needs_title_and_questions(demo: EventStore) -> None:
    with pytest.raises(QuestionError, match="title"):
        create_round(demo, " ", three_questions(), actor="test")
    with pytest.raises(QuestionError, match="at least one question"):
        create_round(demo, "Empty", (), actor="test")
    with pytest.raises(BallotError, match="between 1 and"):
        issue_codes(demo, create_round(demo, "R", three_questions(), actor="test").round.id, 0,
                    actor="test")


def test_enter_then_rescan_is_refused_with_time_and_operator(demo: EventStore,
                                                             clock: FakeClock) -> None:
    r, papers = open_round(demo)
    code = papers[0].code
    paper = scan(demo, r.id, pretty(code).lower())
    assert paper.code == code and paper.serial == 1
    result = enter(demo, r.id, code, answers(r), actor="Ann")
    assert [a.status for a in result.assessments] == [Status.VALID] * 3
    clock.advance(300)
    before = audit_count(demo)
    with pytest.raises(AlreadyEnteredError) as caught:
        scan(demo, r.id, code)
    when = result.entry.entered_at.astimezone().strftime("%H:%M:%S")
    assert caught.value.message == f"Paper {pretty(code)} was already entered at {when} by Ann."
    assert caught.value.operator == "Ann" and caught.value.entered_at == result.entry.entered_at
    with pytest.raises(AlreadyEnteredError):
        enter(demo, r.id, code, answers(r, yes=1), actor="Bob")
    assert audit_count(demo) == before  # refused: nothing changed, not even the log
    assert len(counted_papers(demo, r.id)) == 1


def test_unknown_mistyped_other_round_and_badge_codes_are_refused(demo: EventStore) -> None:
    r, papers = open_round(demo)
    _other, other_papers = open_round(demo, title="Afternoon vote")
    code = papers[0].code
    typo = code[:4] + ("X" if code[4] != "X" else "Y") + code[5:]
    with pytest.raises(CodeError, match="misread or mistyped"):
        scan(demo, r.id, typo)
    with pytest.raises(CodeError, match="was printed for this event"):
        scan(demo, r.id, new_ballot_code())
    with pytest.raises(CodeError) as caught:
        scan(demo, r.id, other_papers[3].code)
    assert "belongs to the round “Afternoon vote” (paper 4), not to “Morning vote”" in \
        caught.value.message
    badge = list_participants(demo)[0].badge_code
    with pytest.raises(CodeError, match="badge"):
        scan(demo, r.id, badge)
    with pytest.raises(CodeError, match="not a ballot code"):
        scan(demo, r.id, "hello")
    with pytest.raises(CodeError, match="Nothing was scanned"):
        scan(demo, r.id, "  ")
    assert codes.is_valid(code)


def test_refused_scans_can_be_logged_and_counted(demo: EventStore) -> None:
    r, papers = open_round(demo)
    enter(demo, r.id, papers[0].code, answers(r), actor="Ann")
    for text in (papers[0].code, "nonsense"):
        try:
            scan(demo, r.id, text)
        except CodeError as exc:
            record_rejected(demo, r.id, text, exc, actor="Ann")
    assert rejected_counts(demo, r.id) == {"duplicate": 1, "unknown": 1}
    assert reconcile(demo, r.id).rejected["duplicate"] == 1


def test_undo_is_logged_and_lets_the_paper_be_keyed_again(demo: EventStore) -> None:
    r, papers = open_round(demo)
    code = papers[0].code
    first = enter(demo, r.id, code, answers(r), actor="Ann")
    undo_entry(demo, first.entry.id, actor="Ann", reason="wrong paper")
    assert counted_papers(demo, r.id) == []
    with pytest.raises(BallotError, match="already undone"):
        undo_entry(demo, first.entry.id, actor="test")
    again = enter(demo, r.id, code, answers(r, yes=1), actor="Ann")
    counted = counted_papers(demo, r.id)
    assert [p.entry_id for p in counted] == [again.entry.id]
    log = demo.query("SELECT action, object_id, old, new, actor FROM audit_log "
                     "WHERE object_type = 'ballot' ORDER BY id")
    assert [row["action"] for row in log] == ["ballot_enter", "ballot_undo", "ballot_enter"]
    assert json.loads(log[1]["new"]) == {"reason": "wrong paper"}
    assert json.loads(log[1]["old"])["answers"][0] == {"m": [1, None, None]}


def test_spoiled_and_blank_and_invalid_papers_are_recorded_as_such(demo: EventStore) -> None:
    r, papers = open_round(demo)
    q = r.questions
    enter(demo, r.id, papers[0].code, [], actor="Ann", spoiled=True)
    enter(demo, r.id, papers[1].code, [Answer.blank(x) for x in q], actor="Ann")
    over = enter(demo, r.id, papers[2].code,
                 [Answer.choose(q[0], 0, 1), Answer.blank(q[1]), Answer.choose(q[2], 0)],
                 actor="Ann")
    assert [a.status for a in over.assessments] == [Status.INVALID, Status.BLANK, Status.VALID]
    counted = counted_papers(demo, r.id)
    assert [(p.spoiled, p.blank) for p in counted] == [(True, False), (False, True),
                                                        (False, False)]
    figures = reconcile(demo, r.id)
    assert (figures.entered, figures.spoiled, figures.blank, figures.counted) == (2, 1, 1, 2)


def test_the_event_file_itself_refuses_a_second_live_entry(demo: EventStore) -> None:
    r, papers = open_round(demo)
    enter(demo, r.id, papers[0].code, answers(r), actor="Ann")
    with pytest.raises(sqlite3.IntegrityError), demo.transaction():
        demo.execute("INSERT INTO ballot_entries (round_id, code, pass, answers, operator, "
                     "entered_at) VALUES (?, ?, 1, '[]', 'x', 'now')", (r.id, papers[0].code))


def test_double_entry_match_mismatch_and_adjudication(demo: EventStore) -> None:
    r, papers = open_round(demo, double_entry=True)
    a, b, c = (p.code for p in papers[:3])
    for code in (a, b, c):
        enter(demo, r.id, code, answers(r), actor="Ann")
    with pytest.raises(BallotError, match="someone else"):
        scan(demo, r.id, a, pass_=SECOND, actor="Ann")
    with pytest.raises(CodeError, match="not been keyed a first time"):
        scan(demo, r.id, papers[5].code, pass_=SECOND, actor="Bob")
    assert enter(demo, r.id, a, answers(r), actor="Bob", pass_=SECOND).matches_first
    second_b = enter(demo, r.id, b, answers(r, yes=1), actor="Bob", pass_=SECOND)
    assert second_b.matches_first is False
    enter(demo, r.id, c, [], actor="Bob", pass_=SECOND, spoiled=True)
    with pytest.raises(AlreadyEnteredError, match="second time"):
        scan(demo, r.id, a, pass_=SECOND, actor="Bob")
    listed = mismatches(demo, r.id)
    assert [m.code for m in listed] == [b, c]
    assert listed[0].differences[0].question == 0
    assert (listed[0].differences[0].first, listed[0].differences[0].second) == ("Yes", "No")
    assert listed[1].differences[0].question is None  # spoiled on one keying only
    # Until decided, a disputed paper does not count; the round cannot close.
    assert [p.code for p in counted_papers(demo, r.id)] == [a]
    assert reconcile(demo, r.id).pending == 2
    record_counts(demo, r.id, issued=3, returned=3, actor="test")
    with pytest.raises(ReconciliationError, match="adjudication list"):
        close_round(demo, r.id, note="anything", actor="test")
    with pytest.raises(BallotError, match="not on the adjudication list"):
        scan(demo, r.id, a, pass_=DECISION)
    adjudicate(demo, r.id, b, actor="Cai", keep=SECOND)
    decided = adjudicate(demo, r.id, c, actor="Cai",
                         answers=answers(r, yes=2), note="read the paper: abstain")
    with pytest.raises(AlreadyEnteredError, match="already decided"):
        adjudicate(demo, r.id, c, actor="Cai", keep=FIRST)
    counted = {p.code: p for p in counted_papers(demo, r.id)}
    assert counted[b].answers[0] == Answer.choose(r.questions[0], 1)
    assert counted[c].entry_id == decided.entry.id and counted[c].source_pass == DECISION
    assert all(p.verified for p in counted.values())
    # An adjudication must be undone before what it decided on.
    second_c = next(e for e in mismatches(demo, r.id, include_decided=True) if e.code == c)
    with pytest.raises(BallotError, match="undo that first"):
        undo_entry(demo, second_c.second.id, actor="test")
    figures = reconcile(demo, r.id)
    assert (figures.pending, figures.adjudicated, figures.second_keyed) == (0, 2, 3)
    close_round(demo, r.id, actor="Cai", note="")
    assert get_round(demo, r.id).is_closed


def test_second_keying_needs_double_entry(demo: EventStore) -> None:
    r, papers = open_round(demo)
    enter(demo, r.id, papers[0].code, answers(r), actor="Ann")
    with pytest.raises(RoundStateError, match="Double entry is off"):
        scan(demo, r.id, papers[0].code, pass_=SECOND, actor="Bob")


def test_reconciliation_and_closing_with_a_note(demo: EventStore, clock: FakeClock) -> None:
    r, papers = open_round(demo, 12)
    for p in papers[:9]:
        enter(demo, r.id, p.code, answers(r), actor="Ann")
    enter(demo, r.id, papers[9].code, [], actor="Ann", spoiled=True)
    figures = reconcile(demo, r.id)
    assert figures.discrepancies == ("The number of papers handed out is not recorded.",
                                     "The number of papers returned is not recorded.")
    with pytest.raises(BallotError, match="only 12 were printed"):
        record_counts(demo, r.id, issued=13, actor="test")
    record_counts(demo, r.id, issued=11, returned=11, actor="test")
    figures = reconcile(demo, r.id)
    assert (figures.printed, figures.issued, figures.returned, figures.entered,
            figures.spoiled) == (12, 11, 11, 9, 1)
    assert figures.discrepancies == ("1 returned paper is not keyed in yet.",)
    before = audit_count(demo)
    with pytest.raises(ReconciliationError, match="needs a note"):
        close_round(demo, r.id, note="  ", actor="test")
    assert audit_count(demo) == before and get_round(demo, r.id).status == "open"
    closed = close_round(demo, r.id, actor="Ann",
                         note="One paper was taken home by mistake.").round
    assert closed.is_closed and closed.close_note == "One paper was taken home by mistake."
    assert closed.present_at_close == reconcile(demo, r.id).present > 0
    with pytest.raises(RoundStateError, match="closed"):
        scan(demo, r.id, papers[10].code)
    with pytest.raises(RoundStateError):
        record_counts(demo, r.id, returned=12, actor="test")
    with pytest.raises(ReconciliationError, match="needs a note"):
        reopen_round(demo, r.id, note="", actor="test")
    reopen_round(demo, r.id, actor="Ann", note="The paper came back.")
    enter(demo, r.id, papers[10].code, answers(r), actor="Ann")
    assert reconcile(demo, r.id).balanced
    close_round(demo, r.id, actor="test")
    log = [row[0] for row in demo.query("SELECT action FROM audit_log WHERE object_type = "
                                        "'ballot_round' ORDER BY id")]
    assert log == ["ballot_round_create", "ballot_round_channel", "ballot_codes_issue",
                   "ballot_counts", "ballot_round_close", "ballot_round_reopen",
                   "ballot_round_close"]


def test_balanced_round_closes_without_a_note(demo: EventStore) -> None:
    r, papers = open_round(demo, 3)
    for p in papers:
        enter(demo, r.id, p.code, answers(r), actor="Ann")
    record_counts(demo, r.id, issued=3, returned=3, actor="test")
    assert reconcile(demo, r.id).balanced
    assert close_round(demo, r.id, actor="test").round.close_note is None


def test_hand_out_once_per_person_and_compared_in_reconciliation(demo: EventStore) -> None:
    r, _papers = open_round(demo, 5)
    people = [p for p in list_participants(demo) if p.present][:3]
    for person in people:
        hand_out(demo, r.id, person.id, actor="Desk")
    with pytest.raises(BallotError, match="already handed a paper"):
        hand_out(demo, r.id, people[0].id, actor="test")
    undo_hand_out(demo, r.id, people[2].id, actor="test")
    hand_out(demo, r.id, people[2].id, actor="test")
    record_counts(demo, r.id, issued=4, actor="test")
    figures = reconcile(demo, r.id)
    assert figures.handed_out == 3
    assert "4 papers counted as handed out, but 3 badges were scanned" in \
        " ".join(figures.discrepancies)


def test_fingerprint_changes_with_any_mark(demo: EventStore) -> None:
    r, papers = open_round(demo, 3)
    entry = enter(demo, r.id, papers[0].code, answers(r), actor="Ann")
    first = fingerprint(counted_papers(demo, r.id))
    assert first == fingerprint(counted_papers(demo, r.id)) and len(first) == 64
    undo_entry(demo, entry.entry.id, actor="test")
    enter(demo, r.id, papers[0].code, answers(r, scale=2), actor="Ann")
    assert fingerprint(counted_papers(demo, r.id)) != first
