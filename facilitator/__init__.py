"""Facilitator: the domain core (no Qt, ever)."""

__version__ = "0.1.0"
