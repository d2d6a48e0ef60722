"""Q&A ordering speed: 2,000 questions from 50 tables (target: reorder < 50 ms).

    python tests/benchmarks/bench_qa.py [--strict]

Times the pure ordering (round-robin, votes, arrival) of 2,000 waiting questions, and the
full refresh the page does after a change (read every question from the event file, count
votes and merges, order them).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from facilitator.clock import FakeClock
from facilitator.qa import ops, ordering, queries
from facilitator.store import EventStore


def timed(fn: object, repeat: int = 7) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append((time.perf_counter() - start) * 1000)
    return min(samples), statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args()
    rng = random.Random(1)
    clock = FakeClock()
    with tempfile.TemporaryDirectory() as tmp:
        store = EventStore.create(Path(tmp) / "qa.facilitator", "Bench", clock)
        panel = ops.create_panel(store, "Panel", actor="bench").panel_id
        with store.transaction():
            for n in range(2000):
                clock.advance(1)
                qid = ops.add_question(store, panel, str(rng.randint(1, 50)), f"Question {n}?",
                                       approved=True, actor="bench").question_id
                if rng.random() < 0.5:
                    ops.add_votes(store, qid, rng.randint(1, 30), actor="bench")
        every = queries.questions(store, panel)
        asked = {str(t): rng.randint(0, 3) for t in range(1, 51)}
        results = {}
        for mode in ("round_robin", "votes", "arrival"):
            results[mode] = timed(lambda m=mode: ordering.order_questions(every, m, asked))
        full = timed(lambda: queries.state(store, panel), repeat=5)
        store.close()
    print("Q&A ordering of 2,000 approved questions from 50 tables:")
    for mode, (best, median) in results.items():
        print(f"  {mode:12s} best {best:6.1f} ms, median {median:6.1f} ms (target < 50 ms)")
    print(f"  full refresh from the event file: best {full[0]:.1f} ms, median {full[1]:.1f} ms")
    ok = all(median < 50 for _best, median in results.values())
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
