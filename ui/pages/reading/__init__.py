"""The Reading page: marked papers read from a scanner's PDF or phone photos, and the review
queue of what the reader could not call (issue 17)."""

from ui.pages.reading.page import ReadingPage

__all__ = ["ReadingPage"]
