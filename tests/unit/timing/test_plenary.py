"""The plenary in the event file: queue policies, turns, agenda, restart, who is heard."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from facilitator.changes import NO_CHANGES
from facilitator.clock import FakeClock
from facilitator.people import check_in, import_people, list_participants, parse_people
from facilitator.store import EventStore
from facilitator.timing import ops, queries
from facilitator.timing.countdown import OvertimePolicy
from facilitator.timing.model import PlenaryError, PlenarySettings, QueuePolicy
from facilitator.timing.queries import speaking_stats
from facilitator.timing.stats import stats_csv

ACTOR = "facilitator"

PEOPLE = """ID,Name,Gender,Role
1,Ann,Woman,
2,Bob,Man,
3,Cat,Woman,
4,Dan,Man,
5,Eve,Woman,
6,Fay,Non-binary,
7,Gus,Man,
8,Prof. Ix,,expert
"""


@pytest.fixture
def event(store: EventStore, tmp_path: Path) -> EventStore:
    path = tmp_path / "p.csv"
    path.write_text(PEOPLE, encoding="utf-8")
    import_people(store, parse_people(path), actor="test")
    for person in list_participants(store):
        if person.ext_id != "7":  # Gus has not arrived
            check_in(store, person.id, actor="test")
    return store


def pid(store: EventStore, ext_id: str) -> int:
    return next(p.id for p in list_participants(store) if p.ext_id == ext_id)


def names(store: EventStore) -> list[str]:
    return [e.participant.name for e in queries.state(store).queue]


def speak(store: EventStore, clock: FakeClock, seconds: float) -> None:
    ops.start_next(store, actor=ACTOR)
    clock.advance(seconds)
    ops.end_turn(store, actor=ACTOR)


def test_first_come_order_and_reasons(event: EventStore, clock: FakeClock) -> None:
    for ext in "312":
        ops.enqueue(event, pid(event, ext), actor=ACTOR)
        clock.advance(1)
    state = queries.state(event)
    assert names(event) == ["Cat", "Ann", "Bob"]
    assert state.queue[0].reason.startswith("asked at")


def test_enqueue_twice_is_refused_with_place(event: EventStore) -> None:
    ops.enqueue(event, pid(event, "1"), actor=ACTOR)
    ops.enqueue(event, pid(event, "2"), actor=ACTOR)
    with pytest.raises(PlenaryError, match=r"Bob is already in the queue \(number 2\)"):
        ops.enqueue(event, pid(event, "2"), actor=ACTOR)


def test_direct_reply_jumps_the_queue(event: EventStore) -> None:
    for ext in "123":
        ops.enqueue(event, pid(event, ext), actor=ACTOR)
    ops.enqueue(event, pid(event, "4"), reply=True, actor=ACTOR)
    state = queries.state(event)
    assert names(event) == ["Dan", "Ann", "Bob", "Cat"]
    assert state.queue[0].is_reply and state.queue[0].reason == "direct reply"


def test_starting_next_starts_countdown_and_ending_records(
    event: EventStore, clock: FakeClock
) -> None:
    ops.enqueue(event, pid(event, "1"), actor=ACTOR)
    ops.enqueue(event, pid(event, "2"), actor=ACTOR)
    ops.start_next(event, planned=90, actor=ACTOR)
    current = queries.current_turn(event)
    assert current is not None and current.participant.name == "Ann"
    assert current.countdown.running and current.countdown.planned == 90
    clock.advance(42)
    assert current.countdown.remaining(clock) == pytest.approx(48)
    ops.start_next(event, actor=ACTOR)  # ends Ann's turn, Bob starts with the default 2:00
    ann = queries.turns(event)[0]
    assert ann.spoken == pytest.approx(42) and not ann.open
    bob = queries.current_turn(event)
    assert bob is not None and bob.participant.name == "Bob" and bob.countdown.planned == 120
    assert names(event) == []
    with pytest.raises(PlenaryError, match="No one is waiting"):
        ops.start_next(event, actor=ACTOR)


def test_pause_add_reset_are_stored(event: EventStore, clock: FakeClock) -> None:
    ops.enqueue(event, pid(event, "1"), actor=ACTOR)
    ops.start_next(event, planned=60, actor=ACTOR)
    clock.advance(20)
    ops.toggle_pause(event, actor=ACTOR)
    clock.advance(100)
    ops.add_time(event, 30, actor=ACTOR)
    turn = queries.current_turn(event)
    assert turn is not None and not turn.countdown.running
    assert turn.countdown.remaining(clock) == pytest.approx(70)
    ops.toggle_pause(event, actor=ACTOR)
    clock.advance(10)
    assert queries.current_turn(event).countdown.remaining(clock) == pytest.approx(60)  # type: ignore[union-attr]
    ops.reset(event, actor=ACTOR)
    reset = queries.current_turn(event)
    assert reset is not None and reset.countdown.remaining(clock) == 60
    actions = [r["action"] for r in event.query("SELECT action FROM audit_log")]
    assert actions[-4:] == ["pause_turn", "add_time", "resume_turn", "reset_turn"]


def test_progressive_puts_who_spoke_least_first(event: EventStore, clock: FakeClock) -> None:
    ops.save_settings(event, PlenarySettings(policy=QueuePolicy.PROGRESSIVE), actor=ACTOR)
    # Ann speaks twice, Bob once (long), Cat never.
    for ext, seconds in (("1", 10), ("2", 100), ("1", 10)):
        ops.enqueue(event, pid(event, ext), actor=ACTOR)
        speak(event, clock, seconds)
    for ext in "123":
        ops.enqueue(event, pid(event, ext), actor=ACTOR)
        clock.advance(1)
    assert names(event) == ["Cat", "Bob", "Ann"]
    assert queries.state(event).queue[0].reason == "has not spoken yet"
    ops.save_settings(event, PlenarySettings(policy=QueuePolicy.PROGRESSIVE,
                                             progressive_by="seconds"), actor=ACTOR)
    assert names(event) == ["Cat", "Ann", "Bob"]


def test_alternate_between_genders(event: EventStore, clock: FakeClock) -> None:
    ops.save_settings(event, PlenarySettings(policy=QueuePolicy.ALTERNATE,
                                             alternate_attribute="Gender"), actor=ACTOR)
    for ext in "1352":  # Ann(W) Cat(W) Eve(W) Bob(M)
        ops.enqueue(event, pid(event, ext), actor=ACTOR)
        clock.advance(1)
    assert names(event) == ["Ann", "Bob", "Cat", "Eve"]
    speak(event, clock, 5)  # Ann spoke: a man should come next
    assert names(event) == ["Bob", "Cat", "Eve"]
    with pytest.raises(PlenaryError, match="Choose the attribute"):
        ops.save_settings(event, PlenarySettings(policy=QueuePolicy.ALTERNATE), actor=ACTOR)


def test_manual_move_switches_to_first_come(event: EventStore) -> None:
    ops.save_settings(event, PlenarySettings(policy=QueuePolicy.PROGRESSIVE), actor=ACTOR)
    for ext in "123":
        ops.enqueue(event, pid(event, ext), actor=ACTOR)
    cat = queries.state(event).queue[2]
    ops.move_in_queue(event, cat.id, 0, actor=ACTOR)
    assert names(event) == ["Cat", "Ann", "Bob"]
    assert queries.settings(event).policy is QueuePolicy.FIRST_COME


def test_remove_and_start_specific_entry(event: EventStore) -> None:
    for ext in "123":
        ops.enqueue(event, pid(event, ext), actor=ACTOR)
    queue = queries.state(event).queue
    ops.remove_from_queue(event, queue[0].id, actor=ACTOR)
    with pytest.raises(PlenaryError, match="no longer waiting"):
        ops.remove_from_queue(event, queue[0].id, actor=ACTOR)
    ops.start_entry(event, queue[2].id, actor=ACTOR)
    assert queries.current_turn(event).participant.name == "Cat"  # type: ignore[union-attr]
    assert names(event) == ["Bob"]


def test_agenda_runs_over_and_under(event: EventStore, clock: FakeClock) -> None:
    ops.add_agenda_item(event, "Welcome", 300, actor=ACTOR)
    ops.add_agenda_item(event, "Evidence session", 1800, actor=ACTOR)
    with pytest.raises(PlenaryError, match="needs a title"):
        ops.add_agenda_item(event, "  ", 60, actor=ACTOR)
    ops.start_next_agenda_item(event, actor=ACTOR)
    clock.advance(360)
    ops.start_next_agenda_item(event, actor=ACTOR)
    items = queries.agenda(event, queries.current_session_id(event))
    assert items[0].state == "done" and items[0].timer.elapsed(clock) == pytest.approx(360)
    assert items[0].timer.remaining(clock) == pytest.approx(-60)  # one minute over
    assert items[1].state == "running"
    clock.advance(600)
    assert items[1].timer.remaining(clock) == pytest.approx(1200)
    ops.enqueue(event, pid(event, "1"), actor=ACTOR)
    ops.start_next(event, actor=ACTOR)
    assert queries.current_turn(event).agenda_item_id == items[1].id  # type: ignore[union-attr]
    with pytest.raises(PlenaryError, match="no agenda item left"):
        ops.start_next_agenda_item(event, actor=ACTOR)


def test_who_is_heard_by_group(event: EventStore, clock: FakeClock) -> None:
    # Present participants: Ann, Cat, Eve (women), Bob, Dan (men), Fay (non-binary); Gus absent.
    script = [("2", 120), ("1", 30), ("4", 60), ("2", 90), ("8", 200)]
    for ext, seconds in script:
        ops.enqueue(event, pid(event, ext), actor=ACTOR)
        speak(event, clock, seconds)
    stats = speaking_stats(event, clock, attribute="Gender")
    by_name = {p.participant.name: (p.turns, p.seconds) for p in stats.people}
    assert by_name == {"Bob": (2, 210), "Dan": (1, 60), "Ann": (1, 30), "Prof. Ix": (1, 200)}
    groups = {g.value: g for g in stats.groups}
    # Participants spoke 300 s in 4 turns: men 270 s (3 turns), women 30 s (1 turn).
    assert groups["Man"].time_share == pytest.approx(270 / 300)
    assert groups["Woman"].time_share == pytest.approx(30 / 300)
    assert groups["Woman"].present_share == pytest.approx(3 / 6)
    assert groups["Man"].present_share == pytest.approx(2 / 6)
    assert groups["Non-binary"].turns == 0 and groups["Non-binary"].present == 1
    assert groups["Woman"].sentence() == "Woman: 50% present, 10% of speaking time"
    assert [p.name for p in stats.not_yet_spoken] == ["Cat", "Eve", "Fay"]
    csv_text = stats_csv(stats)
    assert "person,2,Bob,Man,2,210.0" in csv_text
    assert "group,,,Man,3,270.0,2,0.3333,0.7500,0.9000" in csv_text


def test_session_scope_and_event_scope(event: EventStore, clock: FakeClock) -> None:
    ops.enqueue(event, pid(event, "1"), actor=ACTOR)
    speak(event, clock, 50)
    first = queries.current_session_id(event)
    ops.start_session(event, "Afternoon", actor=ACTOR)
    ops.enqueue(event, pid(event, "2"), actor=ACTOR)
    speak(event, clock, 70)
    second = queries.current_session_id(event)
    assert first != second
    assert speaking_stats(event, clock, session_id=second).total_seconds == pytest.approx(70)
    assert speaking_stats(event, clock).total_seconds == pytest.approx(120)
    assert [t for _i, t in queries.sessions(event)] == ["Plenary 1", "Afternoon"]


def test_running_turn_survives_a_crash(event: EventStore, tmp_path: Path,
                                       clock: FakeClock) -> None:
    """A real process starts a turn and dies; reopening resumes with the right time left.
    Both processes read injected clocks: the child starts the turn at 09:00:00 (monotonic
    1000), the reopening is 1.5 s later on a monotonic clock that restarted (a new process)."""
    ops.enqueue(event, pid(event, "1"), actor=ACTOR)
    ops.enqueue(event, pid(event, "2"), actor=ACTOR)
    path = event.path
    event.close()
    child = textwrap.dedent(f"""
        import os
        from facilitator.clock import FakeClock
        from facilitator.store import EventStore
        from facilitator.timing import ops
        store = EventStore.open({str(path)!r}, FakeClock())
        ops.start_next(store, planned=120, actor="facilitator")
        print("started", flush=True)
        os._exit(9)  # no close, no checkpoint: like a crash
    """)
    result = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[3])
    assert result.stdout.strip() == "started", result.stderr
    later = FakeClock(monotonic_start=5.0)
    later.advance(1.5)
    reopened = EventStore.open(path, later)
    try:
        ops.resume_after_restart(reopened, later, actor=ACTOR)
        turn = queries.current_turn(reopened)
        assert turn is not None and turn.participant.name == "Ann" and turn.countdown.running
        assert turn.countdown.remaining(later) == pytest.approx(118.5)
        assert [e.participant.name for e in queries.state(reopened).queue] == ["Bob"]
    finally:
        reopened.close()


def test_overtime_setting_round_trips(event: EventStore) -> None:
    ops.save_settings(event, PlenarySettings(turn_seconds=90, overtime=OvertimePolicy.STOP),
                      actor=ACTOR)
    loaded = queries.settings(event)
    assert loaded.turn_seconds == 90 and loaded.overtime is OvertimePolicy.STOP


def _file_state(event: EventStore, watcher: sqlite3.Connection) -> tuple[int, list[str]]:
    """What another connection sees: data_version moves with every commit; the whole dump."""
    return int(watcher.execute("PRAGMA data_version").fetchone()[0]), list(watcher.iterdump())


def test_reading_a_plenary_never_used_writes_nothing(event: EventStore, clock: FakeClock) -> None:
    watcher = sqlite3.connect(event.path)
    try:
        before = _file_state(event, watcher)
        state = queries.state(event)
        assert state.session_id is None and state.session_title == "Plenary 1"
        assert state.queue == [] and state.current is None and state.agenda == []
        assert queries.current_session_id(event) is None and queries.sessions(event) == []
        assert queries.turns(event) == [] and queries.agenda(event, None) == []
        assert speaking_stats(event, clock, session_id=state.session_id).total_turns == 0
        assert ops.resume_after_restart(event, clock, actor=ACTOR) == NO_CHANGES  # idle
        with pytest.raises(PlenaryError):
            ops.start_next(event, actor=ACTOR)
        with pytest.raises(PlenaryError):
            ops.start_next_agenda_item(event, actor=ACTOR)
        with pytest.raises(PlenaryError):
            ops.add_agenda_item(event, " ", 60, actor=ACTOR)
        assert ops.end_turn(event, actor=ACTOR) == NO_CHANGES
        assert _file_state(event, watcher) == before
    finally:
        watcher.close()


def test_first_op_opens_the_session_in_its_own_transaction(event: EventStore) -> None:
    ops.add_agenda_item(event, "Welcome", 300, actor="desk")
    rows = event.query("SELECT action, object_type, actor FROM audit_log ORDER BY id DESC LIMIT 2")
    assert [(r["action"], r["object_type"], r["actor"]) for r in rows] == [
        ("add_agenda_item", "agenda_item", "desk"), ("start_session", "plenary_session", "desk")]
    sid = queries.current_session_id(event)
    assert queries.sessions(event) == [(sid, "Plenary 1")]
    assert [i.title for i in queries.agenda(event, sid)] == ["Welcome"]
    ops.enqueue(event, pid(event, "1"), actor=ACTOR)  # the same session, not a second one
    assert queries.sessions(event) == [(sid, "Plenary 1")]


def test_a_named_first_session_opens_only_that_session(event: EventStore) -> None:
    ops.start_session(event, "Morning", actor=ACTOR)
    assert [t for _i, t in queries.sessions(event)] == ["Morning"]
    assert queries.state(event).session_title == "Morning"


def test_every_op_records_its_actor(event: EventStore, clock: FakeClock) -> None:
    last = int(event.query("SELECT max(id) AS n FROM audit_log")[0]["n"])
    actor = "laptop-2"
    ops.save_settings(event, PlenarySettings(policy=QueuePolicy.PROGRESSIVE), actor=actor)
    ops.add_agenda_item(event, "Evidence", 600, actor=actor)
    ops.start_next_agenda_item(event, actor=actor)
    for ext in "123":
        ops.enqueue(event, pid(event, ext), actor=actor)
    ops.enqueue(event, pid(event, "4"), reply=True, actor=actor)
    queue = queries.state(event).queue
    ops.move_in_queue(event, queue[3].id, 0, actor=actor)
    ops.remove_from_queue(event, queue[1].id, actor=actor)
    ops.start_entry(event, queue[2].id, 60, actor=actor)
    ops.toggle_pause(event, actor=actor)
    ops.resume(event, actor=actor)
    ops.pause(event, actor=actor)
    ops.add_time(event, 30, actor=actor)
    ops.reset(event, actor=actor)
    ops.resume(event, actor=actor)
    ops.start_next(event, actor=actor)
    ops.end_turn(event, actor=actor)
    ops.toggle_agenda_pause(event, actor=actor)
    ops.resume_after_restart(event, clock, actor=actor)  # nothing running now: no entry
    ops.toggle_agenda_pause(event, actor=actor)
    ops.resume_after_restart(event, clock, actor=actor)
    ops.start_session(event, "Afternoon", actor=actor)
    rows = event.query("SELECT action, actor FROM audit_log WHERE id > ? ORDER BY id", (last,))
    assert {r["action"] for r in rows} >= {
        "plenary_settings", "start_session", "add_agenda_item", "start_agenda_item", "enqueue",
        "reorder_queue", "dequeue", "start_turn", "pause_turn", "resume_turn", "add_time",
        "reset_turn", "end_turn", "pause_agenda_item", "resume_agenda_item", "resume_timers",
        "end_session"}
    assert [r["action"] for r in rows if r["actor"] != actor] == []
