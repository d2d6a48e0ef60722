"""The frozen app's figures: bundle size unpacked (target under 250 MB), package sizes, and
start to window (target under 1.5 s).

    .venv/bin/python tests/benchmarks/bench_bundle.py [--dist dist] [--build] [--runs 7]
                                                      [--drop-caches]

Measures the one-folder app in ``--dist`` (``python3 dev.py build`` makes it; ``--build``
builds it first and prints the build time). Start to window: wall-clock time from starting
``facilitator EVENT --exit-when-shown`` (offscreen) to its line saying the main window was
shown, on the demo event (made by a first launch that is not counted). ``--drop-caches`` (root,
Linux) empties the page cache before each launch: a truly cold start, as after a reboot.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIZE_TARGET_MB = 250
START_TARGET_S = 1.5


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*")
               if p.is_file() and not p.is_symlink()) / 1e6


def largest(bundle: Path, most: int = 8) -> list[tuple[str, float]]:
    """The biggest parts of the bundle: each package with its ``<name>.libs`` folder, and the
    shared libraries at the top taken together."""
    inside = bundle / "_internal" if (bundle / "_internal").is_dir() else bundle
    parts: dict[str, float] = {}
    for item in inside.iterdir():
        if item.is_symlink():
            continue
        name = item.name.removesuffix(".libs")
        name = {"opencv_python_headless": "cv2 (OpenCV)", "cv2": "cv2 (OpenCV)",
                "pillow": "PIL", "PySide6": "PySide6 (Qt)"}.get(name, name)
        if item.is_file():
            name = "libraries from the build machine" if ".so" in item.name else "other files"
        size = folder_mb(item) if item.is_dir() else item.stat().st_size / 1e6
        parts[name] = parts.get(name, 0.0) + size
    return sorted(parts.items(), key=lambda kv: -kv[1])[:most]


def launch(exe: Path, home: Path, event: Path | None,
           drop_caches: bool) -> tuple[float, float, float]:
    """(wall-clock seconds from exec to the window shown, the app's own in-process share,
    CPU seconds of the whole run: what a busy machine does not inflate)."""
    if drop_caches:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    args = [str(exe), *([str(event)] if event else []), "--exit-when-shown",
            "--config-dir", str(home / "config"), "--data-dir", str(home / "data")]
    env = {"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen", "HOME": str(home),
           "LANG": "C.UTF-8"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env, cwd=home)
    assert process.stdout is not None
    line = process.stdout.readline()
    shown = time.perf_counter() - started
    _out, err = process.communicate(timeout=120)
    if not line.startswith("shown after") or process.returncode != 0:
        sys.exit(f"the app did not show its window: {line}{err}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return shown, float(line.split()[2]), cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--build", action="store_true", help="run packaging/build.py first")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--drop-caches", action="store_true")
    args = parser.parse_args()
    if args.build:
        started = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py"),
                        "--dist", str(args.dist)], check=True, stdout=subprocess.DEVNULL)
        print(f"build (PyInstaller, smoke test, packages): {time.perf_counter() - started:.0f} s")
    bundle = args.dist / "facilitator"
    exe = bundle / ("facilitator.exe" if os.name == "nt" else "facilitator")
    if not exe.exists():
        sys.exit(f"no frozen app at {exe}: run python3 dev.py build (or pass --build)")
    size = folder_mb(bundle)
    print(f"bundle unpacked: {size:.0f} MB (target < {SIZE_TARGET_MB} MB)"
          f"{'' if size < SIZE_TARGET_MB else '  OVER TARGET'}")
    print("  largest parts: " + ", ".join(f"{name} {mb:.0f} MB" for name, mb in largest(bundle)))
    for package in sorted(args.dist.glob("*.tar.gz")) + sorted(args.dist.glob("*.deb")):
        print(f"{package.name}: {package.stat().st_size / 1e6:.0f} MB")
    with tempfile.TemporaryDirectory(prefix="facilitator-bench-") as tmp:
        home = Path(tmp)
        first, _, _ = launch(exe, home, None, args.drop_caches)  # makes the demo event
        event = home / "data" / "demo-event.facilitator"
        runs = [launch(exe, home, event, args.drop_caches) for _ in range(args.runs)]
    times = [wall for wall, _, _ in runs]
    kind = "cold (page cache dropped)" if args.drop_caches else "warm page cache"
    median = statistics.median(times)
    print(f"first launch (creates the demo event): {first:.2f} s")
    print(f"of which in the app's own code (from ui.app's import to the window): median "
          f"{statistics.median(inside for _, inside, _ in runs):.2f} s; CPU time of a whole run "
          f"(start, window, exit): median {statistics.median(cpu for _, _, cpu in runs):.2f} s")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
          "(wall times grow with it; CPU times much less)")
    print(f"start to window, {kind}, {args.runs} runs: median {median:.2f} s, "
          f"min {min(times):.2f} s, max {max(times):.2f} s (target < {START_TARGET_S} s)"
          f"{'' if median < START_TARGET_S else '  OVER TARGET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
