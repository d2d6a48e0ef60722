"""A card dragged onto a proposal with the mouse, through Qt's own drag loop.

The offscreen platform the other UI tests use cannot run a drag: its ``QDrag.exec`` returns
``IgnoreAction`` at once, without the event loop in which the mouse moves to the drop target
(checked below, so this file notices the day that changes). So the real drag runs in a child
process on the X11 platform under Xvfb: press on a card, move past the start distance (Qt
starts the drag), and, inside the drag loop, move over a proposal and release. The drop runs
the page's op: the card is behind the proposal in the event file. Skipped without Xvfb.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, Qt, QTimer
from PySide6.QtGui import QDrag
from PySide6.QtWidgets import QListWidget
from pytestqt.qtbot import QtBot

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import sys
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from facilitator.clock import FakeClock
from facilitator.store import EventStore
from facilitator.theatre import ops, queries
from ui.bus import ChangeBus
from ui.pages.theatre import TheatrePage

app = QApplication([])
store = EventStore.create(Path(sys.argv[1]), "Drag", FakeClock())
ops.start_session(store, "Play", actor="t")
cards = [ops.add_card(store, f"idea {n}", actor="t").card_id for n in range(3)]
proposals = [ops.add_proposal(store, f"proposal {n}", actor="t").proposal_id for n in range(2)]
page = TheatrePage(store, ChangeBus(), FakeClock())
page.resize(1366, 768)
page.tabs.setCurrentIndex(1)
page.show()
page.activateWindow()
assert QTest.qWaitForWindowActive(page)
source, target = page.card_list, page.proposal_list
start = source.visualItemRect(source.item(1)).center()
drop_at = target.visualItemRect(target.item(1)).center()
seen = []


def over_the_proposal_and_release():
    seen.append("drag loop")
    QTest.mouseMove(target.viewport(), drop_at - QPoint(6, 0))
    QTest.mouseMove(target.viewport(), drop_at)
    QTest.mouseRelease(target.viewport(), Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier, drop_at)


QTest.mousePress(source.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                 start)
QTimer.singleShot(0, over_the_proposal_and_release)  # runs inside QDrag.exec's loop
distance = QApplication.startDragDistance()
QTest.mouseMove(source.viewport(), start + QPoint(distance + 2, 0))
QTest.mouseMove(source.viewport(), start + QPoint(2 * distance + 4, 0))
moved = queries.card(store, cards[1]).proposal_id
print("RESULT", seen == ["drag loop"], moved == proposals[1],
      [queries.card(store, c).proposal_id for c in cards], source.count(), flush=True)
page.close()
store.close()
"""


def test_offscreen_qt_cannot_run_a_drag(qtbot: QtBot) -> None:
    """Why the real drag runs under Xvfb: offscreen, QDrag.exec returns at once, so the
    mouse can never reach a drop target (the Theatre page test drops synthetically)."""
    source = QListWidget()
    qtbot.addWidget(source)
    fired: list[bool] = []
    QTimer.singleShot(0, lambda: fired.append(True))
    data = QMimeData()
    data.setText("card")
    drag = QDrag(source)
    drag.setMimeData(data)
    assert drag.exec(Qt.DropAction.CopyAction) == Qt.DropAction.IgnoreAction
    assert not fired  # no event loop ran inside exec


@pytest.mark.skipif(shutil.which("xvfb-run") is None or sys.platform != "linux",
                    reason="needs Xvfb (xvfb-run) for a real X11 drag")
def test_a_card_dragged_with_the_mouse_lands_behind_the_proposal(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", PYTHONPATH=str(ROOT))
    env.pop("PYTHONWARNINGS", None)
    done = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1600x900x24", sys.executable, "-c", CHILD,
         str(tmp_path / "drag.facilitator")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    result = [line for line in done.stdout.splitlines() if line.startswith("RESULT")]
    assert done.returncode == 0 and result, done.stdout + done.stderr
    # The drag loop ran; card 2 (only) is behind proposal 2; 2 cards are left unsorted.
    assert result[0].split(" ", 3)[1:3] == ["True", "True"], result[0]
    assert result[0].endswith(" 2"), result[0]
