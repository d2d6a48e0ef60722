"""The Polls page: a deliberative poll from its questionnaire to its printed table (issue 16)."""

from ui.pages.polls.page import PollsPage

__all__ = ["PollsPage"]
