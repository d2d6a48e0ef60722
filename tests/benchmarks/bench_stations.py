"""Four stations key papers at full speed against one main laptop on loopback (issue 18;
target: each item confirmed within 100 ms p99, the main laptop's GUI never held up more
than 100 ms).

    python tests/benchmarks/bench_stations.py [--stations 4] [--papers 1000]

The main laptop runs here as in the app: the real main window (offscreen) with its Stations
page open, serving stations from that page (cheroot's TLS server in a thread of this
process, over the one EventStore); what each item changed comes back to the GUI thread and
is published on the bus, where the pages refresh. A QTimer in the main window ticks every
10 ms and records how late each tick runs: the event loop's stalls (the store's lock and
Python's GIL, shared with the server, and the pages' refreshes on the GUI thread). Each
station is a separate process, paired with its own code, and keys its share of the papers
one at a time as fast as it can: queue (on disk) and send, and the item's latency is from
the queue call to the confirmed answer.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def station(folder: str, code: str, work_path: str) -> None:
    """One station process: pair, key every paper of the work list, print latencies."""
    from facilitator.stations.client import StationClient
    from facilitator.stations.outbox import Outbox

    client = StationClient(Outbox(folder))
    client.pair(code, person="bench")
    work = json.loads(Path(work_path).read_text(encoding="utf-8"))
    print("READY", flush=True)
    sys.stdin.readline()  # all start together
    latencies = []
    for kind, data in work:
        start = time.perf_counter()
        client.queue(kind, data)
        report = client.sync()
        latencies.append(time.perf_counter() - start)
        assert report.confirmed == 1, report
    client.close()
    print(json.dumps(latencies), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stations", type=int, default=4)
    parser.add_argument("--papers", type=int, default=1000)
    parser.add_argument("--station", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.station:
        station(*args.station)
        return

    import random

    from facilitator.ballots import Answer, Question, create_round, issue_codes
    from facilitator.ballots.queries import paper_codes
    from facilitator.stations import ops
    from facilitator.stations.model import PairingCode
    from facilitator.store import EventStore

    rng = random.Random(18)
    folder = Path(tempfile.mkdtemp(prefix="bench-stations-"))
    store = EventStore.create(folder / "event.facilitator", "Bench")
    questions = (Question.yes_no("Close the centre to cars on Saturdays?"),
                 Question.choose_one("Where next?", ["Town hall", "Library", "School"]))
    made = create_round(store, "Vote", questions, actor="bench").round
    left = args.papers
    while left:
        issue_codes(store, made.id, min(left, 500), actor="bench")
        left -= min(left, 500)
    papers = [["ballot", {"round": made.id, "code": p.code, "answers": [
        Answer.choose(questions[0], rng.randrange(2)).to_json(),
        Answer.choose(questions[1], rng.randrange(3)).to_json()]}]
        for p in paper_codes(store, made.id)]
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from ui.context import AppContext
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    context = AppContext.build(folder / "config", folder / "data")
    window = MainWindow(context, store)
    window.resize(1366, 768)
    window.show()
    while window.pages.build_next():  # every page now, not on idle while the stalls are timed
        pass
    window.show_page("stations")
    page = window.pages["stations"]
    page.address_combo.setCurrentIndex(page.address_combo.findData("127.0.0.1"))
    page.port_spin.setValue(_free_port())
    assert page.start_serving()
    server = page.server
    app.processEvents()

    children = []
    for n in range(args.stations):
        secret = ops.offer(store, f"Desk {n + 1}", ["ballots"], actor="bench").secret
        work = folder / f"work-{n}.json"
        work.write_text(json.dumps(papers[n::args.stations]), encoding="utf-8")
        code = PairingCode("127.0.0.1", server.port, secret, server.pin).text()
        children.append(subprocess.Popen(
            [sys.executable, __file__, "--station", str(folder / f"station-{n}"), code,
             str(work)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
    for child in children:
        assert child.stdout is not None and child.stdout.readline().strip() == "READY"

    stalls: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        stalls.append(max(0.0, now - last[0] - 0.010))
        last[0] = now

    ticker = QTimer(window)
    ticker.setInterval(10)
    ticker.timeout.connect(tick)
    per_station: list[list[float]] = []
    finished = threading.Event()

    def collect() -> None:
        for child in children:
            assert child.stdout is not None
            per_station.append(sorted(json.loads(child.stdout.readline())))
            child.wait()
        finished.set()

    loop = QEventLoop()
    watch = QTimer(window)
    watch.setInterval(50)
    watch.timeout.connect(lambda: loop.quit() if finished.is_set() else None)
    ticker.start()
    watch.start()
    last[0] = time.perf_counter()
    began = time.perf_counter()
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    threading.Thread(target=collect, daemon=True).start()
    loop.exec()
    elapsed = time.perf_counter() - began
    ticker.stop()
    watch.stop()
    while page.publishing:  # the last changes reach the page
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
    shown = page.table.item(0, 4).text() if page.table.rowCount() else "?"
    page.stop_serving()
    entered = store.query_one("SELECT COUNT(*) AS n FROM ballot_entries")
    window.close()  # closes the event

    latencies = sorted(t for times in per_station for t in times)
    print(f"stations: {args.stations}, papers keyed: {len(latencies)} "
          f"(in the event file: {entered['n'] if entered else 0})")
    print(f"throughput: {len(latencies) / elapsed:.0f} papers/s over {elapsed:.1f} s")
    for n, times in enumerate(per_station, 1):
        print(f"per-item latency, station {n}: {_spread(times)}")
    print(f"per-item latency, all: {_spread(latencies)} (target p99 < 100 ms)")
    stalls.sort()
    print(f"main window's event loop (a 10 ms QTimer, Stations page open; {len(stalls)} "
          f"ticks): stall p99 {_at(stalls, 0.99) * 1000:.1f} ms, worst "
          f"{stalls[-1] * 1000:.1f} ms (target < 100 ms); the page shows {shown} applied "
          f"for Desk 1")


def _at(ordered: list[float], fraction: float) -> float:
    return ordered[int(fraction * (len(ordered) - 1))]


def _spread(ordered: list[float]) -> str:
    return (f"p50 {statistics.median(ordered) * 1000:.1f} ms, p95 {_at(ordered, 0.95) * 1000:.1f}"
            f" ms, p99 {_at(ordered, 0.99) * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
