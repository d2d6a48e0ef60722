"""Kill -9 the writer while its background thread checkpoints: nothing confirmed is lost.

The event file's WAL is folded back into the file by a thread of its own (PASSIVE), not by
the commit that crossed the limit (issue 18; facilitator/store/db.py). Here the limit is a
few pages, so the child checks people in and out while that thread checkpoints every few
commits, and the parent SIGKILLs it at random instants (many land inside a checkpoint or
between a commit and the checkpoint it asked for); after each kill every confirmed
operation is in the file, at most the one in flight besides, and ``integrity_check`` is ok.
The main file itself changes during each run: the checkpoints did happen (SQLite's own
automatic one, at 1,000 pages, ran in fewer than half of these short runs).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from facilitator.people import import_people, parse_people
from facilitator.store import EventStore

from .harness import run_and_kill
from .test_kill import CHECK_IN_CHILD, PEOPLE, check_attendance, write_people

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and fork-style pipes are POSIX"),
]

KILLS = 20
MAX_DELAY = 0.6

CHECKPOINTING_CHILD = "import facilitator.store.db\nfacilitator.store.db.CHECKPOINT_PAGES = 8\n" \
    + CHECK_IN_CHILD


def _signature(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def test_sigkill_while_checkpointing_loses_nothing_confirmed(tmp_path: Path) -> None:
    event = tmp_path / "event.facilitator"
    with EventStore.create(event, "Durability") as store:
        import_people(store, parse_people(write_people(tmp_path / "people.csv", PEOPLE, 2)),
                      actor="test")
    rng = random.Random(18)
    confirmed, done = -1, 0
    folded = 0
    for _kill in range(KILLS):
        before = _signature(event)
        killed = run_and_kill([CHECKPOINTING_CHILD, str(event), "-1"],
                              rng.uniform(0.05, MAX_DELAY))
        assert killed.killed
        assert killed.first == f"READY {done}\n"
        if _signature(event) != before:
            folded += 1
        confirmed = done - 1
        for line in killed.lines:
            word, op, _pid = line.split()
            assert word == "OK" and int(op) == confirmed + 1
            confirmed = int(op)
        done = check_attendance(event, confirmed, exact=False)
    assert confirmed > PEOPLE
    assert folded >= KILLS - 2, folded
