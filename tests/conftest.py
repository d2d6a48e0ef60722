"""Fixtures shared by every test: temporary events, a fake clock, the reference data.

Every file a test reads is inside the repository: the reference data (real elections and
sample pools, with their sources and licences) is in ``tests/data`` (see its README.md).
"""

from __future__ import annotations

import base64
import os
import random
import secrets
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import settings

from facilitator import i18n
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


class SeededSecrets:
    """What the code under test draws from :mod:`secrets` (badge and ballot codes, tokens,
    poll secrets, a tally's tie-break seed), drawn instead from a generator seeded by the
    test's (or module's) name: a test sees the same codes on every run and every machine,
    whatever ran before it, so what they happen to be (a code that scans twice, a tie
    broken one way) cannot pass once and fail the next time."""

    NAMES = ("choice", "randbits", "randbelow", "token_bytes", "token_hex", "token_urlsafe")

    def __init__(self) -> None:
        self.rng = random.Random(0)

    def reseed(self, name: str) -> None:
        self.rng.seed(name)  # a str seed goes through SHA-512: the same on every run

    def choice(self, seq: Sequence[Any]) -> Any:
        return self.rng.choice(seq)

    def randbits(self, k: int) -> int:
        return self.rng.getrandbits(k)

    def randbelow(self, n: int) -> int:
        return self.rng.randrange(n)

    def token_bytes(self, nbytes: int | None = None) -> bytes:
        return self.rng.randbytes(32 if nbytes is None else nbytes)

    def token_hex(self, nbytes: int | None = None) -> str:
        return self.token_bytes(nbytes).hex()

    def token_urlsafe(self, nbytes: int | None = None) -> str:
        return base64.urlsafe_b64encode(self.token_bytes(nbytes)).rstrip(b"=").decode("ascii")


_SEEDED = SeededSecrets()


@pytest.fixture(scope="session", autouse=True)
def _seeded_secrets() -> Iterator[SeededSecrets]:
    with pytest.MonkeyPatch.context() as patch:
        for name in SeededSecrets.NAMES:
            patch.setattr(secrets, name, getattr(_SEEDED, name))
        yield _SEEDED


@pytest.fixture(scope="module", autouse=True)
def _seeded_per_module(request: pytest.FixtureRequest, _seeded_secrets: SeededSecrets) -> None:
    """Module-scoped fixtures draw from the module's own seed."""
    _seeded_secrets.reseed(request.node.nodeid)


@pytest.fixture(autouse=True)
def _seeded_per_test(request: pytest.FixtureRequest, _seeded_secrets: SeededSecrets) -> None:
    _seeded_secrets.reseed(request.node.nodeid)


@pytest.fixture(autouse=True)
def _english_after() -> Iterator[None]:
    """Every test starts in English: one that switches language and fails before switching
    back must not turn the tests after it Welsh or Arabic."""
    yield
    if i18n.language() != "en":
        i18n.set_language("en")


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
