"""End-to-end: the real phone server and Phones panel, driven by a real headless Chromium.

Playwright drives Debian's /usr/bin/chromium (installed by ``dev.py test`` as root); it
never downloads a browser. Where there is no chromium (a developer's Windows laptop) the
tests are skipped, except in CI, where a missing browser fails the run. Every server
listens on 127.0.0.1 only.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from facilitator.ballots import BallotRound, create_round
from facilitator.clock import FakeClock
from facilitator.store import EventStore
from ui.bus import ChangeBus
from ui.phone_panel import PhonePanel

from ..unit.lan.conftest import every_kind  # the same nine kinds as the unit tests

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]

def artifacts_dir() -> Path:
    """Where screenshots are kept as test artefacts: ``$FACILITATOR_ARTIFACTS``, else
    ``tests/artifacts/`` (gitignored); the same convention as ``tests/ui/screens.py``."""
    root = os.environ.get("FACILITATOR_ARTIFACTS")
    folder = Path(root) if root else Path(__file__).resolve().parents[1] / "artifacts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: dev.py installs Debian's chromium")
        pytest.skip(f"no {CHROMIUM} on this machine")
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


def keep_screenshot(path: Path) -> None:
    """Keep a screenshot (written under tmp_path) in the artefacts folder."""
    shutil.copy(path, artifacts_dir() / path.name)


PHONE = {"width": 360, "height": 800}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def demo(tmp_path: Path, clock: FakeClock) -> Iterator[EventStore]:
    from facilitator.demo import create_demo_event

    store = create_demo_event(tmp_path / "demo.facilitator", clock)
    yield store
    store.close()


@pytest.fixture
def phone_round(demo: EventStore) -> BallotRound:
    return create_round(demo, "Phone vote", every_kind(), actor="test").round


def start_panel(qtbot: Any, store: EventStore, port: int | None = None,
                bus: ChangeBus | None = None) -> PhonePanel:
    """A Phones panel serving on 127.0.0.1 (a free port unless given). A port found free
    may be taken by another program before the panel listens on it: then another."""
    widget = PhonePanel(store, bus or ChangeBus())
    qtbot.addWidget(widget)
    widget.address_combo.setCurrentIndex(widget.address_combo.findData("127.0.0.1"))
    for _attempt in range(1 if port else 5):
        widget.port_spin.setValue(port or free_port())
        widget.start_server()
        if widget.server is not None:
            break
    assert widget.server is not None and widget.server.host == "127.0.0.1"
    return widget


@pytest.fixture
def panel(qtbot: Any, demo: EventStore, phone_round: BallotRound) -> Iterator[PhonePanel]:
    widget = start_panel(qtbot, demo)
    yield widget
    widget.stop_server()
