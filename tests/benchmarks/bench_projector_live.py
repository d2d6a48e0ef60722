"""Live bars on the projector: what one refresh costs while phones vote.

    python tests/benchmarks/bench_projector_live.py [--voters 500]

The projector recounts the projected round at each change the Phones tab publishes (at most
every 300 ms, however many phones vote in between). This casts ``--voters`` phone votes on a
yes/no (60% threshold) in a demo event enlarged with walk-ins, then times the projector's
refresh (count, verdict basis, bars) at 1920×1080 offscreen: median and max of 20 refreshes.
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

from PySide6.QtWidgets import QApplication

from facilitator import lan
from facilitator.ballots import Answer, DecisionRule, Question, create_round
from facilitator.clock import SystemClock
from facilitator.demo import create_demo_event
from facilitator.people import add_walk_in, list_participants
from facilitator.results.ops import set_live, set_projected
from ui.bus import ChangeBus
from ui.projector import ProjectorWindow


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--voters", type=int, default=500)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        store = create_demo_event(Path(folder) / "bench.facilitator", SystemClock())
        present = [p for p in list_participants(store) if p.present and p.role == "participant"]
        for n in range(max(0, args.voters - len(present))):
            add_walk_in(store, f"Walk-in {n}", actor="bench")
        voters = [p for p in list_participants(store)
                  if p.present and p.role == "participant"][:args.voters]
        question = Question.yes_no("Adopt?", rule=DecisionRule.supermajority("3/5"))
        ballot_round = create_round(store, "Live", (question,), actor="bench").round
        lan.open_question(store, ballot_round.id, 0, actor="bench")
        for i, person in enumerate(voters):
            lan.cast_vote(store, person.id, ballot_round.id, 0, Answer.choose(question, i % 3),
                          actor="phone")
        set_live(store, ballot_round.id, True, actor="bench")
        set_projected(store, (ballot_round.id, 0), actor="bench")
        projector = ProjectorWindow(store, ChangeBus(), SystemClock())
        projector.resize(1920, 1080)
        projector.show()
        app.processEvents()
        times = []
        for _ in range(20):
            start = time.perf_counter()
            projector.refresh()
            projector.repaint()
            times.append((time.perf_counter() - start) * 1000)
        assert projector.views.currentIndex() == 3
        print(f"projector live bars, {len(voters)} phone ballots, 1920x1080 offscreen:")
        print(f"  one refresh (recount, basis, bars, repaint): median "
              f"{statistics.median(times):.1f} ms, max {max(times):.1f} ms")
        projector.close()
        store.close()


if __name__ == "__main__":
    main()
