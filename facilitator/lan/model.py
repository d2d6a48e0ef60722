"""Phone voting as values: the settings, a question open to phones, what an op hands back, a
raised hand, the refusals, and the pure rules over them. Nothing here reads or writes the
event file (:mod:`facilitator.lan.queries` reads, :mod:`facilitator.lan.ops` changes).

A phone ballot itself (:class:`facilitator.ballots.PhoneVote`) is the ballots subsystem's:
the ballot box is one, whatever the channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from facilitator.ballots import Answer, Kind, PhoneVote, Question
from facilitator.changes import Changes
from facilitator.errors import UserError
from facilitator.i18n import N_, _
from facilitator.people import BadgeLink, Participant

PHONES = Changes(phones=True)
PHONES_AND_BALLOTS = Changes(phones=True, ballots=True)
SETTINGS_KEY = "lan_settings"
DEFAULT_PORT = 8080
PHONE = "phone"
"""The actor of what a person does on their own phone (a vote, a raised hand, a language).
A vote's audit entry names only this, never the voter."""
PHONE_TABLE = N_("Phone")
MAX_QUESTION_CHARS = 500
LANGUAGE_ATTRIBUTES = ("language", "lang", "iaith")
"""Participant-list columns that may give a person's phone-page language."""


class LanError(UserError):
    """A refused phone action. ``reason`` is one of the keys the phone pages translate."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class LanSettings:
    allow_change: bool = False
    """A voter may change their phone vote until the question closes."""
    results_live: bool = False
    """Results are shown while the question is open (else only after it closes)."""
    port: int = DEFAULT_PORT
    host: str = ""
    """The address the server listens on ("" until the facilitator picks one)."""
    projector_join: bool = False
    """The projector shows the join page's QR code and address (while phones are served)."""

    def to_json(self) -> dict[str, Any]:
        return {"allow_change": self.allow_change, "results_live": self.results_live,
                "port": self.port, "host": self.host, "projector_join": self.projector_join}

    @classmethod
    def from_json(cls, data: Any) -> LanSettings:
        """Settings as stored; anything missing or out of range gives the default."""
        data = data if isinstance(data, dict) else {}
        port = data.get("port", DEFAULT_PORT)
        return cls(
            allow_change=bool(data.get("allow_change", False)),
            results_live=bool(data.get("results_live", False)),
            port=port if isinstance(port, int) and 1 <= port <= 65535 else DEFAULT_PORT,
            host=str(data.get("host") or ""),
            projector_join=bool(data.get("projector_join", False)),
        )


@dataclass(frozen=True)
class PhoneQuestion:
    round_id: int
    index: int
    round_title: str
    question: Question
    status: str
    """"open" or "closed"."""
    opened_at: datetime
    closed_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class VoteResult:
    changes: Changes
    vote: PhoneVote
    """The ballot just cast; its receipt is shown to the voter once, then never again."""
    replaced: bool


@dataclass(frozen=True)
class BadgeReissued:
    changes: Changes
    participant: Participant
    """The person with their new badge code (print the badge again)."""


@dataclass(frozen=True)
class Hand:
    id: int
    participant: Participant
    at: datetime
    status: str


def refuse_zero_marks(question: Question, answer: Answer) -> None:
    """A rank or a grade of 0 cannot come from the phone page (its lists start at 1), and
    :func:`facilitator.ballots.check_answer` would read it as "not marked" (as on paper,
    where a 0 is read as an empty box): from a phone it is refused rather than stored as a
    blank vote."""
    if question.kind not in (Kind.RANK, Kind.JUDGMENT):
        return
    for number, mark in enumerate(answer.marks, start=1):
        if mark == 0 and not isinstance(mark, bool):
            text = (_("Option {n} has the rank 0; ranks start at 1.") if question.kind is Kind.RANK
                    else _("Option {n} has the grade 0; grades start at 1."))
            raise LanError(text.format(n=number), "invalid")


def badge_mismatch(link: BadgeLink, host: str, port: int, *, running: bool = True
                   ) -> str | None:
    """What to say when the phone server listens somewhere other than where the printed
    badges point (:mod:`facilitator.people.links`), with the fix; None when they agree.
    A badge's QR code then does not open the ballot (it still checks in at the desk, and
    the code under it can still be typed on the join page)."""
    if link.host == host and link.port == port:
        return None
    here = f"http://{host}:{port}"
    if not running:
        text = _("The badges point to {printed}, but phones would be served at {here}: "
                 "scanning a badge would not open the ballot.")
        fix = (_("Choose port {port}.") if link.host == host else
               _("Choose {host} (connect this laptop to that network or start its hotspot "
                 "first), or set where badges point and print them again.")).format(
                     host=link.host, port=link.port)
    else:
        text = _("The badges point to {printed}, but phones are served at {here}: "
                 "scanning a badge will not open the ballot (check-in still works, and "
                 "people can type the code under the QR at {here}).")
        fix = (_("Fix: stop phone voting and start it again on port {port}, or print the "
                 "badges again.") if link.host == host else
               _("Fix: connect this laptop to the network that gives it {host} (or start "
                 "its hotspot), stop phone voting and start it again on {host} port "
                 "{port}; or set where badges point to {here} and print them again.")
               ).format(host=link.host, port=link.port, here=here)
    return text.format(printed=link.base_url, here=here) + " " + fix


def listed_language(person: Participant) -> str | None:
    """The language the participant list gives for a person, if a column says."""
    for key, value in person.attributes.items():
        if key.strip().casefold() in LANGUAGE_ATTRIBUTES and value.strip():
            return value.strip()
    return None
