"""Time the counting code on the reference elections: python tests/benchmarks/bench_tally.py

Not a pytest test (the name keeps pytest from collecting it). Reads the 21 Glasgow 2007 STV
wards (counted by Scottish and by Meek STV) and the Pabulib PB files from tests/data (stv/,
pb/, pb-more/), and prints, per election and in total, the time to read the file and the
time to count it (best of ``--repeat``); and the time of each one-winner method on 1,000
random profiles.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from facilitator.tally import (  # noqa: E402
    RankedBallot,
    RankedElection,
    count_meek,
    count_pb,
    count_stv,
    read_blt,
    read_pb,
)
from facilitator.tally.condorcet import DecisionMethod, decide  # noqa: E402

REFERENCE_DATA = ROOT / "tests" / "data"
T = TypeVar("T")


def best_of(repeat: int, work: Callable[[], T]) -> tuple[float, T]:
    """Shortest wall time of ``repeat`` runs (the least disturbed by the machine)."""
    best = float("inf")
    result: T | None = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    assert result is not None
    return best, result


def bench(
    label: str,
    files: list[Path],
    read: Callable[[Path], T],
    count: Callable[[T], object],
    describe: Callable[[T], str],
    repeat: int,
) -> float:
    print(f"\n{label}")
    print(f"  {'election':<50} {'size':>26} {'read ms':>9} {'count ms':>9}")
    total_read = total_count = 0.0
    for path in files:
        t_read, election = best_of(repeat, lambda p=path: read(p))
        t_count, _ = best_of(repeat, lambda e=election: count(e))
        total_read += t_read
        total_count += t_count
        print(
            f"  {path.stem[:50]:<50} {describe(election):>26} "
            f"{t_read * 1e3:9.1f} {t_count * 1e3:9.1f}"
        )
    print(
        f"  {'total (' + str(len(files)) + ' elections)':<50} {'':>26} "
        f"{total_read * 1e3:9.1f} {total_count * 1e3:9.1f}"
    )
    return total_read + total_count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (best kept)")
    args = parser.parse_args()

    glasgow = sorted((REFERENCE_DATA / "stv" / "glasgow-2007").glob("*.blt"))
    pabulib = sorted((REFERENCE_DATA / "pb").glob("*.pb"))
    if not glasgow or not pabulib:
        print(
            f"Reference data not found under {REFERENCE_DATA} "
            "(tests/data/stv and tests/data/pb in the repository).",
            file=sys.stderr,
        )
        return 1

    print(f"Python {sys.version.split()[0]}; best of {args.repeat} runs each")
    stv = bench(
        "Scottish STV, Glasgow 2007",
        glasgow,
        read_blt,
        lambda e: count_stv(e, seed=0),
        lambda e: f"{sum(b.count for b in e.ballots)} papers, {e.seats} seats",
        args.repeat,
    )
    meek = bench(
        "Meek STV, Glasgow 2007",
        glasgow,
        read_blt,
        count_meek,
        lambda e: f"{sum(b.count for b in e.ballots)} papers, {e.seats} seats",
        args.repeat,
    )
    more = sorted((REFERENCE_DATA / "pb-more").glob("*.pb"))
    pabulib = pabulib + more
    print("\nOne-winner methods on 1,000 random profiles (8 options, 500 voters)")
    import random

    rng = random.Random(1)
    profiles = []
    for _ in range(1000):
        pool = [tuple(rng.sample(range(8), rng.randint(1, 8))) for _ in range(24)]
        counts: dict[tuple[int, ...], int] = {}
        for ballot in rng.choices(pool, k=500):
            counts[ballot] = counts.get(ballot, 0) + 1
        profiles.append(RankedElection(tuple("ABCDEFGH"), 1,
                                       tuple(RankedBallot(k, r) for r, k in counts.items())))
    for method in DecisionMethod:
        start = time.perf_counter()
        for i, election in enumerate(profiles):
            decide(election, method, seed=i)
        print(f"  {method.value:<14} {(time.perf_counter() - start) * 1e3:9.1f} ms")
    pb = bench(
        "Participatory budgeting, Pabulib (pb and pb-more)",
        pabulib,
        read_pb,
        count_pb,
        lambda e: f"{len(e.votes)} votes, {e.rule}",
        args.repeat,
    )
    print(
        f"\nAll {len(glasgow)} wards: {stv:.2f} s (Meek {meek:.2f} s); all {len(pabulib)} PB "
        f"files: {pb:.2f} s (read + count)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
