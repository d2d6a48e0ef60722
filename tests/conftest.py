"""Fixtures shared by every test: temporary events, a fake clock, the reference data.

Every file a test reads is inside the repository: the reference data (real elections and
sample pools, with their sources and licences) is in ``tests/data`` (see its README.md).
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import settings

from facilitator.clock import FakeClock
from facilitator.store import EventStore

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = PROJECT_ROOT / "tests" / "data"

# Property tests run the same examples on every machine and every run (a failure can be
# reproduced, and a fresh machine sees what CI saw), keep no example database, and have no
# deadline (a loaded machine is slow, not wrong). Loaded here, before any test module is
# imported, so each @settings(...) takes what it does not set from this profile. To hunt
# for new counterexamples: HYPOTHESIS_PROFILE=explore.
settings.register_profile("repeatable", derandomize=True, database=None, deadline=None,
                          print_blob=True)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture
def reference_data() -> Path:
    """``tests/data``: the reference data the tests check against (see its README.md)."""
    if not TEST_DATA.is_dir():
        pytest.fail(f"test data missing: expected it at {TEST_DATA}")
    return TEST_DATA


@pytest.fixture
def seeded_codes(monkeypatch: pytest.MonkeyPatch) -> random.Random:
    """Ballot codes drawn from a seeded generator instead of ``secrets``: a test that prints
    and scans papers sees the same codes on every run (change the seed, not the luck)."""
    from facilitator.ballots import codes as ballot_codes

    rng = random.Random(14)
    monkeypatch.setattr(ballot_codes, "secrets", SimpleNamespace(choice=rng.choice))
    return rng


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
