"""Time every hostile file of the tests through the CLI: python tests/benchmarks/bench_hostile.py

Issue 11 asks for one clear sentence "within a second or two" for any bad .pb or BLT file
(a budget of 1e999999999, a cost of 1e-99999999, a 131,073-character field, an Equal Shares
count that would re-run a million times, files from other programs…). The tests check the
sentence and guard against hangs with a timeout; the time itself is measured here, on the
very cases the tests use (tests/unit/tally/test_tally_hostile_files.py).
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from facilitator.cli import main  # noqa: E402

CASES_FILE = ROOT / "tests" / "unit" / "tally" / "test_tally_hostile_files.py"


def load_cases() -> dict[str, tuple[str, str | bytes]]:
    spec = importlib.util.spec_from_file_location("hostile_cases", CASES_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    cases: dict[str, tuple[str, str | bytes]] = {}
    for name, (content, _expected) in module.PB_CASES.items():
        cases[f"pb: {name}"] = ("pb", content)
    for name, (content, _expected) in module.BLT_CASES.items():
        cases[f"stv: {name}"] = ("stv", content)
    return cases


def main_bench() -> int:
    cases = load_cases()
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name, (kind, content) in cases.items():
            path = Path(tmp) / ("x.pb" if kind == "pb" else "x.blt")
            path.write_bytes(content if isinstance(content, bytes) else content.encode())
            err = io.StringIO()
            began = time.perf_counter()
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                code = main(["count", kind, str(path)])
            elapsed = time.perf_counter() - began
            worst = max(worst, elapsed)
            print(f"{elapsed * 1000:8.1f} ms  exit {code}  {name}")
    print(f"{len(cases)} hostile files; slowest refusal {worst * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main_bench())
