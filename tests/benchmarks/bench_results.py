"""Time the issue-7 targets: python tests/benchmarks/bench_results.py

* Scottish STV on the largest Glasgow 2007 ward (most ballots): target ≤ 0.5 s;
* Method of Equal Shares (Add1) on a 1,000-voter, 50-project approval election: ≤ 2 s;
* the result sheet PDF for a 10-question session (300 papers keyed): < 1 s.

Not a pytest test (the name keeps pytest from collecting it). Best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from facilitator.clock import FakeClock  # noqa: E402
from facilitator.demo import create_demo_event, sample_round  # noqa: E402
from facilitator.reports.results import write_result_sheet  # noqa: E402
from facilitator.results.queries import count_round  # noqa: E402
from facilitator.tally import (  # noqa: E402
    PbElection,
    PbVote,
    Project,
    count_pb,
    count_stv,
    read_blt,
)

GLASGOW = ROOT / "tests" / "data" / "stv" / "glasgow-2007"
T = TypeVar("T")


def best_of(repeat: int, work: Callable[[], T]) -> tuple[float, T]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    assert result is not None
    return best, result


def mes_election(voters: int = 1000, projects: int = 50, seed: int = 1) -> PbElection:
    rng = random.Random(seed)
    items = tuple(Project(f"p{i}", Fraction(rng.randint(5, 120) * 1000)) for i in
                  range(projects))
    popularity = [rng.random() ** 2 for _ in items]
    votes = tuple(PbVote(str(v), tuple(p.id for p, w in zip(items, popularity, strict=True)
                                       if rng.random() < w * 0.4 + 0.02))
                  for v in range(voters))
    return PbElection({"budget": "1000000", "vote_type": "approval"}, items, votes)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    wards = [(p, read_blt(p)) for p in sorted(GLASGOW.glob("*.blt"))]
    path, largest = max(wards, key=lambda w: sum(b.count for b in w[1].ballots))
    t, result = best_of(args.repeat, lambda: count_stv(largest, seed=1))
    papers = sum(b.count for b in largest.ballots)
    print(f"STV, largest Glasgow ward ({path.stem}, {papers} papers, "
          f"{len(result.stages)} stages): {t * 1e3:.0f} ms  (target ≤ 500 ms)")

    election = mes_election()
    t, pb = best_of(args.repeat, lambda: count_pb(election, "equalshares/add1"))
    print(f"Equal Shares Add1, 1,000 voters × 50 projects: {t * 1e3:.0f} ms, "
          f"{len(pb.funded)} funded, {pb.leftover} left  (target ≤ 2000 ms)")

    with tempfile.TemporaryDirectory() as folder:
        store = create_demo_event(Path(folder) / "bench.facilitator", FakeClock())
        round_id = sample_round(store, 300)
        t_count, results = best_of(args.repeat, lambda: count_round(store, round_id))
        t_pdf, _ = best_of(args.repeat, lambda: write_result_sheet(
            Path(folder) / "sheet.pdf", [results]))
        store.close()
    print(f"10-question session, 300 papers: count {t_count * 1e3:.0f} ms, "
          f"result sheet PDF {t_pdf * 1e3:.0f} ms, together "
          f"{(t_count + t_pdf) * 1e3:.0f} ms  (target < 1000 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
