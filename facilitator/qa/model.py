"""The Q&A model: panels, the questions put to them, written answers, and their rules. Pure.

A question arrives *pending*; the facilitator approves or hides it, may edit its wording (the
original is kept, and every edit), merges duplicates (votes and tables combined; un-merge
restores the sources), assigns experts, and asks it: *now*, then *answered*, *deferred* to
a written answer, or *declined* with a reason.

The names carry ``Qa`` so that a reader never confuses them with the ballots'
``Question`` and ``QuestionError`` (a question on a ballot paper).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from facilitator.changes import Changes
from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.timing.countdown import Countdown

if TYPE_CHECKING:
    from facilitator.people import Participant

QA = Changes(qa=True)
ORDER_MODES = ("round_robin", "votes", "arrival", "manual")
WAITING = ("approved",)
OPEN = ("pending", "approved", "hidden", "now")
CLOSED = ("answered", "deferred", "declined")
MERGEABLE = ("pending", "approved", "hidden")
TABLE_CODE = re.compile(r"^(?:FACILITATOR-)?TABLE[:\-\s]*([A-Za-z0-9][A-Za-z0-9 \-]{0,20})$",
                        re.IGNORECASE)
DEFAULT_ANSWER_SECONDS = 180
MAX_CARD_TABLES = 500
"""The most tables one print of paper question cards is for."""


class QaError(UserError):
    """A Q&A change refused: one sentence saying why (nothing changed)."""


@dataclass(frozen=True)
class Panel:
    id: int
    title: str
    session_title: str
    order_mode: str
    experts: list[Participant]


@dataclass(frozen=True)
class QaQuestion:
    """A question from a table (or a phone) to the expert panel."""

    id: int
    panel_id: int
    table: str
    asker: Participant | None
    anonymous: bool
    text: str
    original_text: str
    source: str
    status: str
    merged_into: int | None
    manual_votes: int
    votes: int
    """Hand-entered votes plus distinct phone voters, including merged sources."""
    tables: list[str]
    """This question's table and those of the questions merged into it."""
    sources: list[int]
    labels: list[str]
    experts: list[Participant]
    outcome_reason: str | None
    arrived_at: datetime
    asked_at: datetime | None
    closed_at: datetime | None
    timer: Countdown | None
    manual_position: float | None
    reason: str = ""
    """Why the question is where it is in the order (shown to the facilitator)."""

    @property
    def edited(self) -> bool:
        return self.text != self.original_text

    @property
    def asker_label(self) -> str:
        if self.anonymous or self.asker is None:
            return ""
        return self.asker.name


@dataclass(frozen=True)
class WrittenAnswer:
    id: int
    question_id: int
    expert: Participant | None
    received_at: datetime
    text: str


@dataclass(frozen=True)
class QaState:
    panel: Panel
    order: list[QaQuestion]
    """Approved questions waiting, in the order they will be asked, each with its reason."""
    now: QaQuestion | None
    questions: list[QaQuestion] = field(default_factory=list)
    """Every question of the panel (merged ones included), by arrival."""


@dataclass(frozen=True)
class PanelCreated:
    """What :func:`facilitator.qa.ops.create_panel` returns."""

    changes: Changes
    panel_id: int


@dataclass(frozen=True)
class QuestionAdded:
    """What :func:`facilitator.qa.ops.add_question` returns."""

    changes: Changes
    question_id: int


def table_from_scan(text: str) -> str | None:
    """The table named by a table QR code ('FACILITATOR-TABLE:7'), or None."""
    match = TABLE_CODE.match(text.strip())
    return match.group(1).strip() if match else None


def table_code(table: str) -> str:
    """What a table's QR code on a paper question card holds."""
    return f"FACILITATOR-TABLE:{table}"


def merge_families(merged_into: Iterable[tuple[int, int | None]]) -> dict[int, list[int]]:
    """Each item's family: itself, then everything merged into it, and into those (depth
    first, in the order given), from ``(id, merged_into)`` pairs. A question merged into
    another (or a legislative-theatre proposal) counts what its family holds."""
    pairs = list(merged_into)
    children: dict[int, list[int]] = {item: [] for item, _parent in pairs}
    for item, parent in pairs:
        if parent is not None:
            children.setdefault(parent, []).append(item)
    families: dict[int, list[int]] = {}
    for root in children:
        family, todo, seen = [], [root], set()
        while todo:
            item = todo.pop()
            if item in seen:  # a cycle no op makes; never walked twice
                continue
            seen.add(item)
            family.append(item)
            todo.extend(reversed(children.get(item, [])))
        families[root] = family
    return families


def status_word(status: str) -> str:
    """A question's status in words, for a refusal ("Question 4 is being asked; …")."""
    return {
        "pending": _("waiting for approval"), "approved": _("approved"), "hidden": _("hidden"),
        "now": _("being asked"), "answered": _("answered"), "deferred": _("deferred"),
        "declined": _("declined"), "merged": _("merged into another"),
    }.get(status, status)


def action_word(action: str) -> str:
    """What an audited status change does, in words ("… it cannot be asked now")."""
    return {
        "approve_question": _("approved"), "hide_question": _("hidden"),
        "ask_question": _("asked"), "answer_question": _("marked answered"),
        "defer_question": _("deferred"), "decline_question": _("declined"),
    }.get(action, action)
