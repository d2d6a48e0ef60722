"""Refusals the person at the ballot desk reads and acts on; nothing was changed."""

from __future__ import annotations

from datetime import datetime

from facilitator.errors import UserError


class BallotError(UserError):
    """A ballot command was refused; the message says what is wrong."""


class QuestionError(BallotError):
    """A question or a ballot round is not well defined (no options, a threshold above 100%…)."""


class CodeError(BallotError):
    """A scanned or typed code is not a paper of this round (mistyped, unknown, another's)."""


class AlreadyEnteredError(CodeError):
    """The paper was entered before; ``entered_at`` and ``operator`` say when and by whom."""

    def __init__(self, message: str, entered_at: datetime, operator: str) -> None:
        super().__init__(message)
        self.entered_at = entered_at
        self.operator = operator


class MarkError(BallotError):
    """Keyed marks that do not fit the question (a mark for an option that is not printed)."""


class RoundStateError(BallotError):
    """The round is not in a state that allows this (closed, not printed yet, draft only…)."""


class ReconciliationError(BallotError):
    """The round cannot be closed as it is: a discrepancy without a note, an open adjudication."""
