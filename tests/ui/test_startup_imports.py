"""Issue 14: the window shows before any heavy library loads (cold start under 1.5 s).

OpenCV and numpy (the paper reader), reportlab (PDFs), cryptography (stations' TLS), openpyxl,
zxing-cpp, PDFium and Qt Multimedia load when their feature is first used, never to show the
main window: each costs a start from a cold disk, and the reader's may not even be installed
(ui/reader_addon.py). Run in a fresh interpreter, so nothing this test process loaded hides it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("cv2", "numpy", "pypdfium2", "reportlab", "cryptography", "scipy", "openpyxl",
         "zxingcpp", "PIL", "PySide6.QtMultimedia")


def test_the_main_window_shows_on_the_demo_event_before_any_heavy_library_loads(
        tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from ui.app import main\n"
        f"rc = main(['--demo', '--exit-when-shown', '--config-dir', {str(tmp_path)!r},\n"
        f"           '--data-dir', {str(tmp_path)!r}])\n"
        "assert rc == 0, rc\n"
        f"print('loaded:', ','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, env={"QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
                                           "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
                            timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("shown after"), result.stdout
    assert lines[-1] == "loaded:", f"before the window showed: {lines[-1]}"
