"""Issue 11, part 2: a closed round stays closed, rules are fixed with the round, only those
entitled vote, and paper and phones never mix unless the round says so (and then checked)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest
from pypdf import PdfReader

from facilitator import lan
from facilitator.ballots import (
    DECISION,
    FIRST,
    SECOND,
    Answer,
    BallotError,
    BallotRound,
    Question,
    QuestionError,
    RoundStateError,
    adjudicate,
    close_round,
    create_round,
    delete_round,
    enter,
    entitled_present,
    get_round,
    hand_out,
    issue_codes,
    parse_round_spec,
    queries,
    reconcile,
    record_counts,
    record_rejected,
    reopen_round,
    round_spec,
    scan,
    set_double_entry,
    undo_entry,
    undo_hand_out,
    update_round,
    voting_refusal,
)
from facilitator.clock import FakeClock
from facilitator.people import Participant, add_walk_in, list_participants, undo_check_in
from facilitator.results import count_round
from facilitator.store import EventStore
from facilitator.store.migrations import MIGRATIONS
from facilitator.tally import Project

from .conftest import three_questions


def participants(store: EventStore) -> list[Participant]:
    return [p for p in list_participants(store) if p.present and p.role == "participant"]


def budget_question(rule: str = "greedy") -> Question:
    return Question.pb_budget("Spend the budget", [
        Project("p1", Fraction(40000), "Playground"),
        Project("p2", Fraction(25000), "Street trees"),
        Project("p3", Fraction(60000), "Youth club")], 100000, pb_rule=rule)


def yes(r: BallotRound, choice: int = 0) -> list[Answer]:
    q = r.questions
    return [Answer.choose(q[0], choice), Answer.ranking(q[1], (2, 0)), Answer.choose(q[2], 1)]


def audit_count(store: EventStore) -> int:
    return int(store.query("SELECT count(*) FROM audit_log")[0][0])


# -- closed means closed -------------------------------------------------------------------------


def test_phone_votes_after_close_are_refused_and_the_fingerprint_stays(demo: EventStore
                                                                        ) -> None:
    r = create_round(demo, "Phones", three_questions(), channel="phones", actor="test").round
    for index in range(3):
        lan.open_question(demo, r.id, index, actor="test")
    people = participants(demo)
    for person in people[:5]:
        lan.cast_vote(demo, person.id, r.id, 0, Answer.choose(r.questions[0], 0), actor="phone")
    before = count_round(demo, r.id).fingerprint
    closed = close_round(demo, r.id, note="phones only", actor="test").round
    assert closed.fingerprint == before  # sealed at close
    for person in people[5:26]:  # the 21 votes of the report
        with pytest.raises(lan.LanError) as refused:
            lan.cast_vote(demo, person.id, r.id, 1, Answer.choose(r.questions[1], 0), actor="phone")
        assert refused.value.reason == "closed"
    with pytest.raises(lan.LanError):
        lan.open_question(demo, r.id, 0, actor="test")
    after = count_round(demo, r.id)
    assert after.fingerprint == before and not after.fingerprint_mismatch
    assert after.questions[0].turnout.voted == 5 and after.questions[1].turnout.voted == 0
    # The WAL was emptied once the close was committed (no history of the votes left).
    wal = Path(f"{demo.path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_a_closed_round_refuses_every_change(demo: EventStore) -> None:
    r = create_round(demo, "Desk", three_questions(), double_entry=True, actor="test").round
    papers = issue_codes(demo, r.id, 6, actor="test").papers
    for paper in papers[:3]:
        enter(demo, r.id, paper.code, yes(r), actor="Ann")
        enter(demo, r.id, paper.code, yes(r, 0 if paper is not papers[2] else 1),
              actor="Bob", pass_=SECOND)
    adjudicate(demo, r.id, papers[2].code, actor="Cy", keep=FIRST)
    person = participants(demo)[0]
    hand_out(demo, r.id, person.id, actor="test")
    record_counts(demo, r.id, issued=3, returned=3, actor="test")
    sealed = close_round(demo, r.id, note="test", actor="test").round.fingerprint
    entry_id = demo.query("SELECT max(id) FROM ballot_entries")[0][0]
    before = audit_count(demo)
    refusals = [
        lambda: enter(demo, r.id, papers[4].code, yes(r), actor="Ann"),
        lambda: scan(demo, r.id, papers[4].code),
        lambda: scan(demo, r.id, "NOT-A-CODE"),
        lambda: adjudicate(demo, r.id, papers[2].code, actor="Cy", keep=SECOND),
        lambda: enter(demo, r.id, papers[2].code, yes(r), actor="Cy", pass_=DECISION),
        lambda: undo_entry(demo, entry_id, actor="test"),
        lambda: record_counts(demo, r.id, issued=4, actor="test"),
        lambda: set_double_entry(demo, r.id, False, actor="test"),
        lambda: issue_codes(demo, r.id, 1, actor="test"),
        lambda: hand_out(demo, r.id, participants(demo)[1].id, actor="test"),
        lambda: undo_hand_out(demo, r.id, person.id, actor="test"),
        lambda: update_round(demo, r.id, "Desk", three_questions(), actor="test"),
        lambda: delete_round(demo, r.id, actor="test"),
        lambda: record_rejected(demo, r.id, papers[0].code,
                                BallotError("a re-scan"), actor="Ann"),
        lambda: close_round(demo, r.id, note="again", actor="test"),
    ]
    for refused in refusals:
        with pytest.raises(RoundStateError):
            refused()
    assert audit_count(demo) == before
    results = count_round(demo, r.id)
    assert results.fingerprint == sealed and not results.fingerprint_mismatch


def test_the_funding_rule_is_not_a_setting_of_the_results(demo: EventStore) -> None:
    """Before issue 11 the Results page saved a rule per question in meta results_display,
    even after close; nothing written there changes a count now."""
    r = create_round(demo, "Budget", (budget_question("greedy"),), actor="test").round
    papers = issue_codes(demo, r.id, 4, actor="test").papers
    q = r.questions[0]
    for paper, chosen in zip(papers, [(0, 1), (0, 1), (2,), (1,)], strict=True):
        enter(demo, r.id, paper.code, [Answer.choose(q, *chosen)], actor="Ann")
    close_round(demo, r.id, note="test", actor="test")
    before = count_round(demo, r.id).questions[0].count
    with demo.transaction():
        demo.set_meta_json("results_display", {"pb_rules": {f"{r.id}:0": "equalshares/add1"}})
    after = count_round(demo, r.id).questions[0].count
    assert after == before and after.pb is not None and after.pb.rule.value == "greedy"


def test_a_changed_file_is_shown_loudly_not_with_another_fingerprint(
        demo: EventStore, tmp_path: Path) -> None:
    from facilitator.reports.results import write_result_sheet

    r = create_round(demo, "Tamper", three_questions(), actor="test").round
    papers = issue_codes(demo, r.id, 3, actor="test").papers
    for paper in papers:
        enter(demo, r.id, paper.code, yes(r), actor="Ann")
    sealed = close_round(demo, r.id, note="test", actor="test").round.fingerprint
    assert sealed is not None
    with demo.transaction():  # someone edits the file behind the app's back
        demo.execute("UPDATE ballot_entries SET answers = ? WHERE code = ?",
                     (json.dumps([a.to_json() for a in yes(r, 1)]), papers[0].code))
    results = count_round(demo, r.id)
    assert results.fingerprint_mismatch and results.fingerprint == sealed
    assert results.recounted_fingerprint != sealed
    assert all(q.fingerprint == sealed for q in results.questions)
    pdf = write_result_sheet(tmp_path / "sheet.pdf", [results])
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    assert "WARNING" in text and "no longer match" in text
    assert results.recounted_fingerprint[:16] in text


def test_reopening_is_audited_and_releases_the_fingerprint(demo: EventStore) -> None:
    r = create_round(demo, "Late paper", three_questions(), actor="test").round
    papers = issue_codes(demo, r.id, 2, actor="test").papers
    enter(demo, r.id, papers[0].code, yes(r), actor="Ann")
    sealed = close_round(demo, r.id, note="one missing", actor="test").round.fingerprint
    reopened = reopen_round(demo, r.id, actor="Ann", note="the paper came back").round
    assert reopened.fingerprint is None and reopened.is_open
    row = demo.query_one("SELECT old, new, actor FROM audit_log WHERE action = "
                         "'ballot_round_reopen'")
    assert row is not None and row["actor"] == "Ann"
    assert json.loads(row["new"]) == {"note": "the paper came back",
                                      "fingerprint_released": sealed}
    enter(demo, r.id, papers[1].code, yes(r), actor="Ann")
    resealed = close_round(demo, r.id, note="all in", actor="test").round.fingerprint
    assert resealed is not None and resealed != sealed


# -- rules fixed with the round -------------------------------------------------------------


def test_the_funding_rule_is_part_of_the_question_and_locked_once_open(
        demo: EventStore, tmp_path: Path) -> None:
    from facilitator.lan.pages import question_body
    from facilitator.lan.text import translation
    from facilitator.reports.ballots import write_ballot_papers

    r = create_round(demo, "Budget", (budget_question("greedy"),), actor="test").round
    r = update_round(demo, r.id, "Budget", (budget_question("equalshares/add1"),),
                     actor="test").round
    assert r.questions[0].pb_rule.value == "equalshares/add1"
    assert r.spec()["questions"][0]["pb_rule"] == "equalshares/add1"
    printed = issue_codes(demo, r.id, 1, actor="test")
    with pytest.raises(RoundStateError, match="can no longer change"):
        update_round(demo, r.id, "Budget", (budget_question("greedy"),), actor="test")
    pdf = write_ballot_papers(tmp_path / "papers.pdf", printed.round, list(printed.papers),
                              event_name="Demo")
    paper = " ".join(PdfReader(pdf).pages[0].extract_text().split())
    assert "Funding rule: Method of Equal Shares." in paper
    q = Question.yes_no("Close the centre?", rule=replace(
        Question.yes_no("x").rule, threshold=Fraction(2, 3), inclusive=True))
    phones = create_round(demo, "Phones", (q, budget_question("greedy-no-skip")),
                          channel="phones", actor="test").round
    lan.open_question(demo, phones.id, 0, actor="test")
    with pytest.raises(RoundStateError):  # a phone round freezes its rules the same way
        update_round(demo, phones.id, "Phones", (Question.yes_no("Close the centre?"),),
                     actor="test")
    pq = lan.phone_question(demo, phones.id, 0)
    assert pq is not None
    page = question_body(translation("en"), "/v/x", "k", pq, voted=False, vote=None,
                         allow_change=False)
    assert "How it is decided:" in page and "at least 66.7%" in page
    assert phones.questions[1].decided_by() == \
        "Funding rule: Greedy, stop at the first that does not fit."


def test_a_bad_funding_rule_is_refused_with_a_sentence() -> None:
    with pytest.raises(QuestionError, match="funding rule"):
        budget_question("greedy-threshold")
    with pytest.raises(QuestionError, match="Unknown funding rule"):
        Question.from_json({**budget_question().to_json(), "pb_rule": "dearest-first"})
    with pytest.raises(QuestionError, match="only a budget question"):
        Question.from_json({"kind": "yes_no", "text": "Go?", "pb_rule": "equalshares/add1"})


def test_ballots_new_reads_channel_voters_and_funding_rule(demo: EventStore,
                                                           tmp_path: Path) -> None:
    from facilitator.cli import main

    spec = round_spec("CLI round", (budget_question("equalshares/add1"),), channel="both",
                      voters=("participant", "observer"))
    _title, questions, options = parse_round_spec(json.loads(json.dumps(spec)))
    assert options["channel"] == "both" and options["voters"] == ("participant", "observer")
    assert questions[0].pb_rule.value == "equalshares/add1"
    path = tmp_path / "round.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    demo.close()
    assert main(["ballots", "new", str(demo.path), str(path)]) == 0
    with EventStore.open(demo.path) as store:
        made = get_round(store, 1)
        assert (made.channel, made.voters) == ("both", ("participant", "observer"))
        assert made.questions[0].pb_rule.value == "equalshares/add1"
    for bad, message in (({"channel": "carrier pigeon"}, "channel"),
                         ({"voters": ["guests"]}, "Unknown role"),
                         ({"voters": []}, "At least one role")):
        with pytest.raises(QuestionError, match=message):
            parse_round_spec({**spec, **bad})


# -- who may vote ------------------------------------------------------------------------------


@pytest.fixture
def others(demo: EventStore) -> dict[str, Participant]:
    """One checked-in person of each role that does not vote by default."""
    found = {p.role: p for p in list_participants(demo) if p.present}
    found["observer"] = add_walk_in(demo, "Olga Observer", role="observer",
                                    actor="test").participant
    return {role: found[role] for role in ("expert", "observer", "staff", "facilitator")}


def test_only_those_entitled_vote_by_phone_or_on_paper(
        demo: EventStore, others: dict[str, Participant]) -> None:
    phones = create_round(demo, "Phones", three_questions(), channel="phones", actor="test").round
    paper = create_round(demo, "Paper", three_questions(), channel="paper", actor="test").round
    lan.open_question(demo, phones.id, 0, actor="test")
    issue_codes(demo, paper.id, 5, actor="test")
    q = phones.questions[0]
    for role, person in others.items():
        with pytest.raises(lan.LanError) as refused:
            lan.cast_vote(demo, person.id, phones.id, 0, Answer.choose(q, 0), actor="phone")
        assert refused.value.reason == "not_entitled", role
        assert "not entitled to vote" in refused.value.message
        assert "only participants vote" in refused.value.message
        with pytest.raises(BallotError, match="not entitled to vote"):
            hand_out(demo, paper.id, person.id, actor="test")
    assert queries.phone_voters(demo, phones.id) == set()
    assert demo.query("SELECT count(*) FROM ballot_handouts")[0][0] == 0
    member = participants(demo)[0]
    lan.cast_vote(demo, member.id, phones.id, 0, Answer.choose(q, 0), actor="phone")
    hand_out(demo, paper.id, member.id, actor="test")
    # "Present" is those present who may vote, not everyone checked in.
    assert entitled_present(demo, phones) == len(participants(demo))
    assert reconcile(demo, phones.id).present == len(participants(demo))


def test_a_round_can_let_other_roles_vote(demo: EventStore,
                                          others: dict[str, Participant]) -> None:
    r = create_round(demo, "Everyone", three_questions(), channel="phones",
                     voters=("participant", "observer", "expert"), actor="test").round
    lan.open_question(demo, r.id, 0, actor="test")
    q = r.questions[0]
    lan.cast_vote(demo, others["observer"].id, r.id, 0, Answer.choose(q, 0), actor="phone")
    lan.cast_vote(demo, others["expert"].id, r.id, 0, Answer.choose(q, 1), actor="phone")
    with pytest.raises(lan.LanError, match="only participants, experts and observers"):
        lan.cast_vote(demo, others["staff"].id, r.id, 0, Answer.choose(q, 0), actor="phone")
    experts = sum(1 for p in list_participants(demo) if p.present and p.role == "expert")
    assert entitled_present(demo, r.id) == len(participants(demo)) + experts + 1
    absentee = next(p for p in list_participants(demo)
                    if p.role == "participant" and not p.present)
    assert voting_refusal(demo, get_round(demo, r.id), absentee) == \
        f"{absentee.name} is not checked in."


# -- paper and phones -----------------------------------------------------------------------------


def test_by_default_a_round_is_paper_or_phones_never_both(demo: EventStore) -> None:
    on_paper = create_round(demo, "Printed first", three_questions(), actor="test").round
    assert on_paper.channel is None
    issue_codes(demo, on_paper.id, 3, actor="test")
    assert get_round(demo, on_paper.id).channel == "paper"
    with pytest.raises(RoundStateError, match="paper only"):
        lan.open_question(demo, on_paper.id, 0, actor="test")
    on_phones = create_round(demo, "Opened first", three_questions(), actor="test").round
    lan.open_question(demo, on_phones.id, 0, actor="test")
    assert get_round(demo, on_phones.id).channel == "phones"
    with pytest.raises(RoundStateError, match="phones only"):
        issue_codes(demo, on_phones.id, 3, actor="test")
    person = participants(demo)[0]
    with pytest.raises(RoundStateError, match="phones only"):
        hand_out(demo, on_phones.id, person.id, actor="test")
    with pytest.raises(RoundStateError, match="phones only"):
        record_counts(demo, on_phones.id, issued=1, actor="test")
    assert lan.phone_questions(demo) and all(
        pq.round_id == on_phones.id for pq in lan.phone_questions(demo))
    actions = [row[0] for row in demo.query(
        "SELECT action FROM audit_log WHERE action = 'ballot_round_channel'")]
    assert actions == ["ballot_round_channel"] * 2


def test_both_channels_check_each_other(demo: EventStore) -> None:
    r = create_round(demo, "Both", three_questions(), channel="both", actor="test").round
    papers = issue_codes(demo, r.id, 5, actor="test").papers
    lan.open_question(demo, r.id, 0, actor="test")
    a, b, c, d = participants(demo)[:4]
    # A paper beyond the hand-outs recorded is refused: no one can slip in a second vote.
    with pytest.raises(RoundStateError, match="handed out at the desk"):
        enter(demo, r.id, papers[0].code, yes(r), actor="Ann")
    hand_out(demo, r.id, a.id, actor="test")
    enter(demo, r.id, papers[0].code, yes(r), actor="Ann")
    enter(demo, r.id, papers[1].code, [], actor="Ann", spoiled=True)  # replaced at the desk
    with pytest.raises(RoundStateError, match="1 hand-out is recorded and 1 papers"):
        enter(demo, r.id, papers[2].code, yes(r), actor="Ann")
    with pytest.raises(lan.LanError) as refused:  # a paper, so no phone vote
        lan.cast_vote(demo, a.id, r.id, 0, Answer.choose(r.questions[0], 0), actor="phone")
    assert refused.value.reason == "paper"
    lan.cast_vote(demo, b.id, r.id, 0, Answer.choose(r.questions[0], 1), actor="phone")
    with pytest.raises(BallotError, match="already voted by phone"):  # a phone vote: no paper
        hand_out(demo, r.id, b.id, actor="test")
    hand_out(demo, r.id, c.id, actor="test")
    enter(demo, r.id, papers[2].code, yes(r), actor="Ann")
    with pytest.raises(RoundStateError, match="cannot be taken back"):
        undo_hand_out(demo, r.id, c.id, actor="test")  # c could then vote by phone too
    figures = reconcile(demo, r.id)
    assert (figures.entered, figures.phone_voters, figures.handed_out) == (2, 1, 2)
    assert ("Voted by phone (people)", "1") in figures.lines()
    assert d.id not in queries.phone_voters(demo, r.id)


def test_reconciliation_counts_phone_voters_against_those_present(demo: EventStore) -> None:
    r = create_round(demo, "Phones", three_questions(), channel="phones", actor="test").round
    lan.open_question(demo, r.id, 0, actor="test")
    people = participants(demo)
    for person in people[:4]:
        lan.cast_vote(demo, person.id, r.id, 0, Answer.choose(r.questions[0], 0), actor="phone")
    figures = reconcile(demo, r.id)
    assert figures.phone_voters == 4 and figures.voters == 4
    assert figures.discrepancies == ()  # no paper figures asked of a phone round
    assert [label for label, _value in figures.lines()] == [
        "Voted by phone (people)", "People present"]
    for person in people[2:]:  # everyone but two leaves before the count
        undo_check_in(demo, person.id, actor="test")
    figures = reconcile(demo, r.id)
    assert figures.present == 2
    assert figures.discrepancies == (
        "More people voted (0 on paper, 4 by phone) than people entitled to vote are "
        "present (2).",)
    with pytest.raises(BallotError, match="needs a note"):
        close_round(demo, r.id, actor="test")


def test_a_hand_out_racing_a_phone_vote_gets_a_sentence(
        demo: EventStore, monkeypatch: pytest.MonkeyPatch) -> None:
    r = create_round(demo, "Both", three_questions(), channel="both", actor="test").round
    issue_codes(demo, r.id, 2, actor="test")
    lan.open_question(demo, r.id, 0, actor="test")
    person = participants(demo)[0]
    lan.cast_vote(demo, person.id, r.id, 0, Answer.choose(r.questions[0], 0), actor="phone")
    # The phone vote lands between the desk's check and its write: only the event file's
    # trigger stands in the way, and the desk still reads a sentence.
    monkeypatch.setattr(queries, "paper_refusal", lambda *_args: None)
    before = audit_count(demo)
    with pytest.raises(BallotError, match="already voted by phone") as refused:
        hand_out(demo, r.id, person.id, actor="test")
    assert not isinstance(refused.value, sqlite3.Error)
    assert demo.query("SELECT count(*) FROM ballot_handouts")[0][0] == 0
    assert audit_count(demo) == before


# -- existing files and the demo -----------------------------------------------------------------


def _old_event(path: Path) -> None:
    """An event file as the version before issue 11 left it (schema 6)."""
    from facilitator.store.db import APPLICATION_ID

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("BEGIN")
    for step in MIGRATIONS[:6]:
        step(conn)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 6")
    conn.execute("INSERT INTO meta VALUES ('name', 'Old'), ('created_at', "
                 "'2024-05-01T09:00:00+00:00')")
    spec = json.dumps({k: v for k, v in budget_question().to_json().items() if k != "pb_rule"})
    yes_no = json.dumps(Question.yes_no("Go?").to_json())
    rounds = [(1, "draft", False, False), (2, "open", True, False), (3, "open", False, True),
              (4, "closed", True, True)]
    for rid, status, printed, phones in rounds:
        conn.execute("INSERT INTO ballot_rounds (id, title, status, created_at) VALUES "
                     "(?, ?, ?, '2024-05-01T09:00:00+00:00')", (rid, f"Round {rid}", status))
        conn.execute("INSERT INTO ballot_questions (round_id, position, spec) VALUES "
                     "(?, 0, ?), (?, 1, ?)", (rid, yes_no, rid, spec))
        if printed:
            conn.execute("INSERT INTO ballot_codes VALUES (?, ?, 1, 1, 'now')",
                         (f"CODE{rid}", rid))
        if phones:
            conn.execute("INSERT INTO lan_questions VALUES (?, 0, 'open', 'now', NULL)", (rid,))
    conn.execute("INSERT INTO meta VALUES ('results_display', ?)", (json.dumps(
        {"live": ["2"], "pb_rules": {"2:1": "equalshares/add1", "4:1": "greedy-no-skip",
                                     "2:0": "equalshares/add1"}}),))
    conn.execute("COMMIT")
    conn.close()


def test_an_older_event_file_keeps_its_rounds_and_rules(tmp_path: Path,
                                                        clock: FakeClock) -> None:
    path = tmp_path / "old.facilitator"
    _old_event(path)
    with EventStore.open(path, clock) as store:
        channels = {r.id: r.channel for r in (get_round(store, i) for i in range(1, 5))}
        assert channels == {1: None, 2: "paper", 3: "phones", 4: "both"}
        assert {get_round(store, i).voters for i in range(1, 5)} == {("participant",)}
        rules = {i: get_round(store, i).questions[1].pb_rule.value for i in range(1, 5)}
        assert rules == {1: "greedy", 2: "equalshares/add1", 3: "greedy",
                         4: "greedy-no-skip"}
        assert store.meta_json("results_display") == {"live": ["2"]}
        assert get_round(store, 4).fingerprint is None  # closed before anything was sealed
        assert store.integrity_check() == "ok"


def test_the_demo_event_still_builds_and_adds_up(tmp_path: Path, clock: FakeClock) -> None:
    from facilitator.demo import create_demo_event

    store = create_demo_event(tmp_path / "demo.facilitator", clock, with_votes=True)
    try:
        r = [get_round(store, row[0]) for row in store.query("SELECT id FROM ballot_rounds")]
        assert len(r) == 1 and r[0].channel == "paper" and r[0].voters == ("participant",)
        figures = reconcile(store, r[0].id)
        everyone = sum(1 for p in list_participants(store) if p.present)
        assert figures.present == len(participants(store)) < everyone
        assert figures.keyed == 48 and figures.phone_voters == 0
        assert figures.voters <= figures.present
        assert not any("present" in problem for problem in figures.discrepancies)
        results = count_round(store, r[0].id)
        assert results.questions[0].turnout.present == figures.present
        assert not results.fingerprint_mismatch
    finally:
        store.close()

