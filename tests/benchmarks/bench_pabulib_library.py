"""Count a folder of Pabulib files and say how many agree with the published outcome.

    python tests/benchmarks/bench_pabulib_library.py FOLDER [FOLDER...] [--pabutools]

Not a pytest test. For every ``.pb`` file with a recorded outcome (``selected`` = 1; for
``greedy-custom`` also 2, which the documented reserve rule funds) and a META rule we
count, the file is read as pabutools reads it (a repeated project counted once) and counted
by its rule from the votes alone. Prints "N of M agree", then each other file with the
reason: refused (the sentence the user would see), or the projects funded by the rule and
not published / published and not funded. ``--pabutools`` also counts each disagreeing
file with pabutools and says whether it shares our outcome (so the disagreement is the
file's, not ours). Files without an outcome, or with a rule we do not claim, are counted
apart. The whole library (github.com/pabulib/pabulib_files) is not in this repository:
run it on a clone of it, or on tests/data/pb and tests/data/pb-more.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from facilitator.errors import UserError  # noqa: E402
from facilitator.tally import PbRule, count_pb, read_pb  # noqa: E402

CLAIMED = {r.value for r in PbRule}


def published(election: object) -> set[str]:
    marks = {"1", "2"} if election.rule == "greedy-custom" else {"1"}  # type: ignore[attr-defined]
    return {p.id for p in election.projects  # type: ignore[attr-defined]
            if p.extra.get("selected") in marks}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--pabutools", action="store_true",
                        help="count each disagreeing file with pabutools too")
    args = parser.parse_args()
    files = sorted(p for folder in args.folders for p in folder.rglob("*.pb"))
    agree, others, skipped = 0, [], []
    warned = 0
    start = time.perf_counter()
    for path in files:
        try:
            election = read_pb(path)
        except UserError as exc:
            others.append((path, f"refused: {exc}"))
            continue
        official = published(election)
        rule = (election.rule or "").strip().lower()
        if not official or rule not in CLAIMED:
            skipped.append(path)
            continue
        warned += bool(election.warnings)
        try:
            funded = set(count_pb(election).funded)
        except UserError as exc:
            others.append((path, f"refused: {exc}"))
            continue
        if funded == official:
            agree += 1
            continue
        why = (f"{rule}: funded by the rule, not published {sorted(funded - official)}; "
               f"published, not funded {sorted(official - funded)}")
        if args.pabutools:
            sys.path.insert(0, str(ROOT / "tests" / "unit" / "tally"))
            from pabutools_oracle import pabutools_outcome
            try:
                theirs = pabutools_outcome(path, "greedy" if rule == "greedy-exclusive"
                                           else rule)
                why += "; pabutools: " + ("the same as ours" if theirs == funded else
                                          "the published one" if theirs == official else
                                          f"another one {sorted(theirs)}")
            except Exception as exc:
                why += f"; pabutools failed: {exc!r}"[:200]
        others.append((path, why))
    seconds = time.perf_counter() - start
    total = agree + len(others)
    print(f"{agree} of {total} agree ({len(files)} files read in {seconds:.1f} s; "
          f"{len(skipped)} without a recorded outcome or with a rule we do not claim; "
          f"{warned} counted with a warning about a repeated project)")
    for path, why in others:
        print(f"  {path.name}: {why}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
