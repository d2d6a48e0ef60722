"""The Theatre page: a legislative-theatre session run from the keyboard (issue 15)."""

from ui.pages.theatre.page import TheatrePage

__all__ = ["TheatrePage"]
