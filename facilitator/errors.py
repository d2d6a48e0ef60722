"""Errors a user can act on, as opposed to bugs.

Anything deriving from :class:`UserError` carries a message written for the person at the
laptop; the UI shows it as it is. Anything else is a bug and is reported as one.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can understand and fix; nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
