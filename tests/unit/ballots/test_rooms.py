"""The ballots' rooms (issue 12): queries only read, every op names its actor."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

from facilitator import lan
from facilitator.ballots import FIRST, SECOND, Answer, ops, queries
from facilitator.people import list_participants
from facilitator.store import EventStore

from .conftest import open_round, three_questions


def test_every_op_takes_its_actor_by_keyword_and_returns_what_changed() -> None:
    found = {name: f for name, f in vars(ops).items()
             if inspect.isfunction(f) and f.__module__ == ops.__name__ and
             not name.startswith("_")}
    assert {"create_round", "enter", "hand_out", "close_round", "use_channel"} <= set(found)
    for name, function in found.items():
        actor = inspect.signature(function).parameters.get("actor")
        assert actor is not None and actor.kind is inspect.Parameter.KEYWORD_ONLY, name
        assert actor.default is inspect.Parameter.empty and actor.annotation == "str", name
        assert "operator" not in inspect.signature(function).parameters, name
        returned = inspect.signature(function).return_annotation
        assert returned in ("Changes", "RoundResult", "PrintResult", "EntryResult") or \
            name == "use_channel", name  # use_channel runs inside another op's transaction


def test_every_query_reads_a_snapshot_that_cannot_be_written(demo: EventStore,
                                                             tmp_path: Path) -> None:
    """A read-only snapshot refuses any write: each query runs on one without an error."""
    r, papers = open_round(demo, 4, double_entry=True)
    for paper in papers[:2]:
        ops.enter(demo, r.id, paper.code, [Answer.blank(q) for q in r.questions], actor="Ann")
    ops.enter(demo, r.id, papers[0].code, [Answer.blank(q) for q in r.questions],
              actor="Bob", pass_=SECOND)
    phones = ops.create_round(demo, "Phones", three_questions(), channel="phones",
                              actor="test").round
    lan.open_question(demo, phones.id, 0, actor="test")
    person = next(p for p in list_participants(demo) if p.present and p.role == "participant")
    lan.cast_vote(demo, person.id, phones.id, 0, Answer.choose(phones.questions[0], 0),
                  actor="phone")
    path = demo.path
    audit = demo.query_one("SELECT count(*) AS n FROM audit_log")
    demo.close()
    with EventStore.open(path, read_only=True) as snapshot:
        entry = queries.entries(snapshot, r.id)[0]
        read = {
            "rounds": [x.id for x in queries.list_rounds(snapshot)],
            "found": queries.find_round(snapshot, "Morning").id,
            "papers": len(queries.paper_codes(snapshot, r.id, 1)),
            "live": queries.live_entry(snapshot, papers[0].code, FIRST) is not None,
            "entry": queries.get_entry(snapshot, entry.id).code,
            "later": queries.later_pass(snapshot, queries.live_entry(
                snapshot, papers[0].code, FIRST) or entry),
            "mismatches": len(queries.mismatches(snapshot, r.id, include_decided=True)),
            "counted": len(queries.counted_papers(snapshot, r.id)),
            "figures": queries.reconcile(snapshot, phones.id).to_json(),
            "rejected": queries.rejected_counts(snapshot, r.id),
            "present": queries.entitled_present(snapshot, r.id),
            "handed": queries.handed_out_to(snapshot, r.id, person.id),
            "handouts": queries.handout_count(snapshot, r.id),
            "keyed": queries.keyed_ballots(snapshot, r.id),
            "refusal": queries.voting_refusal(snapshot, r, person),
            "phone": sorted(queries.phone_voters(snapshot, phones.id)),
            "paper_refusal": queries.paper_refusal(snapshot, phones.id, person.id),
            "scan": queries.scan(snapshot, r.id, papers[2].code, actor="Cy").serial,
            "pending": queries.pending_count(snapshot, r),
        }
    assert read["counted"] == 2 and read["later"] == SECOND and read["phone"] == [person.id]
    assert read["figures"]["phone_voters"] == 1 and read["scan"] == 3
    assert read["paper_refusal"] is not None and read["refusal"] is None
    with EventStore.open(path) as again:
        after = again.query_one("SELECT count(*) AS n FROM audit_log")
        assert after is not None and audit is not None and after["n"] == audit["n"]
    assert json.dumps(read["figures"])  # plain values, for the command line's --json

