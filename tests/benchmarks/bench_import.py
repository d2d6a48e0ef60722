"""Benchmark: import of a 10,000-row participant list (target < 3 s).

    python tests/benchmarks/bench_import.py [--rows 10000] [--repeat 5] [--strict]

Times parse_people + import_people into a new event (best and median of --repeat), then the
re-import of the same list with 500 rows changed into an event that already holds it.
--strict exits 1 when a figure misses its target.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from facilitator.people import import_people, parse_people
from facilitator.store import EventStore

TARGET_S = 3.0
GIVEN = [
    "Siân",
    "José",
    "Zoë",
    "Åsa",
    "Jürgen",
    "Nguyễn",
    "Chloé",
    "Łukasz",
    "Dagný",
    "Kwame",
    "Aoife",
    "Mohammed",
    "Priya",
    "Oluwaseun",
    "Björn",
    "François",
    "Małgorzata",
    "Eilidh",
    "Tomás",
    "Ines",
    "Yusuf",
    "Hannah",
    "Dmitri",
    "Ngozi",
    "Ciarán",
    "Ana",
    "Wei",
    "Fatima",
]
FAMILY = [
    "Ó Súilleabháin",
    "Núñez",
    "Brontë",
    "Ødegård",
    "Weiß",
    "Văn An",
    "Lefèvre",
    "Żółć",
    "Jónsdóttir",
    "Mensah",
    "Murphy",
    "Khan",
    "Patel",
    "Adeyemi",
    "Åberg",
    "Müller",
    "Wiśniewska",
    "MacDonald",
    "García",
    "Smith",
    "Jones",
    "Okafor",
    "Ivanov",
    "Chen",
]
COLUMNS = {
    "Gender": ["female", "male", "non-binary", "prefer not to say"],
    "Age band": ["16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"],
    "Area": ["Riverside", "Old Town", "Northfield", "Harbour", "Hillcrest", "St Ann's"],
    "Ethnicity": ["White British", "White other", "Asian", "Black", "Mixed", "Other"],
    "Disability": ["none", "mobility", "hearing", "sight", "learning", "prefer not to say"],
    "Language": ["English", "Cymraeg", "Polski", "Español", "Français", "العربية"],
    "Education": ["none", "GCSE", "A level", "degree", "postgraduate"],
    "Housing": ["owner", "private renter", "social renter", "other"],
}


def write_list(path: Path, rows: int, seed: int, changed: int = 0) -> Path:
    rng = random.Random(seed)
    people = []
    for n in range(1, rows + 1):
        people.append(
            [
                f"RA-{n:05d}",
                f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                *(rng.choice(values) for values in COLUMNS.values()),
            ]
        )
    for row in random.Random(seed + 1).sample(people, changed):
        row[4] = "Moved away" if row[4] != "Moved away" else "Riverside"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Participant ID", "Full name", *COLUMNS])
        writer.writerows(people)
    return path


def timed(action: Callable[[], None]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="facilitator-bench-") as tmp:
        folder = Path(tmp)
        original = write_list(folder / "people.csv", args.rows, seed=1)
        updated = write_list(folder / "people-updated.csv", args.rows, seed=1, changed=500)
        size_kb = original.stat().st_size / 1024

        fresh: list[float] = []
        parse_only: list[float] = []
        for n in range(args.repeat):
            event = folder / f"new-{n}.facilitator"

            def run(event: Path = event) -> None:
                started = time.perf_counter()
                parsed = parse_people(original)
                parse_only.append(time.perf_counter() - started)
                with EventStore.create(event, "Benchmark") as store:
                    report = import_people(store, parsed, actor="bench")
                assert len(report.added) == args.rows

            fresh.append(timed(run))

        base = folder / "base.facilitator"
        with EventStore.create(base, "Benchmark") as store:
            import_people(store, parse_people(original), actor="bench")
        again: list[float] = []
        for n in range(args.repeat):
            event = folder / f"again-{n}.facilitator"
            shutil.copyfile(base, event)

            def rerun(event: Path = event) -> None:
                with EventStore.open(event) as store:
                    report = import_people(store, parse_people(updated), actor="bench")
                assert len(report.changed) == 500 and report.unchanged == args.rows - 500

            again.append(timed(rerun))

    print(f"import of {args.rows:,} rows ({size_kb:,.0f} KB CSV, 10 columns), {args.repeat} runs:")
    print(
        f"  new event:        best {min(fresh):.3f} s, median {statistics.median(fresh):.3f} s"
        f"  (of which parsing: median {statistics.median(parse_only):.3f} s)"
    )
    print(
        f"  re-import, 500 changed: best {min(again):.3f} s, "
        f"median {statistics.median(again):.3f} s"
    )
    worst = max(statistics.median(fresh), statistics.median(again))
    verdict = "within" if worst < TARGET_S else "MISSES"
    print(f"  target < {TARGET_S:.0f} s: {verdict} target (worst median {worst:.3f} s)")
    return 1 if args.strict and worst >= TARGET_S else 0


if __name__ == "__main__":
    sys.exit(main())
