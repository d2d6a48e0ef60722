"""Printed sheets (reportlab), with bundled fonts so every name prints."""
