"""Issue 14: the window shows before any heavy library or later page loads (start < 1.5 s).

OpenCV and numpy (the paper reader), reportlab (PDFs), cryptography (stations' TLS), openpyxl,
zxing-cpp, PDFium and Qt Multimedia load when their feature is first used, never to show the
main window: each costs a start from a cold disk, and the reader's may not even be installed
(ui/reader_addon.py). Run in a fresh interpreter, so nothing this test process loaded hides it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("cv2", "numpy", "pypdfium2", "reportlab", "cryptography", "scipy", "openpyxl",
         "zxingcpp", "PIL", "PySide6.QtMultimedia")


@pytest.fixture(scope="module")
def loaded_when_shown(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The modules loaded when the app had shown its window on the demo event."""
    tmp_path = tmp_path_factory.mktemp("start")
    code = (
        "import sys\n"
        "from ui.app import main\n"
        f"rc = main(['--demo', '--exit-when-shown', '--config-dir', {str(tmp_path)!r},\n"
        f"           '--data-dir', {str(tmp_path)!r}])\n"
        "assert rc == 0, rc\n"
        "print('loaded:', ','.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, env={"QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
                                           "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
                            timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("shown after"), result.stdout
    assert lines[-1].startswith("loaded: "), result.stdout
    return set(lines[-1].removeprefix("loaded: ").split(","))


def test_the_main_window_shows_on_the_demo_event_before_any_heavy_library_loads(
        loaded_when_shown: set[str]) -> None:
    assert [m for m in HEAVY if m in loaded_when_shown] == []


def test_only_the_first_page_module_is_imported_when_the_window_shows(
        loaded_when_shown: set[str]) -> None:
    """The other pages' modules (and the projector's, which uses several) load when they
    are first built, on idle after the window showed (ui/main_window.py's PageSet)."""
    pages = {m.split(".")[2] for m in loaded_when_shown
             if m.startswith("ui.pages.") and m.count(".") == 2}
    assert pages - {"base", "common"} == {"participants"}
    assert "ui.projector" not in loaded_when_shown
