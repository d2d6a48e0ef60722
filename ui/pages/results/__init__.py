"""The Results page (page.py), the widgets that show a counted question (view.py: also the
projector's results view) and direct printing of the result sheet (printing.py)."""

from ui.pages.results.page import ResultsPage

__all__ = ["ResultsPage"]
