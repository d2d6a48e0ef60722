"""Q&A domain: capture, moderation, merges, fair order, asking, follow-up."""

from __future__ import annotations

import random
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from facilitator.clock import FakeClock
from facilitator.people import import_people, list_participants, parse_people
from facilitator.qa import model, ops, queries
from facilitator.qa.export import qa_csv
from facilitator.qa.model import QaError
from facilitator.reports.qa import write_followup
from facilitator.store import EventStore

ROOT = Path(__file__).resolve().parents[3]
ACTOR = "desk 1"


@pytest.fixture
def event(store: EventStore, tmp_path: Path) -> EventStore:
    path = tmp_path / "p.csv"
    lines = ["ID,Name,Role"] + [f"{n},Member {n},participant" for n in range(1, 41)]
    lines += ["E1,Dr Ada Expert,expert", "E2,Prof. Bo Expert,expert"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_people(store, parse_people(path), actor="test")
    return store


def pid(store: EventStore, ext_id: str) -> int:
    return next(p.id for p in list_participants(store) if p.ext_id == ext_id)


@pytest.fixture
def panel_id(event: EventStore) -> int:
    return ops.create_panel(event, "Transport experts", [pid(event, "E1"), pid(event, "E2")],
                            actor=ACTOR).panel_id


def add(store: EventStore, panel: int, table: str, text: str, clock: FakeClock,
        approved: bool = True) -> int:
    clock.advance(1)
    return ops.add_question(store, panel, table, text, approved=approved,
                            actor=ACTOR).question_id


def test_capture_requires_table_and_text(event: EventStore, panel_id: int) -> None:
    with pytest.raises(QaError, match="Which table"):
        ops.add_question(event, panel_id, " ", "Why?", actor=ACTOR)
    with pytest.raises(QaError, match="empty"):
        ops.add_question(event, panel_id, "3", "   ", actor=ACTOR)
    added = ops.add_question(event, panel_id, "3", "Why buses?", asker_id=pid(event, "1"),
                             anonymous=True, actor=ACTOR)
    q = queries.question(event, added.question_id)
    assert added.changes.qa and q.status == "pending" and q.asker_label == ""
    assert q.asker is not None and q.asker.ext_id == "1"  # kept, but not shown


def test_table_qr_codes_round_trip() -> None:
    assert model.table_from_scan(model.table_code("7")) == "7"
    assert model.table_from_scan("facilitator-table:12B") == "12B"
    assert model.table_from_scan("K7QM2X4") is None


def test_edits_keep_the_original_and_history(event: EventStore, panel_id: int,
                                             clock: FakeClock) -> None:
    qid = add(event, panel_id, "1", "what about bikes", clock)
    ops.edit_text(event, qid, "What about bikes?", actor=ACTOR)
    ops.edit_text(event, qid, "What about safe bike lanes?", actor=ACTOR)
    q = queries.question(event, qid)
    assert q.text == "What about safe bike lanes?" and q.original_text == "what about bikes"
    assert [(old, new) for _at, old, new in queries.edit_history(event, qid)] == [
        ("what about bikes", "What about bikes?"),
        ("What about bikes?", "What about safe bike lanes?")]
    assert not ops.edit_text(event, qid, "What about safe bike lanes?", actor=ACTOR).any


def test_merge_combines_votes_and_tables_and_unmerge_restores(
    event: EventStore, panel_id: int, clock: FakeClock
) -> None:
    a = add(event, panel_id, "1", "Cost of trams?", clock)
    b = add(event, panel_id, "2", "How much would trams cost?", clock, approved=False)
    c = add(event, panel_id, "3", "Tram costs?", clock)
    ops.add_votes(event, a, 3, actor=ACTOR)
    ops.add_votes(event, b, 2, actor=ACTOR)
    ops.add_votes(event, c, 1, actor=ACTOR)
    voter = pid(event, "9")
    ops.upvote(event, b, voter, actor=ACTOR)
    ops.merge(event, a, [b, c], actor=ACTOR)
    merged = queries.question(event, a)
    assert merged.votes == 3 + 2 + 1 + 1
    assert merged.tables == ["1", "2", "3"] and sorted(merged.sources) == [b, c]
    assert [q.id for q in queries.state(event, panel_id).order] == [a]
    with pytest.raises(QaError, match="already voted"):
        ops.upvote(event, a, voter, actor=ACTOR)  # voted for a source: still one vote each
    ops.unmerge(event, b, actor=ACTOR)
    restored = queries.question(event, b)
    assert restored.status == "pending" and restored.votes == 3  # 2 by hand + 1 phone
    assert queries.question(event, a).votes == 3 + 1
    with pytest.raises(QaError, match="not merged"):
        ops.unmerge(event, b, actor=ACTOR)


def test_round_robin_no_second_question_before_every_table_had_one(
    event: EventStore, panel_id: int, clock: FakeClock
) -> None:
    rng = random.Random(5)
    tables = [str(t) for t in range(1, 9)]
    for n in range(30):
        add(event, panel_id, rng.choice(tables), f"Question {n}", clock)
        if rng.random() < 0.3:
            ops.add_votes(event, n + 1, rng.randint(0, 5), actor=ACTOR)
    asked: Counter[str] = Counter()
    while True:
        order = queries.state(event, panel_id).order
        if not order:
            break
        nxt = order[0]
        waiting_tables = {q.table for q in order}
        # The table asked next has had no more questions than any other table still waiting.
        assert asked[nxt.table] == min(asked[t] for t in waiting_tables), (nxt.table, asked)
        assert nxt.reason.startswith(f"table {nxt.table}")
        ops.ask(event, nxt.id, actor=ACTOR)
        asked[nxt.table] += 1
        clock.advance(60)
        ops.close(event, nxt.id, "answered", actor=ACTOR)
    assert sum(asked.values()) == 30


def test_round_robin_within_a_table_most_votes_first(event: EventStore, panel_id: int,
                                                     clock: FakeClock) -> None:
    a1 = add(event, panel_id, "A", "a1", clock)
    a2 = add(event, panel_id, "A", "a2", clock)
    b1 = add(event, panel_id, "B", "b1", clock)
    ops.add_votes(event, a2, 5, actor=ACTOR)
    assert [q.id for q in queries.state(event, panel_id).order] == [a2, b1, a1]


def test_votes_and_arrival_and_manual_orders(event: EventStore, panel_id: int,
                                             clock: FakeClock) -> None:
    a = add(event, panel_id, "1", "a", clock)
    b = add(event, panel_id, "1", "b", clock)
    c = add(event, panel_id, "2", "c", clock)
    ops.add_votes(event, c, 4, actor=ACTOR)
    ops.add_votes(event, b, 2, actor=ACTOR)
    ops.set_order_mode(event, panel_id, "votes", actor=ACTOR)
    assert [q.id for q in queries.state(event, panel_id).order] == [c, b, a]
    assert queries.state(event, panel_id).order[0].reason == "4 votes"
    ops.add_votes(event, a, 1, actor=ACTOR)
    assert queries.state(event, panel_id).order[-1].reason == "1 vote"  # not "1 votes"
    ops.set_order_mode(event, panel_id, "arrival", actor=ACTOR)
    assert [q.id for q in queries.state(event, panel_id).order] == [a, b, c]
    ops.move(event, panel_id, c, 0, actor=ACTOR)
    assert queries.panel(event, panel_id).order_mode == "manual"
    assert [q.id for q in queries.state(event, panel_id).order] == [c, a, b]


def test_pending_and_hidden_questions_are_not_asked(event: EventStore, panel_id: int,
                                                    clock: FakeClock) -> None:
    p = add(event, panel_id, "1", "pending one", clock, approved=False)
    h = add(event, panel_id, "2", "to hide", clock)
    ops.hide(event, h, actor=ACTOR)
    assert queries.state(event, panel_id).order == []
    with pytest.raises(QaError, match="No approved question"):
        ops.ask_next(event, panel_id, actor=ACTOR)
    with pytest.raises(QaError, match="waiting for approval"):
        ops.ask(event, p, actor=ACTOR)
    ops.approve(event, p, actor=ACTOR)
    ops.ask_next(event, panel_id, actor=ACTOR)
    assert queries.state(event, panel_id).now is not None


def test_asking_outcomes_and_timer(event: EventStore, panel_id: int, clock: FakeClock) -> None:
    a = add(event, panel_id, "1", "a", clock)
    b = add(event, panel_id, "2", "b", clock)
    c = add(event, panel_id, "3", "c", clock)
    ops.ask(event, a, seconds=120, actor=ACTOR)
    clock.advance(30)
    now = queries.state(event, panel_id).now
    assert now is not None and now.timer is not None
    assert now.timer.remaining(clock) == pytest.approx(90)
    ops.toggle_timer(event, a, actor=ACTOR)
    clock.advance(100)
    assert queries.question(event, a).timer.remaining(clock) == pytest.approx(90)  # type: ignore[union-attr]
    ops.ask(event, b, actor=ACTOR)  # moving on marks the current one answered
    assert queries.question(event, a).status == "answered"
    ops.close(event, b, "deferred", actor=ACTOR)
    with pytest.raises(QaError, match="Say why"):
        ops.close(event, c, "declined", actor=ACTOR)
    ops.close(event, c, "declined", "Outside the remit of this assembly", actor=ACTOR)
    assert queries.question(event, c).outcome_reason == "Outside the remit of this assembly"
    ops.reopen(event, c, actor=ACTOR)
    assert queries.question(event, c).status == "approved"


def test_written_answers_only_for_deferred(event: EventStore, panel_id: int,
                                           clock: FakeClock) -> None:
    a = add(event, panel_id, "1", "a", clock)
    with pytest.raises(QaError, match="not deferred"):
        ops.record_written_answer(event, a, "Answer", actor=ACTOR)
    ops.assign_experts(event, a, [pid(event, "E2")], actor=ACTOR)
    ops.close(event, a, "deferred", actor=ACTOR)
    clock.advance(86400)
    ops.record_written_answer(event, a, "It costs €40m.", pid(event, "E2"), actor=ACTOR)
    answers = queries.written_answers(event, a)
    assert answers[0].text == "It costs €40m." and answers[0].expert is not None
    assert answers[0].received_at == clock.now()
    groups = queries.deferred_by_expert(event, panel_id)
    assert [(e.name if e else None, [q.id for q in qs]) for e, qs in groups] == [
        ("Prof. Bo Expert", [a])]


def test_session_of_12_tables_3_questions_4_merges_2_experts(
    event: EventStore, panel_id: int, clock: FakeClock, tmp_path: Path
) -> None:
    """The issue's 'done when', run end to end on the core, with the follow-up printed."""
    e1, e2 = pid(event, "E1"), pid(event, "E2")
    ids: dict[tuple[int, int], int] = {}
    for table in range(1, 13):
        for k in range(3):
            ids[table, k] = add(event, panel_id, str(table),
                                f"Table {table} asks question {k + 1} about transport?", clock,
                                approved=False)
    for qid in ids.values():
        ops.approve(event, qid, actor=ACTOR)
    for (table, k), qid in ids.items():
        ops.add_votes(event, qid, (table * 7 + k * 3) % 6, actor=ACTOR)
    for target, source in (((1, 0), (2, 0)), ((3, 0), (4, 1)), ((5, 2), (6, 2)),
                           ((7, 0), (8, 0))):
        ops.merge(event, ids[target], [ids[source]], actor=ACTOR)
    for n, qid in enumerate(ids.values()):
        ops.assign_experts(event, qid, [e1 if n % 2 else e2], actor=ACTOR)
    asked = 0
    while queries.state(event, panel_id).order and asked < 20:
        ops.ask_next(event, panel_id, actor=ACTOR)
        clock.advance(150)
        asked += 1
    now = queries.state(event, panel_id).now
    assert now is not None
    ops.close(event, now.id, "answered", actor=ACTOR)
    left = queries.state(event, panel_id).order
    for q in left:
        ops.close(event, q.id, "deferred", actor=ACTOR)
    first_asked = [q for q in queries.questions(event, panel_id) if q.status == "answered"]
    assert len(first_asked) == 20
    # Twelve tables: the first twelve asked cover every table before any second question.
    by_time = sorted(first_asked, key=lambda q: q.asked_at or datetime.max.replace(tzinfo=UTC))
    covered: set[str] = set()
    for q in by_time:
        if len(covered) == 12:
            break
        assert q.table not in covered, f"table {q.table} had a second question too early"
        covered.update(q.tables)
    assert covered == {str(t) for t in range(1, 13)}
    assert len(left) == 36 - 4 - 20
    pdf = write_followup(tmp_path / "followup.pdf", event, panel_id,
                         printed_at=datetime(2026, 11, 21, 17, tzinfo=UTC))
    reader = PdfReader(pdf)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Questions to the panel: Transport experts" in text
    assert "Written answers requested — Dr Ada Expert" in text
    assert "Written answers requested — Prof. Bo Expert" in text
    assert "written answer to follow" in " ".join(text.split())
    assert len(reader.pages) >= 3
    rows = qa_csv(event).splitlines()
    assert len(rows) == 1 + 36
    assert sum(1 for r in rows if ",merged," in r) == 4


def test_cli_exports_csv(event: EventStore, panel_id: int, clock: FakeClock,
                         tmp_path: Path) -> None:
    add(event, panel_id, "4", "Why, exactly?", clock)
    path = event.path
    event.close()
    out = tmp_path / "qa.csv"
    result = subprocess.run([sys.executable, "-m", "facilitator", "qa", str(path), "--export",
                             str(out)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("panel,id,status,table")
    assert lines[1].startswith('Transport experts,1,approved,4,4,,"Why, exactly?"')


def test_merge_refuses_other_panels_and_asked_questions(event: EventStore, panel_id: int,
                                                        clock: FakeClock) -> None:
    other = ops.create_panel(event, "Other", actor=ACTOR).panel_id
    a = add(event, panel_id, "1", "a", clock)
    b = add(event, other, "1", "b", clock)
    with pytest.raises(QaError, match="different panels"):
        ops.merge(event, a, [b], actor=ACTOR)
    c = add(event, panel_id, "2", "c", clock)
    ops.ask(event, c, actor=ACTOR)
    with pytest.raises(QaError, match="being asked"):
        ops.merge(event, c, [a], actor=ACTOR)
    with pytest.raises(QaError, match="at least two"):
        ops.merge(event, a, [a], actor=ACTOR)


@pytest.mark.parametrize("tables", ["0", "-3", "501"])
def test_cli_cards_for_no_tables_is_one_sentence(event: EventStore, panel_id: int,
                                                 tmp_path: Path, tables: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from facilitator.cli import main

    path = event.path
    event.close()
    out = tmp_path / "cards.pdf"
    assert main(["qa", str(path), "--cards", str(out), "--tables", tables]) == 1
    assert capsys.readouterr().err == "error: Print cards for 1 to 500 tables.\n"
    assert not out.exists()
