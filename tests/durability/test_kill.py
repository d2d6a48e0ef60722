"""Kill -9 the writer at random instants: nothing confirmed is lost, nothing is half-written.

A child process (a real, separate Python) writes to an event file and prints a line only
after each write returned; the parent SIGKILLs it at a random moment, reopens the file and
checks it. The child then starts again on the same file and carries on where it stopped.

Check-ins are fast (well under a millisecond on a quick disk), so a plain walk through 300
people would be over long before most kill instants. The child therefore cycles: it checks
everyone in, then undoes everyone, then checks everyone in again, and so on. Operation k of
that endless sequence is fixed (person ``k % 300``; a check-in on even rounds, an undo on odd
ones), so after every kill the parent knows exactly what the file must hold.

Besides the random kills, some children are frozen *inside* a transaction (after its
UPDATE and audit INSERT, before COMMIT) and killed there, so mid-transaction kills are
certain rather than likely.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from facilitator.people import import_people, list_participants, parse_people
from facilitator.store import EventStore

from .harness import FREEZE_ON_AUDIT, ROOT, child_env, run_and_kill

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and fork-style pipes are POSIX"),
]

PEOPLE = 300
RANDOM_KILLS = 50
FROZEN_KILLS = 10
MAX_DELAY = 0.5
ATTENDANCE = ("check_in", "undo_check_in")

CHECK_IN_CHILD = r"""
import sys
from facilitator.people import check_in, undo_check_in
from facilitator.store import EventStore

path, freeze_after = sys.argv[1], int(sys.argv[2])
store = EventStore.open(path)
ids = [row[0] for row in store.query("SELECT id FROM participants ORDER BY id")]
done = store.query("SELECT count(*) FROM audit_log "
                   "WHERE action IN ('check_in', 'undo_check_in')")[0][0]
""" + FREEZE_ON_AUDIT + r"""
print("READY", done, flush=True)
op = done
while True:
    pid = ids[op % len(ids)]
    if (op // len(ids)) % 2 == 0:
        check_in(store, pid, via="durability test", actor="test")
    else:
        undo_check_in(store, pid, actor="test")
    print("OK", op, pid, flush=True)
    op += 1
"""

IMPORT_CHILD = r"""
import sys
from facilitator.people import import_people, parse_people
from facilitator.store import EventStore

path, people, freeze_after = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = EventStore.open(path)
parsed = parse_people(people)
if freeze_after >= 0:
    real_executemany = EventStore.executemany
    calls = 0

    def executemany(self, sql, rows):
        global calls
        cursor = real_executemany(self, sql, rows)
        calls += 1
        if calls > freeze_after:
            print("INSIDE", flush=True)
            sys.stdin.readline()  # the parent kills us here, before COMMIT
        return cursor

    EventStore.executemany = executemany
print("READY", flush=True)
report = import_people(store, parsed, actor="test")
print("IMPORTED", len(report.added), flush=True)
store.close()
"""


def write_people(path: Path, count: int, seed: int) -> Path:
    rng = random.Random(seed)
    given = ["Siân", "José", "Zoë", "Åsa", "Jürgen", "Nguyễn", "Chloé", "Łukasz", "Dagný", "Kwame"]
    family = ["Ó Súilleabháin", "Núñez", "Brontë", "Ødegård", "Weiß", "Văn An", "Lefèvre",
              "Żółć", "Jónsdóttir", "Mensah"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ID", "Name", "Gender", "Age band", "Area", "Language", "Access needs"])
        for n in range(1, count + 1):
            writer.writerow([
                f"P{n:05d}", f"{rng.choice(given)} {rng.choice(family)}",
                rng.choice(["female", "male", "non-binary"]),
                rng.choice(["16-24", "25-34", "35-44", "45-54", "55-64", "65+"]),
                rng.choice(["Riverside", "Old Town", "Northfield", "Harbour"]),
                rng.choice(["en", "cy", "pl", "es"]), rng.choice(["", "", "step-free"]),
            ])
    return path


def check_attendance(path: Path, confirmed: int, *, exact: bool) -> int:
    """Reopen after a kill; return how many check-in/undo operations the file holds.

    ``confirmed`` is the index of the last operation a child confirmed (-1 for none). At most
    one more can have been committed without its confirmation getting out (``exact``: none,
    because the child was frozen inside that transaction).
    """
    with EventStore.open(path) as store:
        assert store.integrity_check() == "ok"
        people = {row["id"]: row for row in store.query(
            "SELECT id, status, status_at, checked_in_at FROM participants ORDER BY id")}
        ids = list(people)
        assert len(ids) == PEOPLE
        entries = store.query(
            "SELECT action, object_id, new FROM audit_log WHERE action IN (?, ?) ORDER BY id",
            ATTENDANCE)
    done = len(entries)
    # Everything confirmed is there; nothing but (at most) the one in flight besides.
    if exact:
        assert done == confirmed + 1, (done, confirmed)
    else:
        assert confirmed + 1 <= done <= confirmed + 2, (done, confirmed)
    # The audit log holds exactly the first `done` operations of the sequence, in order...
    open_check_in: dict[int, str] = {}
    for op, entry in enumerate(entries):
        pid = ids[op % PEOPLE]
        action = ATTENDANCE[(op // PEOPLE) % 2]
        assert (entry["action"], entry["object_id"]) == (action, str(pid)), op
        if action == "check_in":
            assert pid not in open_check_in
            open_check_in[pid] = json.loads(entry["new"])["checked_in_at"]
        else:
            del open_check_in[pid]
    # ...and the participants table agrees with it: everyone checked in has exactly one
    # check-in entry not undone, with the same time; no one else is checked in.
    for pid, row in people.items():
        if pid in open_check_in:
            assert (row["status"], row["checked_in_at"]) == ("checked_in", open_check_in[pid])
        else:
            assert (row["status"], row["checked_in_at"]) == ("expected", None), pid
    return done


def test_sigkill_during_check_ins_loses_nothing_confirmed(tmp_path: Path) -> None:
    event = tmp_path / "event.facilitator"
    with EventStore.create(event, "Durability") as store:
        import_people(store, parse_people(write_people(tmp_path / "people.csv", PEOPLE, 1)),
                      actor="test")
    rng = random.Random(20261121)
    schedule = [rng.uniform(0, MAX_DELAY) for _i in range(RANDOM_KILLS)] + [None] * FROZEN_KILLS
    rng.shuffle(schedule)
    confirmed, done = -1, 0
    in_flight_committed = 0
    for delay in schedule:
        freeze_after = -1 if delay is not None else rng.randrange(0, 40)
        killed = run_and_kill([CHECK_IN_CHILD, str(event), str(freeze_after)], delay)
        assert killed.killed
        assert killed.first == f"READY {done}\n"  # it carries on where the last one stopped
        confirmed = done - 1  # committed in an earlier run, confirmed or not
        for line in killed.lines:
            word, op, _pid = line.split()
            assert word == "OK" and int(op) == confirmed + 1
            confirmed = int(op)
        done = check_attendance(event, confirmed, exact=killed.frozen)
        in_flight_committed += done - (confirmed + 1)
    # The children did real work between kills (check-ins and undos, at least a round each).
    assert confirmed > PEOPLE
    print(f"\n{len(schedule)} kills, {done} operations, {in_flight_committed} committed but "
          f"killed before confirming")


def check_import(path: Path, ext_ids: list[str], *, confirmed: bool) -> bool:
    """All of the list or none of it; return True if it is all there."""
    with EventStore.open(path) as store:
        assert store.integrity_check() == "ok"
        people = [p.ext_id for p in list_participants(store, include_removed=True)]
        actions = [r["action"] for r in store.query("SELECT action FROM audit_log ORDER BY id")]
        imports = store.query("SELECT added FROM imports")
        columns = store.meta("attribute_columns")
    if not people:
        assert not confirmed
        assert actions == ["create_event"]
        assert imports == [] and columns is None
        return False
    assert sorted(people) == sorted(ext_ids)
    assert actions == ["create_event"] + ["import_add"] * len(ext_ids) + ["import"]
    assert [r["added"] for r in imports] == [len(ext_ids)]
    assert columns is not None
    return True


def test_sigkill_during_an_import_keeps_all_or_nothing(tmp_path: Path) -> None:
    people = write_people(tmp_path / "people.csv", 5000, 2)
    ext_ids = [p.ext_id for p in parse_people(people).people]
    template = tmp_path / "template.facilitator"
    EventStore.create(template, "Import durability").close()
    # How long does the import itself take here? Kill instants are spread over that.
    timing = tmp_path / "timing.facilitator"
    shutil.copyfile(template, timing)
    with EventStore.open(timing) as store:
        parsed = parse_people(people)
        started = time.perf_counter()
        import_people(store, parsed, actor="test")
        duration = time.perf_counter() - started

    rng = random.Random(5000)
    # (None, n): frozen after n + 1 executemany() calls, so certainly mid-transaction:
    # 0: the people are inserted; 3: everything but the import record and its audit entry.
    schedule: list[tuple[float | None, int]] = [
        (rng.uniform(0, 1.2 * duration + 0.02), -1) for _i in range(15)]
    schedule += [(None, 0), (None, 1), (None, 3)]
    rng.shuffle(schedule)
    event = tmp_path / "event.facilitator"
    outcomes = []
    for delay, freeze_after in schedule:
        if not event.exists():
            shutil.copyfile(template, event)
        killed = run_and_kill([IMPORT_CHILD, str(event), str(people), str(freeze_after)], delay,
                              may_finish=True)
        said_done = any(line.startswith("IMPORTED") for line in killed.lines)
        complete = check_import(event, ext_ids, confirmed=said_done)
        if killed.frozen:
            assert not complete
        if killed.killed:
            outcomes.append(complete)
        if complete:  # start the next attempt from an empty event again
            for leftover in (event, Path(f"{event}-wal"), Path(f"{event}-shm")):
                leftover.unlink(missing_ok=True)
    # Finally, an import left alone finishes, whatever the kills before it left behind.
    if not event.exists():
        shutil.copyfile(template, event)
    done = subprocess.run([sys.executable, "-c", IMPORT_CHILD, str(event), str(people), "-1"],
                          cwd=ROOT, env=child_env(), capture_output=True, check=True, timeout=60)
    assert done.stdout.decode().splitlines()[-1] == "IMPORTED 5000"
    assert check_import(event, ext_ids, confirmed=True)
    assert len(outcomes) >= 8 and outcomes.count(False) >= 3
    print(f"\nimport took {duration:.3f} s; after {len(outcomes)} kills: "
          f"{outcomes.count(False)} left nothing, {outcomes.count(True)} left everything")
