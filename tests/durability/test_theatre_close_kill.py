"""Kill -9 the desk while it closes a proposal's vote: the ballot round's close and the
theatre's record of it are one transaction, so the file holds both or neither.

A child closes the vote on a proposal voted on phones (legislative theatre, issue 15); it is
frozen inside the transaction after the ballot round's close was written (before the
theatre's record), or after both (before COMMIT), and killed there. The parent reopens the
file: nothing of the close survived. Closed again to the end, both are there.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from facilitator.ballots import Answer, get_round
from facilitator.lan import ops as lan_ops
from facilitator.people import add_walk_in
from facilitator.store import EventStore
from facilitator.theatre import ops, queries

from .harness import FREEZE_ON_AUDIT, run_and_kill

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and fork-style pipes are POSIX"),
]

CHILD = r"""
import sys
from facilitator.store import EventStore
from facilitator.theatre import ops

path, proposal, freeze_after = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
store = EventStore.open(path)
""" + FREEZE_ON_AUDIT + r"""
print("READY", flush=True)
ops.close_vote(store, proposal, actor="desk")
print("OK", flush=True)
store.close()
"""


def state(path: Path, proposal: int, round_id: int) -> tuple[bool, bool, list[str]]:
    """(round closed, theatre vote closed, the close's audit entries) after a reopen."""
    with EventStore.open(path) as store:
        assert store.integrity_check() == "ok"
        vote = queries.vote(store, proposal)
        assert vote is not None
        log = [str(r["action"]) for r in store.query(
            "SELECT action FROM audit_log WHERE action IN "
            "('ballot_round_close', 'theatre_close_vote') ORDER BY id")]
        return get_round(store, round_id).is_closed, vote.closed, log


def test_sigkill_while_closing_a_vote_leaves_both_or_neither(tmp_path: Path) -> None:
    event = tmp_path / "theatre.facilitator"
    with EventStore.create(event, "Theatre durability") as store:
        ops.start_session(store, "Play", actor="t")
        pid = ops.add_proposal(store, "Bus passes", actor="t").proposal_id
        round_id = ops.define_vote(store, pid, method="phones", actor="t").round_id
        assert round_id is not None
        lan_ops.open_question(store, round_id, 0, actor="t")
        for n in range(5):
            person = add_walk_in(store, f"Person {n}", actor="t").participant.id
            lan_ops.cast_vote(store, person, round_id, 0, Answer((1, None, None)),
                              actor="phone")
    # Frozen after the round's close was audited, then after both audits: killed there.
    for freeze_after in (0, 1):
        killed = run_and_kill([CHILD, str(event), str(pid), str(freeze_after)], None)
        assert killed.frozen and killed.killed and killed.lines == []
        assert state(event, pid, round_id) == (False, False, [])
    with EventStore.open(event) as store:  # the desk closes it again, to the end
        ops.close_vote(store, pid, actor="desk")
    assert state(event, pid, round_id) == (
        True, True, ["ballot_round_close", "theatre_close_vote"])
