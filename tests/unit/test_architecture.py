"""The core knows no screen: importing every facilitator module must not load Qt."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import facilitator

ROOT = Path(__file__).resolve().parents[2]


def all_core_modules() -> list[str]:
    names = ["facilitator"]
    for info in pkgutil.walk_packages(facilitator.__path__, "facilitator."):
        if info.name != "facilitator.__main__":
            names.append(info.name)
    return names


def test_core_modules_are_discovered() -> None:
    modules = all_core_modules()
    assert "facilitator.store.db" in modules and "facilitator.people.ops" in modules


def test_no_qt_anywhere_in_the_core() -> None:
    """Run in a fresh interpreter so nothing the test runner loaded can hide an import."""
    modules = all_core_modules()
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6', 'PyQt5', 'PyQt6', 'ui'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    assert result.stdout.strip() == "", f"facilitator/ pulled in: {result.stdout}"


def test_cli_runs_without_qt(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from facilitator.cli import main\n"
        f"rc = main(['demo', {str(tmp_path / 'd.facilitator')!r}])\n"
        "assert rc == 0\n"
        "print(any(m.startswith('PySide6') for m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    assert result.stdout.strip().splitlines()[-1] == "False"
