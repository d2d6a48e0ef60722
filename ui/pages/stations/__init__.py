"""The Stations page (issue 18)."""

from ui.pages.stations.page import StationsPage

__all__ = ["StationsPage"]
