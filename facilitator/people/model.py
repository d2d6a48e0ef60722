"""The people model: a participant, what an op hands back, the attendance count. Pure.

Nothing here reads or writes the event file: :mod:`~facilitator.people.queries` builds these
values from it and :mod:`~facilitator.people.ops` changes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from facilitator.changes import Changes
from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.text import fold

ROLES = ("participant", "facilitator", "expert", "staff", "observer")
"""Every role a person can have; only ``participant`` counts in attendance and votes."""
STATUSES = ("expected", "checked_in", "no_show")


class NotFoundError(UserError):
    """No participant has that number, badge, token or ID."""


class AttendanceError(UserError):
    """A check-in, undo or no-show that the person's status does not allow."""


@dataclass(frozen=True)
class Participant:
    id: int
    ext_id: str
    name: str
    role: str
    attributes: dict[str, str]
    source: str
    status: str
    status_at: datetime | None
    checked_in_at: datetime | None
    active: bool
    badge_code: str
    token: str
    search_key: str

    @property
    def present(self) -> bool:
        return self.status == "checked_in"

    @property
    def walk_in(self) -> bool:
        return self.source == "walk_in"

    def matches(self, words: Sequence[str]) -> bool:
        """Whether every word of a search (see :func:`search_words`) is in the name, ID or
        badge code: the one matching rule of every search box."""
        return all(word in self.search_key for word in words)


def search_key(ext_id: str, name: str, badge_code: str) -> str:
    """What a search looks in, stored with the person: folded name and ID, badge code."""
    return f"{fold(name)} {fold(ext_id)} {badge_code.lower()}"


def search_words(text: str) -> list[str]:
    """The words of a search as typed: case, accents and word order do not matter."""
    return fold(text).split()


def status_refusal(person: Participant, wanted: str) -> str:
    """Why ``person`` cannot be given the status ``wanted`` from the one they have."""
    when = person.status_at.astimezone().strftime("%H:%M") if person.status_at else "?"
    if person.status == "checked_in" and wanted == "checked_in":
        return _("{name} is already checked in (since {time}).").format(
            name=person.name, time=when)
    if person.status == "checked_in":
        return _("{name} is checked in (since {time}); undo the check-in first.").format(
            name=person.name, time=when)
    if person.status == "no_show":
        if wanted == "checked_in":
            return _("{name} is marked as a no-show (at {time}); clear that first if they "
                     "have arrived after all.").format(name=person.name, time=when)
        return _("{name} is already marked as a no-show.").format(name=person.name)
    return _("{name} is not checked in.").format(name=person.name)


# -- what ops hand back ------------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipantResult:
    """What a check-in, undo, no-show or walk-in returns: the person as they are now."""

    changes: Changes
    participant: Participant


@dataclass(frozen=True)
class FieldChange:
    """One person whose name, role or columns a re-import changed: field → (old, new)."""

    ext_id: str
    name: str
    fields: dict[str, tuple[str | None, str | None]]


@dataclass(frozen=True)
class ImportReport:
    """What a (re-)import did, for the user to read."""

    changes: Changes
    file_name: str
    added: list[str] = field(default_factory=list)
    changed: list[FieldChange] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed_present: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = _("{file}: {added} added, {changed} changed, {removed} removed, "
                 "{unchanged} unchanged.").format(
            file=self.file_name, added=len(self.added) + len(self.restored),
            changed=len(self.changed), removed=len(self.removed), unchanged=self.unchanged)
        if self.removed_present:
            text += " " + _("Already checked in but no longer on the list: {names}.").format(
                names=", ".join(self.removed_present))
        return text


# -- attendance --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupCount:
    value: str
    present: int
    total: int


@dataclass(frozen=True)
class AttendanceSummary:
    """Who is here, among participants (facilitators, experts and staff counted apart)."""

    present: int
    total: int
    no_show: int
    others_present: dict[str, int]
    attribute: str | None
    groups: list[GroupCount]

    def text(self) -> str:
        line = _("present: {present} of {total}").format(present=self.present, total=self.total)
        if self.groups:
            line += "; " + ", ".join(f"{g.value} {g.present}" for g in self.groups)
        return line

