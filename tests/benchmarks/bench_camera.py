"""Benchmark: the webcam path keeps the GUI responsive (issue 17).

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_camera.py [--seconds 12]
        [--fps 30] [--hold 1.2]

Frames in a camera's own format (NV12, as webcams deliver through Qt Multimedia) are pushed
into the Reading page's camera sink at ``--fps``, as a camera would, for ``--seconds``:
each marked ballot paper (photographed by program) held up for ``--hold`` seconds, then the
empty table for 0.5 s. Prints, per frame size: frames delivered and frames read (the rest
were skipped, never queued), the GUI thread's time per call in the camera code, the longest
gap between two frames (the event loop held up), and papers held up, entered, and how long
after it was first shown each was entered.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def nv12_frame(grey: Any, width: int, height: int) -> Any:
    """A grey image as the NV12 frame a webcam hands Qt Multimedia (no colour)."""
    import cv2
    import numpy as np
    from PySide6.QtCore import QSize
    from PySide6.QtMultimedia import QVideoFrame, QVideoFrameFormat

    image = cv2.resize(np.asarray(grey), (width, height), interpolation=cv2.INTER_AREA)
    frame = QVideoFrame(QVideoFrameFormat(QSize(width, height),
                                          QVideoFrameFormat.PixelFormat.Format_NV12))
    frame.map(QVideoFrame.MapMode.WriteOnly)
    luma = np.frombuffer(frame.bits(0), np.uint8).reshape(height, frame.bytesPerLine(0))
    luma[:, :width] = image
    np.frombuffer(frame.bits(1), np.uint8)[:] = 128
    frame.unmap()
    return frame


class Run:
    """One frame size: frames pushed into a Reading page's camera sink on a timer."""

    def __init__(self, store: Any, shots: list[Any], size: tuple[int, int], *, fps: float,
                 hold: float) -> None:
        import numpy as np

        from ui.bus import ChangeBus
        from ui.camera import CameraReader
        from ui.pages.reading import ReadingPage
        from ui.sound import Chime
        from ui.tasks import TaskRunner

        self.store, self.fps = store, fps
        self.page = ReadingPage(store, ChangeBus(), TaskRunner(), chime=Chime())
        self.page.resize(1366, 768)
        self.page.show()
        self.page.camera.toggle.click()
        reader = self.page.camera.reader
        assert isinstance(reader, CameraReader)
        self.reader = reader
        # Each paper is held up for ``hold`` seconds, then the table is seen for 0.5 s.
        # Two frames of each, shown in turn: a sink does not pass on the frame it has already.
        empty = np.full((720, 1280), 120, dtype=np.uint8)
        table = [nv12_frame(empty, *size), nv12_frame(empty, *size)]
        self.script: list[tuple[Any, int | None]] = []
        for n, shot in enumerate(shots):
            paper = [nv12_frame(shot, *size), nv12_frame(shot, *size)]
            self.script += [(paper[i % 2], n) for i in range(round(hold * fps))]
            self.script += [(table[i % 2], None) for i in range(round(0.5 * fps))]
        self.looked = 0
        self.gui_ms: list[float] = []
        self.gaps: list[float] = []
        self.shown_at: dict[int, float] = {}
        self.latency: list[float] = []
        self.statuses: dict[str, int] = {}
        self.sent = 0
        reader.looked.connect(self._on_looked)
        self.page.camera_filed.connect(self._on_filed)
        for name in ("_on_frame", "_on_converted", "_on_read"):  # time the GUI thread's part
            setattr(reader, name, self._timed(getattr(reader, name)))
        reader.sink.videoFrameChanged.disconnect()
        reader.sink.videoFrameChanged.connect(reader._on_frame)

    def _timed(self, call: Callable[..., None]) -> Callable[..., None]:
        def timed(*args: object) -> None:
            start = time.perf_counter()
            call(*args)
            self.gui_ms.append((time.perf_counter() - start) * 1000)

        return timed

    def _on_looked(self) -> None:
        self.looked += 1

    def _on_filed(self, filed: Any) -> None:
        status = "refused" if filed is None else filed.status
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status == "counted":
            self.latency.append((time.perf_counter() - self.shown_at[max(self.shown_at)])
                                * 1000)

    def go(self, seconds: float) -> str:
        import numpy as np
        from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer

        total = int(seconds * self.fps)
        clock = QElapsedTimer()
        loop = QEventLoop()
        timer = QTimer()
        timer.setInterval(round(1000 / self.fps))

        def tick() -> None:
            if self.sent:
                self.gaps.append(clock.restart())
            else:
                clock.start()
            frame, paper = self.script[self.sent % len(self.script)]
            if paper is not None and paper not in self.shown_at:
                self.shown_at[paper] = time.perf_counter()
            self.reader.sink.setVideoFrame(frame)
            self.sent += 1
            if self.sent >= total:
                timer.stop()
                loop.quit()

        timer.timeout.connect(tick)
        timer.start()
        loop.exec()
        self.reader.stop()
        self.page.close()
        mean = f"{np.mean(self.latency):.0f} ms" if self.latency else "-"
        return (f"{self.sent} frames delivered, {self.looked} read ({self.sent - self.looked} "
                f"skipped, none queued); GUI thread per call in the camera code: mean "
                f"{np.mean(self.gui_ms):.1f} ms, max {max(self.gui_ms):.1f} ms; longest gap "
                f"between frames {max(self.gaps):.0f} ms (one every {1000 / self.fps:.0f} ms "
                f"asked); papers held up {len(self.shown_at)}, filed {self.statuses}, first shown "
                f"to entered: mean {mean}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=12.0)
    parser.add_argument("--fps", type=float, default=30.0)
    parser.add_argument("--hold", type=float, default=1.2, help="seconds a paper is held up")
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    import ui.sound  # noqa: F401  (quiets Qt Multimedia's notes on optional libraries)

    _app = QApplication.instance() or QApplication([])
    from facilitator.clock import FakeClock
    from facilitator.demo import create_demo_event
    from facilitator.reports.ballots import paper_layout, write_ballot_papers
    from tests.reading_corpus import mark_page, photograph, render
    from tests.unit.ballots.conftest import open_round, three_questions

    folder = Path(tempfile.mkdtemp())
    store = create_demo_event(folder / "demo.facilitator", FakeClock())
    ballot_round, papers = open_round(store, 40, questions=three_questions())
    pdf = write_ballot_papers(folder / "p.pdf", ballot_round, papers, event_name=store.name)
    layout = paper_layout(ballot_round, event_name=store.name)
    rng = random.Random(3)
    shots = [photograph(mark_page(page, layout, 0, ballot_round.questions, rng, 150,
                                  style="cross", stray=0).image, random.Random(i), tilt=8,
                        side=1280) for i, page in enumerate(render(pdf, 150))]
    for n, size in enumerate(((1280, 720), (1920, 1080))):
        run = Run(store, shots[20 * n:20 * n + 20], size, fps=args.fps, hold=args.hold)
        print(f"{size[0]}x{size[1]} NV12 at {args.fps:g} fps, each paper held "
              f"{args.hold:g} s: {run.go(args.seconds)}", flush=True)
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
