"""Benchmark: the allocator on pools of many shapes, and how far each plan is from its bounds.

    python tests/benchmarks/bench_tables_shapes.py [--quick] [--seed 0] [--seconds S]

Generated pools (seeded, no one's data): 4–8 attributes, skewed or uniform, 30–1,000 people,
tables of 4–10 with remainders, 3–9 rounds, including rooms where a design with no repeat
exists (the social golfer problem, AG(2, 8)). Each is seated with the default trade-off
("never meet twice") and a time limit (``--seconds``, default 10; 30 for 500 people and
more). Per pool it prints repeat pairs, the most times a pair met, the floor of repeat pairs
no plan can avoid (``repeat_lower_bound``) and whether a design with none is known, the mean
L1 as a ratio to the column-by-column reference (about the best any plan can do: 1.00 is at
the bound, below 1 beats it), wall and CPU seconds, and the stop reason.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass

from facilitator.tables import Attribute, Person, Problem, allocate, reference_mean_l1
from facilitator.tables.designs import design_for
from facilitator.tables.quality import repeat_lower_bound, violations


@dataclass(frozen=True)
class Shape:
    people: int
    attributes: int
    skewed: bool
    table_size: int
    rounds: int

    @property
    def name(self) -> str:
        kind = "skewed" if self.skewed else "uniform"
        return (f"{self.people} people, {self.attributes} {kind}, tables of "
                f"{self.table_size}, {self.rounds} rounds")


SHAPES = (
    Shape(30, 4, False, 5, 3),
    Shape(30, 6, True, 4, 5),
    Shape(32, 4, True, 4, 9),
    Shape(48, 5, True, 6, 6),
    Shape(60, 8, False, 7, 4),
    Shape(64, 4, False, 8, 9),
    Shape(75, 4, True, 10, 3),
    Shape(100, 6, True, 9, 5),
    Shape(150, 7, False, 6, 8),
    Shape(200, 8, True, 8, 4),
    Shape(300, 5, True, 10, 6),
    Shape(500, 6, True, 7, 3),
    Shape(1000, 4, False, 10, 3),
)
QUICK = SHAPES[:8]


def pool(shape: Shape, seed: int) -> list[Person]:
    """People with ``shape.attributes`` columns of 2–5 values, skewed (one value common, one
    rare) or uniform; the same pool for the same shape and seed."""
    rng = random.Random(f"{seed}:{shape}")
    columns = []
    for a in range(shape.attributes):
        k = 2 + a % 4
        weights = [2.0 ** -i for i in range(k)] if shape.skewed else [1.0] * k
        columns.append((f"c{a}", [f"v{i}" for i in range(k)], weights))
    return [Person(f"p{i:04d}", {name: rng.choices(values, weights)[0]
                                 for name, values, weights in columns})
            for i in range(shape.people)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="the smaller pools only")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                        help="count the time limit in wall or CPU seconds (a busy machine)")
    args = parser.parse_args()
    clock = time.process_time if args.clock == "cpu" else time.monotonic
    print(f"{'pool':52} {'repeats':>7} {'floor':>5} {'design':>6} {'most':>4} {'× ref':>6} "
          f"{'secs':>6} {'cpu':>6}  stop")
    for shape in QUICK if args.quick else SHAPES:
        people = pool(shape, args.seed)
        problem = Problem(people, rounds=shape.rounds, table_size=shape.table_size,
                          diversify=[Attribute(c) for c in people[0].attributes])
        seconds = args.seconds * (3 if shape.people >= 500 else 1)
        started, cpu = time.perf_counter(), time.process_time()
        result = allocate(problem, seed=args.seed, time_limit=seconds, clock=clock)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert violations(problem, result.plan) == [], shape
        q = result.quality
        ratio = q.mean_l1 / reference_mean_l1(problem)
        known = design_for(len(people), problem.tables, shape.rounds) is not None
        print(f"{shape.name:52} {q.repeat_pairs:7d} {repeat_lower_bound(problem):5d} "
              f"{'yes' if known else '-':>6} {q.max_meetings:4d} {ratio:6.3f} {wall:6.2f} "
              f"{cpu:6.2f}  {result.stopped}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
