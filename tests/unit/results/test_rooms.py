"""The results package has the rooms of every subsystem (ARCHITECTURE.md): ops that name
their actor in the audit log and refuse with one sentence, changing nothing; queries that
never write; a package apart from the pure counting in ``facilitator.tally``."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from facilitator.changes import Changes
from facilitator.demo import sample_round
from facilitator.errors import UserError
from facilitator.results import ops, queries
from facilitator.results.model import ResultsError
from facilitator.store import EventStore

ACTOR = "desk 2"


def audit_rows(store: EventStore) -> list[tuple[str, str]]:
    return [(r["action"], r["actor"]) for r in store.query(
        "SELECT action, actor FROM audit_log WHERE action LIKE 'results_%' ORDER BY id")]


def test_every_op_records_its_actor_and_returns_what_changed(demo: EventStore) -> None:
    rid = sample_round(demo, 6)
    assert ops.set_live(demo, rid, True, actor=ACTOR) == Changes(ballots=True)
    assert ops.set_projected(demo, (rid, 1), actor=ACTOR) == Changes(ballots=True)
    assert ops.set_projected(demo, None, actor="projector remote") == Changes(ballots=True)
    assert audit_rows(demo) == [("results_live", ACTOR), ("results_projector", ACTOR),
                                ("results_projector", "projector remote")]


def test_every_op_takes_a_keyword_only_actor() -> None:
    public = [f for name, f in vars(ops).items() if inspect.isfunction(f)
              and f.__module__ == ops.__name__ and not name.startswith("_")]
    assert {f.__name__ for f in public} == {"set_live", "set_projected"}
    for function in public:
        actor = inspect.signature(function).parameters.get("actor")
        assert actor is not None and actor.kind is inspect.Parameter.KEYWORD_ONLY, \
            function.__name__
        assert actor.default is inspect.Parameter.empty, function.__name__


def test_a_refusal_is_one_sentence_and_changes_nothing(demo: EventStore) -> None:
    rid = sample_round(demo, 6)
    before = demo.query("SELECT count(*) AS n FROM audit_log")[0]["n"]
    with pytest.raises(ResultsError, match="hidden until the round is closed") as refused:
        ops.set_projected(demo, (rid, 0), actor=ACTOR)
    assert isinstance(refused.value, UserError) and refused.value.message.count(".") == 1
    assert queries.projected(demo) is None
    assert demo.query("SELECT count(*) AS n FROM audit_log")[0]["n"] == before
    with pytest.raises(ResultsError, match="no question 99"):
        queries.answers_for(demo, rid, 98)


def test_queries_never_write(demo: EventStore, monkeypatch: pytest.MonkeyPatch) -> None:
    rid = sample_round(demo, 8)
    ops.set_live(demo, rid, True, actor=ACTOR)
    before = demo.query("SELECT count(*) AS n FROM audit_log")[0]["n"]

    @contextmanager
    def no_writes() -> Iterator[None]:
        raise AssertionError("a query opened a write transaction")
        yield

    monkeypatch.setattr(demo, "transaction", no_writes)
    ballots = queries.round_ballots(demo, rid)
    assert len(ballots) == 8
    results = queries.count_round(demo, rid)
    assert results.visible and queries.is_live(demo, rid)
    assert queries.results_visible(demo, results.round)
    assert [t.voted for t in queries.round_turnouts(demo, rid)] == \
        [r.turnout.voted for r in results.questions]
    assert queries.question_turnout(demo, rid, 0) == results.questions[0].turnout
    assert queries.answers_for(demo, rid, 0).fingerprint == results.fingerprint
    assert queries.projected(demo) is None
    assert queries.pb_rule_of(demo, rid, 8) is results.round.questions[8].pb_rule
    assert demo.query("SELECT count(*) AS n FROM audit_log")[0]["n"] == before
