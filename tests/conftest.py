"""Fixtures shared by every test: temporary events, a fake clock, the reference data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from facilitator.clock import FakeClock
from facilitator.store import EventStore

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DATA = PROJECT_ROOT.parent / "shared" / "reference-data"


@pytest.fixture
def reference_data() -> Path:
    if not REFERENCE_DATA.is_dir():
        pytest.fail(f"reference data missing: expected it at {REFERENCE_DATA}")
    return REFERENCE_DATA


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Iterator[EventStore]:
    event = EventStore.create(tmp_path / "event.facilitator", "Test assembly", clock)
    yield event
    event.close()


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path
