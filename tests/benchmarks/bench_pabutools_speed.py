"""Our Pabulib counts against pabutools' on the same files: time and outcome.

    python tests/benchmarks/bench_pabutools_speed.py

Not a pytest test. For each file, reads and counts it with us and with pabutools (see
``tests/unit/tally/pabutools_oracle.py`` for how pabutools is asked), in this process, and
prints both times (read + count, one run each: pabutools takes seconds to minutes), their
ratio and whether the outcomes are the same.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "unit" / "tally"))

from pabutools_oracle import pabutools_outcome  # noqa: E402

from facilitator.tally import count_pb, read_pb  # noqa: E402

DATA = ROOT / "tests" / "data"
FILES = [
    (DATA / "pb" / "Poland_Swiecie_2023.pb", None),  # equalshares/add1
    (DATA / "pb" / "Poland_Lodz_2024_Lagiewniki.pb", "equalshares/add1"),
    (DATA / "pb-more" / "Poland_Warszawa_2020_Bialoleka.pb", None),  # greedy, 671 kB
    (DATA / "pb-more" / "Poland_Warszawa_2022_Wola.pb", None),  # greedy, a repeated project
    (DATA / "pb-more" / "Poland_Katowice_2022_Koszutka.pb", None),  # cumulative, threshold
]


def main() -> int:
    warnings.simplefilter("ignore")
    print(f"{'file':<48} {'rule':<18} {'ours s':>8} {'pabutools s':>12} {'ratio':>7}  same")
    for path, rule in FILES:
        start = time.perf_counter()
        ours = set(count_pb(read_pb(path), rule).funded)
        t_ours = time.perf_counter() - start
        start = time.perf_counter()
        theirs = pabutools_outcome(path, rule)
        t_theirs = time.perf_counter() - start
        shown = rule or read_pb(path).rule or ""
        print(f"{path.name[:48]:<48} {shown:<18} {t_ours:8.2f} {t_theirs:12.2f} "
              f"{t_theirs / t_ours:7.0f}x  {'yes' if ours == theirs else 'NO'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
