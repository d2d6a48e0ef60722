"""The demo event (people imported, about two thirds checked in) for the results tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from facilitator.clock import FakeClock
from facilitator.demo import create_demo_event
from facilitator.store import EventStore


@pytest.fixture
def demo(tmp_path: Path, clock: FakeClock) -> Iterator[EventStore]:
    store = create_demo_event(tmp_path / "demo.facilitator", clock)
    yield store
    store.close()
