"""What a domain command changed, so each view decides whether to refresh (HOUSE_STYLE 3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class Changes:
    """Flags for the kinds of data a command touched, and the participants involved."""

    participants: bool = False
    """The list itself changed: people added, removed, renamed or re-attributed."""
    attendance: bool = False
    """Someone was checked in, un-checked, or marked as a no-show."""
    event: bool = False
    """The event's own settings or name changed."""
    plenary: bool = False
    """The speaker queue, a turn, the countdown, the agenda or plenary settings changed."""
    qa: bool = False
    """A question, its votes, order, experts, outcome or written answer changed."""
    tables: bool = False
    """A table plan, a seat, a lock, or the table settings and constraints changed."""
    ballots: bool = False
    """A ballot round, its questions, a printed batch, an entered paper or a count changed."""
    phones: bool = False
    """Phone voting: a phone vote, a question opened/closed for phones, a token, a raised hand."""
    polls: bool = False
    """A deliberative poll: its questionnaire, a wave opened or closed, an answer keyed."""
    theatre: bool = False
    """Legislative theatre: a scene, an intervention, a card, a proposal, a vote, a commitment."""
    participant_ids: frozenset[int] = field(default_factory=frozenset)

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            participants=self.participants or other.participants,
            attendance=self.attendance or other.attendance,
            event=self.event or other.event,
            plenary=self.plenary or other.plenary,
            qa=self.qa or other.qa,
            tables=self.tables or other.tables,
            ballots=self.ballots or other.ballots,
            phones=self.phones or other.phones,
            polls=self.polls or other.polls,
            theatre=self.theatre or other.theatre,
            participant_ids=self.participant_ids | other.participant_ids,
        )

    @property
    def any(self) -> bool:
        return (self.participants or self.attendance or self.event or self.plenary
                or self.qa or self.tables or self.ballots or self.phones or self.theatre
                or self.polls)


NO_CHANGES = Changes()


@runtime_checkable
class HasChanges(Protocol):
    """The result of an op that also hands back a value: it carries what changed."""

    @property
    def changes(self) -> Changes: ...


OpResult = Changes | HasChanges
"""What every op returns (ARCHITECTURE.md): a :class:`Changes`, or a result with ``.changes``."""


def changes_of(result: OpResult) -> Changes:
    """The :class:`Changes` of an op's result, whichever shape it has."""
    return result if isinstance(result, Changes) else result.changes
