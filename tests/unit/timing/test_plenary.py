"""The plenary in the event file: queue policies, turns, agenda, restart, who is heard."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from facilitator.clock import FakeClock, SystemClock
from facilitator.people import check_in, import_people, list_participants, parse_people
from facilitator.store import EventStore
from facilitator.timing import plenary as pl
from facilitator.timing.countdown import OvertimePolicy
from facilitator.timing.stats import speaking_stats, stats_csv

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
    import_people(store, parse_people(path))
    for person in list_participants(store):
        if person.ext_id != "7":  # Gus has not arrived
            check_in(store, person.id)
    return store


def pid(store: EventStore, ext_id: str) -> int:
    return next(p.id for p in list_participants(store) if p.ext_id == ext_id)


def names(store: EventStore) -> list[str]:
    return [e.participant.name for e in pl.state(store).queue]


def speak(store: EventStore, clock: FakeClock, seconds: float) -> None:
    pl.start_next(store)
    clock.advance(seconds)
    pl.end_turn(store)


def test_first_come_order_and_reasons(event: EventStore, clock: FakeClock) -> None:
    for ext in "312":
        pl.enqueue(event, pid(event, ext))
        clock.advance(1)
    state = pl.state(event)
    assert names(event) == ["Cat", "Ann", "Bob"]
    assert state.queue[0].reason.startswith("asked at")


def test_enqueue_twice_is_refused_with_place(event: EventStore) -> None:
    pl.enqueue(event, pid(event, "1"))
    pl.enqueue(event, pid(event, "2"))
    with pytest.raises(pl.PlenaryError, match=r"Bob is already in the queue \(number 2\)"):
        pl.enqueue(event, pid(event, "2"))


def test_direct_reply_jumps_the_queue(event: EventStore) -> None:
    for ext in "123":
        pl.enqueue(event, pid(event, ext))
    pl.enqueue(event, pid(event, "4"), reply=True)
    state = pl.state(event)
    assert names(event) == ["Dan", "Ann", "Bob", "Cat"]
    assert state.queue[0].is_reply and state.queue[0].reason == "direct reply"


def test_starting_next_starts_countdown_and_ending_records(
    event: EventStore, clock: FakeClock
) -> None:
    pl.enqueue(event, pid(event, "1"))
    pl.enqueue(event, pid(event, "2"))
    pl.start_next(event, planned=90)
    current = pl.current_turn(event)
    assert current is not None and current.participant.name == "Ann"
    assert current.countdown.running and current.countdown.planned == 90
    clock.advance(42)
    assert current.countdown.remaining(clock) == pytest.approx(48)
    pl.start_next(event)  # ends Ann's turn, Bob starts with the default 2:00
    ann = pl.turns(event)[0]
    assert ann.spoken == pytest.approx(42) and not ann.open
    bob = pl.current_turn(event)
    assert bob is not None and bob.participant.name == "Bob" and bob.countdown.planned == 120
    assert names(event) == []
    with pytest.raises(pl.PlenaryError, match="No one is waiting"):
        pl.start_next(event)


def test_pause_add_reset_are_stored(event: EventStore, clock: FakeClock) -> None:
    pl.enqueue(event, pid(event, "1"))
    pl.start_next(event, planned=60)
    clock.advance(20)
    pl.toggle_pause(event)
    clock.advance(100)
    pl.add_time(event, 30)
    turn = pl.current_turn(event)
    assert turn is not None and not turn.countdown.running
    assert turn.countdown.remaining(clock) == pytest.approx(70)
    pl.toggle_pause(event)
    clock.advance(10)
    assert pl.current_turn(event).countdown.remaining(clock) == pytest.approx(60)  # type: ignore[union-attr]
    pl.reset(event)
    reset = pl.current_turn(event)
    assert reset is not None and reset.countdown.remaining(clock) == 60
    actions = [r["action"] for r in event.query("SELECT action FROM audit_log")]
    assert actions[-4:] == ["pause_turn", "add_time", "resume_turn", "reset_turn"]


def test_progressive_puts_who_spoke_least_first(event: EventStore, clock: FakeClock) -> None:
    pl.save_settings(event, pl.PlenarySettings(policy=pl.QueuePolicy.PROGRESSIVE))
    # Ann speaks twice, Bob once (long), Cat never.
    for ext, seconds in (("1", 10), ("2", 100), ("1", 10)):
        pl.enqueue(event, pid(event, ext))
        speak(event, clock, seconds)
    for ext in "123":
        pl.enqueue(event, pid(event, ext))
        clock.advance(1)
    assert names(event) == ["Cat", "Bob", "Ann"]
    assert pl.state(event).queue[0].reason == "has not spoken yet"
    pl.save_settings(event, pl.PlenarySettings(policy=pl.QueuePolicy.PROGRESSIVE,
                                               progressive_by="seconds"))
    assert names(event) == ["Cat", "Ann", "Bob"]


def test_alternate_between_genders(event: EventStore, clock: FakeClock) -> None:
    pl.save_settings(event, pl.PlenarySettings(policy=pl.QueuePolicy.ALTERNATE,
                                               alternate_attribute="Gender"))
    for ext in "1352":  # Ann(W) Cat(W) Eve(W) Bob(M)
        pl.enqueue(event, pid(event, ext))
        clock.advance(1)
    assert names(event) == ["Ann", "Bob", "Cat", "Eve"]
    speak(event, clock, 5)  # Ann spoke: a man should come next
    assert names(event) == ["Bob", "Cat", "Eve"]
    with pytest.raises(pl.PlenaryError, match="Choose the attribute"):
        pl.save_settings(event, pl.PlenarySettings(policy=pl.QueuePolicy.ALTERNATE))


def test_manual_move_switches_to_first_come(event: EventStore) -> None:
    pl.save_settings(event, pl.PlenarySettings(policy=pl.QueuePolicy.PROGRESSIVE))
    for ext in "123":
        pl.enqueue(event, pid(event, ext))
    cat = pl.state(event).queue[2]
    pl.move_in_queue(event, cat.id, 0)
    assert names(event) == ["Cat", "Ann", "Bob"]
    assert pl.settings(event).policy is pl.QueuePolicy.FIRST_COME


def test_remove_and_start_specific_entry(event: EventStore) -> None:
    for ext in "123":
        pl.enqueue(event, pid(event, ext))
    queue = pl.state(event).queue
    pl.remove_from_queue(event, queue[0].id)
    with pytest.raises(pl.PlenaryError, match="no longer waiting"):
        pl.remove_from_queue(event, queue[0].id)
    pl.start_entry(event, queue[2].id)
    assert pl.current_turn(event).participant.name == "Cat"  # type: ignore[union-attr]
    assert names(event) == ["Bob"]


def test_agenda_runs_over_and_under(event: EventStore, clock: FakeClock) -> None:
    pl.add_agenda_item(event, "Welcome", 300)
    pl.add_agenda_item(event, "Evidence session", 1800)
    with pytest.raises(pl.PlenaryError, match="needs a title"):
        pl.add_agenda_item(event, "  ", 60)
    pl.start_next_agenda_item(event)
    clock.advance(360)
    pl.start_next_agenda_item(event)
    items = pl.agenda(event, pl.current_session_id(event))
    assert items[0].state == "done" and items[0].timer.elapsed(clock) == pytest.approx(360)
    assert items[0].timer.remaining(clock) == pytest.approx(-60)  # one minute over
    assert items[1].state == "running"
    clock.advance(600)
    assert items[1].timer.remaining(clock) == pytest.approx(1200)
    pl.enqueue(event, pid(event, "1"))
    pl.start_next(event)
    assert pl.current_turn(event).agenda_item_id == items[1].id  # type: ignore[union-attr]
    with pytest.raises(pl.PlenaryError, match="no agenda item left"):
        pl.start_next_agenda_item(event)


def test_who_is_heard_by_group(event: EventStore, clock: FakeClock) -> None:
    # Present participants: Ann, Cat, Eve (women), Bob, Dan (men), Fay (non-binary); Gus absent.
    script = [("2", 120), ("1", 30), ("4", 60), ("2", 90), ("8", 200)]
    for ext, seconds in script:
        pl.enqueue(event, pid(event, ext))
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
    pl.enqueue(event, pid(event, "1"))
    speak(event, clock, 50)
    first = pl.current_session_id(event)
    pl.start_session(event, "Afternoon")
    pl.enqueue(event, pid(event, "2"))
    speak(event, clock, 70)
    second = pl.current_session_id(event)
    assert first != second
    assert speaking_stats(event, clock, session_id=second).total_seconds == pytest.approx(70)
    assert speaking_stats(event, clock).total_seconds == pytest.approx(120)
    assert [t for _i, t in pl.sessions(event)] == ["Plenary 1", "Afternoon"]


def test_running_turn_survives_a_crash(event: EventStore, tmp_path: Path,
                                       clock: FakeClock) -> None:
    """A real process starts a turn and dies; reopening resumes with the right time left."""
    pl.enqueue(event, pid(event, "1"))
    pl.enqueue(event, pid(event, "2"))
    path = event.path
    event.close()
    child = textwrap.dedent(f"""
        import os
        from facilitator.store import EventStore
        from facilitator.timing import plenary as pl
        store = EventStore.open({str(path)!r})
        pl.start_next(store, planned=120)
        print("started", flush=True)
        os._exit(9)  # no close, no checkpoint: like a crash
    """)
    result = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[3])
    assert result.stdout.strip() == "started", result.stderr
    time.sleep(0.3)
    real = SystemClock()
    reopened = EventStore.open(path, real)
    try:
        pl.resume_after_restart(reopened, real)
        turn = pl.current_turn(reopened)
        assert turn is not None and turn.participant.name == "Ann" and turn.countdown.running
        remaining = turn.countdown.remaining(real)
        assert 118.0 < remaining < 119.9
        assert [e.participant.name for e in pl.state(reopened).queue] == ["Bob"]
    finally:
        reopened.close()


def test_overtime_setting_round_trips(event: EventStore) -> None:
    pl.save_settings(event, pl.PlenarySettings(turn_seconds=90, overtime=OvertimePolicy.STOP))
    loaded = pl.settings(event)
    assert loaded.turn_seconds == 90 and loaded.overtime is OvertimePolicy.STOP
