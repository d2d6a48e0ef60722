"""`facilitator --smoke-test`, run exactly as CI and a packager would run it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_smoke_test_flag_passes(tmp_path: Path) -> None:
    exe = shutil.which("facilitator", path=str(Path(sys.executable).parent))
    cmd = [exe] if exe else [sys.executable, "-m", "ui.app"]
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    result = subprocess.run([*cmd, "--smoke-test", "--config-dir", str(tmp_path / "c"),
                             "--data-dir", str(tmp_path / "d")],
                            capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    from ui.main_window import PAGE_KEYS

    assert (f"smoke test passed: {len(PAGE_KEYS)} pages, the projector, a PDF and its QR code, "
            "the phone server, ") in result.stdout
    assert (tmp_path / "d" / "demo-event.facilitator").exists()


def test_facilitator_eventfile_opens_that_event(tmp_path: Path) -> None:
    from facilitator.store import EventStore

    event = tmp_path / "Budget day.facilitator"
    EventStore.create(event, "Budget day").close()
    exe = shutil.which("facilitator", path=str(Path(sys.executable).parent))
    cmd = [exe] if exe else [sys.executable, "-m", "ui.app"]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([*cmd, str(event), "--exit-when-shown", "--config-dir",
                             str(tmp_path / "c"), "--data-dir", str(tmp_path / "d")],
                            capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("shown after")
    recent = (tmp_path / "c" / "recent.json").read_text(encoding="utf-8")
    assert "Budget day.facilitator" in recent
    assert not (tmp_path / "d" / "demo-event.facilitator").exists()
