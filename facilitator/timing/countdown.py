"""Countdowns computed from stored instants, never counted tick by tick (HOUSE_STYLE 6).

A countdown is a value: how long it was planned for, how much time was added, how much had
elapsed before the current running stretch, and when (monotonic and wall clock) that stretch
began. Remaining time is derived from those and a clock, so a repaint that comes late shows
the right time, and a restarted app resumes where it was.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum

from facilitator.clock import Clock

# If the monotonic and the wall clock disagree by more than this about how long a countdown
# has been running, the machine rebooted (monotonic restarted) and the wall clock is used.
_CLOCK_AGREEMENT_SECONDS = 5.0


class OvertimePolicy(Enum):
    COUNT_UP = "count_up"
    """Past zero, keep counting up in red: the room sees how far over the speaker is."""
    STOP = "stop"
    """Stop at 0:00."""


@dataclass(frozen=True)
class Stage:
    """A named point of the countdown, reached when remaining time falls to ``at_seconds``."""

    key: str
    at_seconds: float
    colour: str


DEFAULT_STAGES = (
    Stage("amber", 30.0, "#f59e0b"),
    Stage("red", 0.0, "#ef4444"),
)
NORMAL_COLOUR = "#ffffff"


@dataclass(frozen=True)
class Countdown:
    planned: float
    added: float = 0.0
    elapsed_before: float = 0.0
    running_since_mono: float | None = None
    running_since_wall: datetime | None = None

    @classmethod
    def new(cls, planned: float) -> Countdown:
        if planned <= 0:
            raise ValueError("a countdown needs a positive duration")
        return cls(planned=float(planned))

    @property
    def running(self) -> bool:
        return self.running_since_mono is not None

    @property
    def total(self) -> float:
        return self.planned + self.added

    def elapsed(self, clock: Clock) -> float:
        if self.running_since_mono is None:
            return self.elapsed_before
        stretch = clock.monotonic() - self.running_since_mono
        if self.running_since_wall is not None:
            by_wall = (clock.now() - self.running_since_wall).total_seconds()
            if stretch < 0 or abs(stretch - by_wall) > _CLOCK_AGREEMENT_SECONDS:
                stretch = by_wall  # monotonic clock restarted (reboot): trust the wall clock
        return self.elapsed_before + max(stretch, 0.0)

    def remaining(self, clock: Clock) -> float:
        """Seconds left; negative once over time."""
        return self.total - self.elapsed(clock)

    def start(self, clock: Clock) -> Countdown:
        if self.running:
            return self
        return replace(self, running_since_mono=clock.monotonic(), running_since_wall=clock.now())

    def pause(self, clock: Clock) -> Countdown:
        if not self.running:
            return self
        return replace(self, elapsed_before=self.elapsed(clock), running_since_mono=None,
                       running_since_wall=None)

    def add(self, seconds: float) -> Countdown:
        return replace(self, added=self.added + seconds)

    def reset(self) -> Countdown:
        return Countdown(planned=self.planned)

    def resumed_in_new_process(self, clock: Clock) -> Countdown:
        """Re-anchor a running countdown to this process's clocks, keeping elapsed time."""
        if not self.running:
            return self
        return replace(self, elapsed_before=self.elapsed(clock),
                       running_since_mono=clock.monotonic(), running_since_wall=clock.now())


def stage_at(remaining: float, stages: tuple[Stage, ...] = DEFAULT_STAGES) -> Stage | None:
    """The latest stage reached, or None while time is still comfortable."""
    reached = [s for s in stages if remaining <= s.at_seconds]
    return min(reached, key=lambda s: s.at_seconds) if reached else None


def stages_crossed(before: float, after: float,
                   stages: tuple[Stage, ...] = DEFAULT_STAGES) -> list[Stage]:
    """Stages passed while remaining time went from ``before`` down to ``after`` (for chimes)."""
    return sorted((s for s in stages if after <= s.at_seconds < before),
                  key=lambda s: -s.at_seconds)


def display_seconds(remaining: float, overtime: OvertimePolicy) -> tuple[int, bool]:
    """Whole seconds to show and whether the speaker is over time.

    Counting down shows the ceiling (a turn of 2:00 shows 2:00 for its first second, and
    0:00 only once time is truly up); counting up over time shows the floor.
    """
    if remaining > 0:
        return int(-(-remaining // 1)), False
    if overtime is OvertimePolicy.STOP:
        return 0, remaining < 0
    return int(-remaining // 1), remaining < 0


def format_mmss(seconds: int, overtime: bool = False) -> str:
    minutes, secs = divmod(abs(seconds), 60)
    text = f"{minutes}:{secs:02d}"
    return f"+{text}" if overtime and seconds else text


def parse_mmss(text: str) -> int:
    """'2:00' → 120, '90' → 90, '1:5' → 65. Raises ValueError with a readable reason."""
    cleaned = text.strip().replace(".", ":")
    if not cleaned:
        raise ValueError("empty duration")
    parts = cleaned.split(":")
    if len(parts) > 2 or not all(p.strip().isdigit() for p in parts):
        raise ValueError(f"'{text}' is not a duration like 2:00")
    if len(parts) == 1:
        seconds = int(parts[0])
    else:
        minutes, secs = int(parts[0]), int(parts[1])
        if secs >= 60:
            raise ValueError(f"'{text}': seconds must be below 60")
        seconds = minutes * 60 + secs
    if seconds <= 0 or seconds > 4 * 3600:
        raise ValueError(f"'{text}': a turn lasts between 0:01 and 240:00")
    return seconds
