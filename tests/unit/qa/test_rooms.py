"""The Q&A package has the rooms of every subsystem (ARCHITECTURE.md): ops that name their
actor and return what changed (a result object, never a tuple), queries that never write,
and model names no reader confuses with the ballots' ``Question``/``QuestionError``."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import facilitator.qa
from facilitator.changes import Changes, HasChanges, changes_of
from facilitator.clock import FakeClock
from facilitator.people import import_people, list_participants, parse_people
from facilitator.qa import ops, queries
from facilitator.qa.model import QaError, QaQuestion
from facilitator.store import EventStore

ACTOR = "desk 2"
QA_ACTIONS = {
    "create_panel", "qa_order_mode", "add_question", "approve_question", "hide_question",
    "edit_question", "label_question", "assign_experts", "question_votes", "upvote_question",
    "merge_question", "unmerge_question", "move_question", "ask_question", "answer_question",
    "defer_question", "decline_question", "reopen_question", "pause_question_timer",
    "resume_question_timer", "written_answer",
}


@pytest.fixture
def event(store: EventStore, tmp_path: Path) -> EventStore:
    path = tmp_path / "p.csv"
    lines = ["ID,Name,Role"] + [f"{n},Member {n},participant" for n in range(1, 6)]
    lines += ["E1,Dr Ada Expert,expert"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_people(store, parse_people(path), actor="test")
    return store


def every_op(store: EventStore, clock: FakeClock) -> int:
    """Call every op of the package once (or more), as ``ACTOR``; the panel's id."""
    people = {p.ext_id: p.id for p in list_participants(store)}
    panel = ops.create_panel(store, "Experts", [people["E1"]], actor=ACTOR).panel_id

    def add(table: str, text: str, approved: bool = True) -> int:
        clock.advance(1)
        return ops.add_question(store, panel, table, text, approved=approved,
                                actor=ACTOR).question_id

    a, b, c, d = add("1", "a"), add("2", "b", False), add("3", "c"), add("4", "d")
    ops.approve(store, b, actor=ACTOR)
    ops.hide(store, d, actor=ACTOR)
    ops.edit_text(store, a, "a, reworded", actor=ACTOR)
    ops.set_labels(store, a, ["cost"], actor=ACTOR)
    ops.assign_experts(store, a, [people["E1"]], actor=ACTOR)
    ops.add_votes(store, a, 2, actor=ACTOR)
    ops.upvote(store, b, people["1"], actor=ACTOR)
    ops.merge(store, a, [d], actor=ACTOR)
    ops.unmerge(store, d, actor=ACTOR)
    ops.set_order_mode(store, panel, "votes", actor=ACTOR)
    ops.move(store, panel, c, 0, actor=ACTOR)
    ops.ask(store, c, actor=ACTOR)
    ops.toggle_timer(store, c, actor=ACTOR)
    ops.toggle_timer(store, c, actor=ACTOR)
    ops.ask_next(store, panel, actor=ACTOR)  # c is marked answered on the way
    ops.close(store, a, "deferred", actor=ACTOR)
    ops.record_written_answer(store, a, "By post.", people["E1"], actor=ACTOR)
    ops.close(store, b, "declined", "Not for this panel", actor=ACTOR)
    ops.reopen(store, b, actor=ACTOR)
    return panel


def test_every_op_records_its_actor_in_the_audit_log(event: EventStore,
                                                     clock: FakeClock) -> None:
    every_op(event, clock)
    rows = event.query("SELECT action, actor FROM audit_log "
                       "WHERE object_type IN ('qa_panel', 'question')")
    assert {r["action"] for r in rows} == QA_ACTIONS
    assert {r["actor"] for r in rows} == {ACTOR}


def test_every_op_takes_a_keyword_only_actor() -> None:
    public = [f for name, f in vars(ops).items() if inspect.isfunction(f)
              and f.__module__ == ops.__name__ and not name.startswith("_")]
    assert len(public) >= 19
    for function in public:
        actor = inspect.signature(function).parameters.get("actor")
        assert actor is not None and actor.kind is inspect.Parameter.KEYWORD_ONLY, \
            function.__name__
        assert actor.default is inspect.Parameter.empty, function.__name__


def test_ops_that_hand_back_a_value_return_a_result_with_its_changes(
        event: EventStore) -> None:
    created = ops.create_panel(event, "Experts", actor=ACTOR)
    added = ops.add_question(event, created.panel_id, "3", "Why?", actor=ACTOR)
    for result in (created, added):
        assert not isinstance(result, tuple)
        assert isinstance(result, HasChanges) and dataclasses.is_dataclass(result)
        assert changes_of(result) == Changes(qa=True)
        with pytest.raises(dataclasses.FrozenInstanceError):
            result.changes = Changes()  # type: ignore[misc]
    assert queries.question(event, added.question_id).panel_id == created.panel_id
    assert [p.id for p in queries.panels(event)] == [created.panel_id]


def test_queries_never_write(event: EventStore, clock: FakeClock,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    panel = every_op(event, clock)
    deferred = next(q.id for q in queries.questions(event, panel) if q.status == "deferred")
    before = event.query("SELECT count(*) AS n FROM audit_log")[0]["n"]

    @contextmanager
    def no_writes() -> Iterator[None]:
        raise AssertionError("a query opened a write transaction")
        yield

    monkeypatch.setattr(event, "transaction", no_writes)
    assert queries.latest_panel_id(event) == panel
    assert queries.panel(event, panel).title == "Experts"
    assert len(queries.panels(event)) == 1
    assert len(queries.questions(event, panel)) == 4
    assert queries.state(event, panel).order  # the declined question, reopened
    assert queries.question(event, deferred).status == "deferred"
    assert queries.edit_history(event, 1)
    assert queries.written_answers(event, deferred)[0].text == "By post."
    assert queries.deferred_by_expert(event, panel)
    assert event.query("SELECT count(*) AS n FROM audit_log")[0]["n"] == before


def test_qa_names_are_not_the_ballots_names() -> None:
    """A reader never meets two ``Question`` or ``QuestionError`` classes (ballots keep theirs)."""
    from facilitator.ballots import Question, QuestionError

    assert QaQuestion is not Question and not issubclass(QaError, QuestionError)
    for info in pkgutil.walk_packages(facilitator.qa.__path__, "facilitator.qa."):
        module = importlib.import_module(info.name)
        assert not {"Question", "QuestionError"} & set(vars(module)), info.name


def test_a_refused_op_changes_nothing(event: EventStore) -> None:
    panel = ops.create_panel(event, "Experts", actor=ACTOR).panel_id
    before = event.query("SELECT count(*) AS n FROM audit_log")[0]["n"]
    with pytest.raises(QaError, match="Which table"):
        ops.add_question(event, panel, " ", "Why?", actor=ACTOR)
    with pytest.raises(QaError, match="There is no question number 99"):
        ops.ask(event, 99, actor=ACTOR)
    assert event.query("SELECT count(*) AS n FROM audit_log")[0]["n"] == before
    assert queries.questions(event, panel) == []
