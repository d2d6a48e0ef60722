"""Projector countdown: CPU used while repainting, and drift of the shown time.

    python tests/benchmarks/bench_projector.py [--seconds 60] [--strict]

Opens the projector (1920×1080, offscreen) on a running 2-minute turn for ``--seconds``
and measures (1) the process CPU time over the run as a share of one core (target < 5%), and
(2) for every change of the digits, how late it came after the instant the shown second
truly changed, by the monotonic clock (target < 100 ms).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from facilitator.clock import SystemClock
from facilitator.demo import create_demo_event
from facilitator.people import list_participants
from facilitator.timing import ops, queries
from ui.bus import ChangeBus
from ui.projector import ProjectorWindow


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    clock = SystemClock()
    with tempfile.TemporaryDirectory() as tmp:
        store = create_demo_event(Path(tmp) / "bench.facilitator", clock)
        speakers = [p for p in list_participants(store) if p.present][:4]
        for person in speakers:
            ops.enqueue(store, person.id, actor="app")
        turn_seconds = int(args.seconds) + 60
        ops.start_next(store, turn_seconds, actor="app")
        turn = queries.current_turn(store)
        assert turn is not None and turn.countdown.running_since_mono is not None
        start_mono = turn.countdown.running_since_mono
        projector = ProjectorWindow(store, ChangeBus(), clock)
        projector.resize(1920, 1080)
        changes: list[tuple[str, float]] = []
        projector.countdown_shown.connect(lambda text, mono: changes.append((text, mono)))
        projector.show()
        app.processEvents()
        cpu0, wall0 = time.process_time(), time.perf_counter()
        QTimer.singleShot(int(args.seconds * 1000), app.quit)
        app.exec()
        cpu = time.process_time() - cpu0
        wall = time.perf_counter() - wall0
        projector.close()
        store.close()
    lateness = []
    for text, mono in changes[1:]:
        minutes, seconds = text.split(":")
        shown = int(minutes) * 60 + int(seconds)
        ideal = start_mono + (turn_seconds - shown)  # when ceil(remaining) became ``shown``
        lateness.append((mono - ideal) * 1000)
    share = cpu / wall * 100
    print(f"projector countdown, {wall:.1f} s at 1920x1080 on {app.platformName()}:")
    print(f"  CPU: {cpu:.3f} s = {share:.2f}% of one core (target < 5%)")
    print(f"  digit changes: {len(lateness)}; lateness after the true instant: "
          f"median {statistics.median(lateness):.1f} ms, max {max(lateness):.1f} ms, "
          f"min {min(lateness):.1f} ms (target max < 100 ms)")
    ok = share < 5 and max(lateness) < 100 and min(lateness) > -1
    if args.strict and not ok:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
