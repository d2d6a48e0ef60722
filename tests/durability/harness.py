"""The kill-9 harness both durability tests use: start a writer child, SIGKILL it, report.

A child prints ``READY …`` when it starts and ``OK …`` after each confirmed write. Given
``FREEZE_ON_AUDIT`` (a snippet for the child), it instead stops inside a transaction after
``freeze_after`` audit entries, prints ``INSIDE`` and waits, so the kill lands before COMMIT.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FREEZE_ON_AUDIT = r"""
if freeze_after >= 0:
    real_audit = EventStore.audit
    calls = 0

    def audit(self, *args, **kwargs):
        global calls
        real_audit(self, *args, **kwargs)
        calls += 1
        if calls > freeze_after:
            print("INSIDE", flush=True)
            sys.stdin.readline()  # the parent kills us here, before COMMIT

    EventStore.audit = audit
"""


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("PYTHONWARNINGS", None)
    return env


@dataclass
class Killed:
    """What one killed child said before it died."""

    first: str
    lines: list[str] = field(default_factory=list)
    frozen: bool = False
    killed: bool = True
    """False if the child had already finished on its own when its kill was due."""


def run_and_kill(args: list[str], delay: float | None, *, may_finish: bool = False,
                 on_ready: Callable[[str], None] | None = None) -> Killed:
    """Start a child; SIGKILL it ``delay`` s after READY, or once it is frozen (delay None).

    ``may_finish``: a child with a bounded job (an import) may be done before its kill is due;
    otherwise it must still be running. ``on_ready`` is given the READY line as soon as it
    comes (a server child says there which port it got). Everything is read through
    ``child.stdout`` (never communicate(), which would miss what readline() has already
    buffered).
    """
    with subprocess.Popen(
        [sys.executable, "-c", *args], cwd=ROOT, env=child_env(),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    ) as child:
        assert child.stdout is not None and child.stderr is not None
        first = child.stdout.readline().decode()
        if not first.startswith("READY"):
            child.kill()
            child.wait()
            pytest.fail(f"the child did not start: {first!r}\n{child.stderr.read().decode()}")
        if on_ready is not None:
            on_ready(first)
        lines: list[str] = []
        if delay is None:
            while (line := child.stdout.readline().decode()) and line != "INSIDE\n":
                lines.append(line)
            assert line == "INSIDE\n", "the child ended before it froze"
        else:
            time.sleep(delay)
        running = child.poll() is None
        assert running or may_finish, child.stderr.read().decode()
        if running:
            child.send_signal(signal.SIGKILL)
        lines += child.stdout.read().decode().splitlines(keepends=True)
        err = child.stderr.read().decode()
        child.wait()
        assert child.returncode in ((0, -signal.SIGKILL) if may_finish else (-signal.SIGKILL,)), err
    # A line cut short by the kill was never seen, so it confirms nothing.
    return Killed(first, [line for line in lines if line.endswith("\n")], delay is None,
                  child.returncode == -signal.SIGKILL)
