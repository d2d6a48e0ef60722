"""The report of a big poll: 500 respondents x 60 items, two waves (target: under 2 s).

    python tests/benchmarks/bench_polls.py [--people 500] [--items 60] [--repeat 3]

Measures, from responses in memory (seeded): the analysis alone (every figure, both tests per
scale item, groups, Holm), the printed PDF, and the CSV/JSON.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from facilitator.polls.analysis import analyse
from facilitator.polls.export import pairs_csv, poll_json
from facilitator.polls.model import (
    DONT_KNOW,
    KNOWLEDGE,
    LIKERT_5,
    PANEL,
    SCALE_10,
    YES_NO,
    Index,
    Item,
    Questionnaire,
    Response,
)
from facilitator.reports.polls import write_poll_report


def questionnaire(items: int) -> Questionnaire:
    kinds = [SCALE_10, LIKERT_5, YES_NO, KNOWLEDGE]
    out = []
    for n in range(items):
        kind = kinds[n % 4]
        out.append(Item(f"q{n}", f"Item {n}: a statement of typical length for a poll", kind,
                        ("a", "b", "c") if kind == KNOWLEDGE else (),
                        correct=1 if kind == KNOWLEDGE else None))
    indices = tuple(Index(f"i{k}", f"Index {k}", tuple(
        (f"q{n}", n % 3 == 0) for n in range(k * 8, k * 8 + 8, 4))) for k in range(items // 8))
    return Questionnaire("Benchmark poll", tuple(out), indices, group_columns=("Age",))


def responses(q: Questionnaire, people: int, rng: random.Random) -> list[Response]:
    out = []
    for person in range(people):
        age = rng.choice(["young", "middle", "old"])
        for wave in (1, 2):
            answers: dict[str, object] = {}
            for item in q.items:
                if rng.random() < 0.05:
                    answers[item.key] = DONT_KNOW
                elif item.kind == SCALE_10:
                    answers[item.key] = min(10, max(0, rng.randint(0, 10) + wave - 1))
                elif item.kind == LIKERT_5:
                    answers[item.key] = rng.randint(1, 5)
                else:
                    answers[item.key] = int(rng.random() < 0.4 + 0.1 * wave)
            out.append(Response(wave, f"code{person:05d}", PANEL, answers,  # type: ignore[arg-type]
                                {"Age": age}))
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--items", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(16)
    q = questionnaire(args.items)
    data = responses(q, args.people, rng)
    timings: dict[str, list[float]] = {"analysis": [], "pdf": [], "csv+json": [], "total": []}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            result = analyse(q, data, correction="holm")
            t1 = time.perf_counter()
            write_poll_report(Path(folder) / "r.pdf", "Benchmark", result,
                              printed_at=datetime.now(UTC))
            t2 = time.perf_counter()
            pairs_csv(q, data)
            poll_json(result, data)
            t3 = time.perf_counter()
            timings["analysis"].append(t1 - t0)
            timings["pdf"].append(t2 - t1)
            timings["csv+json"].append(t3 - t2)
            timings["total"].append(t3 - t0)
    print(f"{args.people} respondents x {args.items} items, 2 waves, "
          f"{len(result.rows)} variables, {len(result.groups)} group tables")
    for name, values in timings.items():
        print(f"  {name:<9} best {min(values):.3f} s   worst {max(values):.3f} s")
    ok = min(timings["total"]) < 2.0
    print("target < 2 s:", "met" if ok else "MISSED")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
