"""The Q&A page (page.py) and its dialogs (dialogs.py), as Anki's ``aqt/browser/``."""

from ui.pages.qa.page import QaPage

__all__ = ["QaPage"]
