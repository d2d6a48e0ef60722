"""``facilitator.tally`` is pure counting at the bottom of the core (ARCHITECTURE.md): it reads
ballot files and counts them, and knows nothing of an event. Importing it, or any of its
modules, in a fresh interpreter must not load sqlite3, the event store or the ballot model."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import facilitator.tally

ROOT = Path(__file__).resolve().parents[3]
BANNED = ("sqlite3", "facilitator.store", "facilitator.ballots", "facilitator.people",
          "facilitator.results", "facilitator.lan")


def tally_modules() -> list[str]:
    return ["facilitator.tally", *(info.name for info in pkgutil.walk_packages(
        facilitator.tally.__path__, "facilitator.tally."))]


def test_tally_modules_are_discovered() -> None:
    modules = tally_modules()
    assert {"facilitator.tally.stv", "facilitator.tally.pb", "facilitator.tally.cli"} <= \
        set(modules)


@pytest.mark.parametrize("module", tally_modules())
def test_importing_tally_loads_no_store_and_no_ballots(module: str) -> None:
    """One fresh interpreter per module, so nothing another import loaded can hide one."""
    code = (
        "import importlib, sys\n"
        f"importlib.import_module({module!r})\n"
        f"banned = {BANNED!r}\n"
        "print(','.join(sorted(m for m in sys.modules\n"
        "                      if any(m == b or m.startswith(b + '.') for b in banned))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    assert result.stdout.strip() == "", f"{module} pulled in: {result.stdout.strip()}"
