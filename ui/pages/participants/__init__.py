"""The Participants page (page.py), its Qt models (model.py) and dialogs (dialogs.py)."""

from ui.pages.participants.page import ParticipantsPage

__all__ = ["ParticipantsPage"]
