"""The plenary's values: settings, queue entries, turns, agenda items, and the whole view.

Pure: frozen dataclasses, enums and the rules that need no event file. Reading them from
the file is :mod:`facilitator.timing.queries`; changing the file is :mod:`facilitator.timing.ops`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum
from typing import Any

from facilitator.changes import Changes
from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.people import Participant
from facilitator.timing.countdown import DEFAULT_STAGES, Countdown, OvertimePolicy, Stage

PLENARY = Changes(plenary=True)
"""What every plenary op changes."""


class QueuePolicy(Enum):
    FIRST_COME = "first_come"
    """In the order people asked (or as the facilitator dragged them)."""
    PROGRESSIVE = "progressive"
    """Who has spoken least in this session goes first (by turns or by seconds)."""
    ALTERNATE = "alternate"
    """Alternate between groups of an attribute (e.g. gender), first come within a group."""


class PlenaryError(UserError):
    pass


@dataclass(frozen=True)
class PlenarySettings:
    turn_seconds: int = 120
    stages: tuple[Stage, ...] = DEFAULT_STAGES
    overtime: OvertimePolicy = OvertimePolicy.COUNT_UP
    policy: QueuePolicy = QueuePolicy.FIRST_COME
    progressive_by: str = "turns"  # or "seconds"
    alternate_attribute: str | None = None
    chime: bool = True
    projector_shows_balance: bool = False

    def validate(self) -> None:
        """Raise a :class:`PlenaryError` for settings that cannot run a plenary."""
        if self.turn_seconds <= 0:
            raise PlenaryError(_("A turn must last at least one second."))
        if self.policy is QueuePolicy.ALTERNATE and not self.alternate_attribute:
            raise PlenaryError(_("Choose the attribute whose groups should alternate."))

    def to_json(self) -> dict[str, Any]:
        return {
            "turn_seconds": self.turn_seconds,
            "stages": [[s.key, s.at_seconds, s.colour] for s in self.stages],
            "overtime": self.overtime.value,
            "policy": self.policy.value,
            "progressive_by": self.progressive_by,
            "alternate_attribute": self.alternate_attribute,
            "chime": self.chime,
            "projector_shows_balance": self.projector_shows_balance,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlenarySettings:
        default = cls()
        stages = tuple(Stage(str(k), float(at), str(c)) for k, at, c in data.get("stages", [])) \
            or default.stages
        return cls(
            turn_seconds=int(data.get("turn_seconds", default.turn_seconds)),
            stages=stages,
            overtime=OvertimePolicy(data.get("overtime", default.overtime.value)),
            policy=QueuePolicy(data.get("policy", default.policy.value)),
            progressive_by=str(data.get("progressive_by", default.progressive_by)),
            alternate_attribute=data.get("alternate_attribute"),
            chime=bool(data.get("chime", default.chime)),
            projector_shows_balance=bool(data.get("projector_shows_balance", False)),
        )


def session_title(number: int) -> str:
    """The title a session gets when the facilitator did not name it ("Plenary 1")."""
    return _("Plenary {n}").format(n=number)


@dataclass(frozen=True)
class QueueEntry:
    id: int
    participant: Participant
    kind: str
    position: float
    added_at: datetime
    reason: str = ""
    """Why this entry is where it is (shown to the facilitator)."""

    @property
    def is_reply(self) -> bool:
        return self.kind == "reply"

    def because(self, reason: str) -> QueueEntry:
        return replace(self, reason=reason)


@dataclass(frozen=True)
class Turn:
    id: int
    session_id: int
    participant: Participant
    kind: str
    countdown: Countdown
    started_at: datetime
    ended_at: datetime | None
    spoken: float | None
    agenda_item_id: int | None

    @property
    def open(self) -> bool:
        return self.ended_at is None


@dataclass(frozen=True)
class AgendaItem:
    id: int
    title: str
    planned: float
    position: float
    timer: Countdown
    started_at: datetime | None
    ended_at: datetime | None

    @property
    def state(self) -> str:
        if self.ended_at is not None:
            return "done"
        if self.started_at is not None:
            return "running" if self.timer.running else "paused"
        return "upcoming"


@dataclass(frozen=True)
class PlenaryState:
    """Everything a plenary view shows, read in one go."""

    session_id: int | None
    """The open session; None until the first change opens one (a query never writes)."""
    session_title: str
    settings: PlenarySettings
    queue: list[QueueEntry]
    current: Turn | None
    last_turn: Turn | None
    agenda: list[AgendaItem] = field(default_factory=list)

    @property
    def current_agenda_item(self) -> AgendaItem | None:
        return next((a for a in self.agenda if a.state in ("running", "paused")), None)
