"""Errors for ballot files and counts that a person can read and act on.

They derive from :class:`facilitator.errors.UserError` (so the UI shows the message as it is)
and from :class:`ValueError` (so callers that only know "bad value" still catch them).
"""

from __future__ import annotations

from facilitator.errors import UserError
from facilitator.i18n import _


class TallyInputError(UserError, ValueError):
    """Input a count cannot use; ``line`` is the 1-based line of the file, when known."""

    def __init__(self, problem: str, line: int | None = None, source: str | None = None) -> None:
        where = []
        if source:
            where.append(source)
        if line is not None:
            where.append(_("line {n}").format(n=line))
        message = f"{', '.join(where)}: {problem}" if where else problem
        super().__init__(message)
        self.problem = problem
        self.line = line
        self.source = source


class BltError(TallyInputError):
    """A BLT ranked-ballot file is malformed."""


class PbError(TallyInputError):
    """A Pabulib ``.pb`` participatory-budgeting file is malformed."""
