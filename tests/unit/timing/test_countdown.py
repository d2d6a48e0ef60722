"""Countdowns with a fake clock: stages, pause, added time, overtime, display, restarts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from facilitator.clock import FakeClock
from facilitator.timing.countdown import (
    DEFAULT_STAGES,
    Countdown,
    OvertimePolicy,
    display_seconds,
    format_mmss,
    parse_mmss,
    stage_at,
    stages_crossed,
)


def test_runs_down_from_stored_instants(clock: FakeClock) -> None:
    c = Countdown.new(120).start(clock)
    clock.advance(45.25)
    assert c.remaining(clock) == pytest.approx(74.75)
    assert c.elapsed(clock) == pytest.approx(45.25)


def test_pause_freezes_and_resume_continues(clock: FakeClock) -> None:
    c = Countdown.new(120).start(clock)
    clock.advance(10)
    c = c.pause(clock)
    clock.advance(300)
    assert c.remaining(clock) == pytest.approx(110)
    c = c.start(clock)
    clock.advance(5)
    assert c.remaining(clock) == pytest.approx(105)
    assert c.pause(clock).pause(clock).elapsed(clock) == pytest.approx(15)


def test_add_time_and_reset(clock: FakeClock) -> None:
    c = Countdown.new(120).start(clock)
    clock.advance(100)
    c = c.add(30).add(60)
    assert c.remaining(clock) == pytest.approx(110)
    r = c.reset()
    assert not r.running and r.remaining(clock) == 120 and r.added == 0


def test_stages_default_amber_at_30_red_at_0(clock: FakeClock) -> None:
    assert stage_at(31) is None
    assert stage_at(30).key == "amber"  # type: ignore[union-attr]
    assert stage_at(0.5).key == "amber"  # type: ignore[union-attr]
    assert stage_at(0).key == "red"  # type: ignore[union-attr]
    assert stage_at(-20).key == "red"  # type: ignore[union-attr]
    assert [s.key for s in stages_crossed(31, 29)] == ["amber"]
    assert [s.key for s in stages_crossed(40, -1)] == ["amber", "red"]
    assert stages_crossed(29, 1) == []
    assert DEFAULT_STAGES[0].at_seconds == 30


@pytest.mark.parametrize(
    ("remaining", "policy", "shown"),
    [
        (120.0, OvertimePolicy.COUNT_UP, "2:00"),
        (119.01, OvertimePolicy.COUNT_UP, "2:00"),
        (119.0, OvertimePolicy.COUNT_UP, "1:59"),
        (0.2, OvertimePolicy.COUNT_UP, "0:01"),
        (0.0, OvertimePolicy.COUNT_UP, "0:00"),
        (-12.7, OvertimePolicy.COUNT_UP, "+0:12"),
        (-75.0, OvertimePolicy.COUNT_UP, "+1:15"),
        (-75.0, OvertimePolicy.STOP, "0:00"),
    ],
)
def test_display(remaining: float, policy: OvertimePolicy, shown: str) -> None:
    seconds, over = display_seconds(remaining, policy)
    assert format_mmss(seconds, over) == shown


@pytest.mark.parametrize(("text", "seconds"), [("2:00", 120), ("90", 90), ("1:5", 65),
                                                ("0:30", 30), (" 3.15 ", 195)])
def test_parse_mmss(text: str, seconds: int) -> None:
    assert parse_mmss(text) == seconds


@pytest.mark.parametrize("bad", ["", "abc", "1:60", "0:00", "-1:00", "1:2:3", "999:00"])
def test_parse_mmss_refuses(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_mmss(bad)


def test_after_reboot_the_wall_clock_is_trusted(clock: FakeClock) -> None:
    c = Countdown.new(120).start(clock)
    clock.advance(20)
    # A reboot: the monotonic clock starts again near zero, the wall clock moved on 40 s.
    rebooted = FakeClock(clock.now() + timedelta(seconds=40), monotonic_start=3.0)
    assert c.remaining(rebooted) == pytest.approx(60)
    resumed = c.resumed_in_new_process(rebooted)
    rebooted.advance(10)
    assert resumed.remaining(rebooted) == pytest.approx(50)


def test_same_boot_new_process_uses_monotonic(clock: FakeClock) -> None:
    c = Countdown.new(120).start(clock)
    clock.advance(30)
    # The wall clock was corrected by 2 s (NTP) meanwhile; monotonic time is what counts.
    later = FakeClock(clock.now() + timedelta(seconds=2), monotonic_start=clock.monotonic())
    assert c.remaining(later) == pytest.approx(90)
