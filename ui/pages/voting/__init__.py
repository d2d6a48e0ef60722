"""The Voting page (page.py), its side tabs (tabs.py), the paper's key-in editor (editor.py)
and its dialogs (dialogs.py), as Anki's ``aqt/browser/``."""

from ui.pages.voting.page import HAND_OUT, VotingPage

__all__ = ["HAND_OUT", "VotingPage"]
