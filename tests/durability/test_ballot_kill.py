"""Kill -9 the ballot desk at random instants: no confirmed paper lost, none counted twice.

As in ``test_kill.py``: a child Python keys papers into an event file and prints a line only
after each ``enter()`` or ``undo_entry()`` returned (the moment the operator would see it
confirmed); the parent SIGKILLs it at a random moment, reopens the file and checks it, and a
new child carries on where the last one stopped.

Operation k of the endless sequence is fixed: paper ``k % PAPERS``; on even passes through
the stack it is entered (with marks that depend on k, so the parent can check them), on odd
passes its entry is undone. Some children are frozen *inside* the transaction (after the
audit INSERT, before COMMIT) and killed there.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

from facilitator.ballots import (
    Answer,
    counted_papers,
    create_round,
    get_round,
    issue_codes,
    paper_codes,
)
from facilitator.ballots.questions import DecisionRule, Question
from facilitator.store import EventStore

from .harness import FREEZE_ON_AUDIT, run_and_kill

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and fork-style pipes are POSIX"),
]

PAPERS = 150
RANDOM_KILLS = 50
FROZEN_KILLS = 10
MAX_DELAY = 0.5
ACTIONS = ("ballot_enter", "ballot_undo")

CHILD = r"""
import sys
from facilitator.ballots import Answer, enter, get_round, live_entry, paper_codes, undo_entry
from facilitator.store import EventStore

path, freeze_after = sys.argv[1], int(sys.argv[2])
store = EventStore.open(path)
ballot_round = get_round(store, 1)
questions = ballot_round.questions
codes = [p.code for p in paper_codes(store, 1)]
done = store.query("SELECT count(*) FROM audit_log "
                   "WHERE action IN ('ballot_enter', 'ballot_undo')")[0][0]


def marks(op):
    ranking = [(op + i) % 4 for i in range(op % 4 + 1)]
    return [Answer.choose(questions[0], op % 3), Answer.ranking(questions[1], ranking),
            Answer.choose(questions[2], op % 5)]


""" + FREEZE_ON_AUDIT + r"""
print("READY", done, flush=True)
op = done
while True:
    code = codes[op % len(codes)]
    if (op // len(codes)) % 2 == 0:
        enter(store, 1, code, marks(op), actor=f"op{op}")
    else:
        undo_entry(store, live_entry(store, code, 1).id, actor="durability")
    print("OK", op, code, flush=True)
    op += 1
"""


def expected_marks(questions: tuple[Question, ...], op: int) -> tuple[Answer, ...]:
    ranking = [(op + i) % 4 for i in range(op % 4 + 1)]
    return (Answer.choose(questions[0], op % 3), Answer.ranking(questions[1], ranking),
            Answer.choose(questions[2], op % 5))


def check_ballots(path: Path, confirmed: int, *, exact: bool) -> int:
    """Reopen after a kill; return how many enter/undo operations the file holds."""
    with EventStore.open(path) as store:
        assert store.integrity_check() == "ok"
        questions = get_round(store, 1).questions
        codes = [p.code for p in paper_codes(store, 1)]
        log = store.query("SELECT action, object_id, new FROM audit_log "
                          "WHERE action IN (?, ?) ORDER BY id", ACTIONS)
        live = store.query("SELECT code, operator, answers FROM ballot_entries "
                           "WHERE undone_at IS NULL")
        counted = counted_papers(store, 1)
    done = len(log)
    if exact:
        assert done == confirmed + 1, (done, confirmed)
    else:
        assert confirmed + 1 <= done <= confirmed + 2, (done, confirmed)
    # The log holds exactly the first `done` operations of the sequence, in order...
    entered_by: dict[str, int] = {}
    for op, row in enumerate(log):
        code = codes[op % PAPERS]
        action = ACTIONS[(op // PAPERS) % 2]
        assert (row["action"], row["object_id"]) == (action, code), op
        if action == "ballot_enter":
            assert code not in entered_by
            entered_by[code] = op
        else:
            del entered_by[code]
    # ...the live entries are exactly those, each once, with the marks keyed...
    assert len(live) == len({row["code"] for row in live}) == len(entered_by)
    for row in live:
        op = entered_by[row["code"]]
        assert row["operator"] == f"op{op}"
        keyed = tuple(Answer.from_json(a) for a in json.loads(row["answers"]))
        assert keyed == expected_marks(questions, op)
    # ...and what counts is one paper per live entry: nothing lost, nothing twice.
    assert sorted(p.code for p in counted) == sorted(entered_by)
    return done


def test_sigkill_during_ballot_entry_loses_nothing_confirmed(tmp_path: Path) -> None:
    event = tmp_path / "ballots.facilitator"
    with EventStore.create(event, "Ballot durability") as store:
        questions = (Question.yes_no("Agree?", rule=DecisionRule.supermajority("60%")),
                     Question.rank("Rank", ["A", "B", "C", "D"]),
                     Question.scale("Support?"))
        ballot_round = create_round(store, "Vote", questions, actor="test").round
        assert ballot_round.id == 1
        issue_codes(store, ballot_round.id, PAPERS, actor="test")
    rng = random.Random(20261122)
    schedule = [rng.uniform(0.02, MAX_DELAY) for _i in range(RANDOM_KILLS)]
    schedule += [None] * FROZEN_KILLS
    rng.shuffle(schedule)
    confirmed, done, in_flight_committed = -1, 0, 0
    for delay in schedule:
        freeze_after = -1 if delay is not None else rng.randrange(0, 30)
        killed = run_and_kill([CHILD, str(event), str(freeze_after)], delay)
        assert killed.first == f"READY {done}\n"  # it carries on where the last one stopped
        confirmed = done - 1
        for line in killed.lines:
            word, op, _code = line.split()
            assert word == "OK" and int(op) == confirmed + 1
            confirmed = int(op)
        done = check_ballots(event, confirmed, exact=killed.frozen)
        in_flight_committed += done - (confirmed + 1)
    # The children did real work between kills: entries and undos, a whole stack at least.
    assert confirmed > PAPERS
    print(f"\n{len(schedule)} kills, {done} ballot operations, {in_flight_committed} committed "
          f"but killed before confirming")
