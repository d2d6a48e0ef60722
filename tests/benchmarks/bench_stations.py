"""Four stations key papers at full speed against one main laptop on loopback (issue 18;
target: each item confirmed within 100 ms p99, the main laptop's GUI never held up more
than 100 ms).

    python tests/benchmarks/bench_stations.py [--stations 4] [--papers 1000]

The main laptop runs here as in the app: the stations' TLS server (cheroot) in a thread of
this process, over the one EventStore. A "GUI" thread stands in for the Qt event loop: every
10 ms it reads the event through the store (as a page refresh does) and records how late it
ran, so the store's lock and Python's GIL, shared with the server, show. Each station is a
separate process, paired with its own code, and keys its share of the papers one at a time
as fast as it can: queue (on disk) and send, and the item's latency is from the queue call
to the confirmed answer.
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
    from facilitator.stations.server import StationServer
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
    server = StationServer(store, "127.0.0.1", 0)
    server.start()

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
    stop = threading.Event()

    def gui() -> None:
        due = time.perf_counter() + 0.01
        while not stop.is_set():
            time.sleep(max(0.0, due - time.perf_counter()))
            store.query("SELECT COUNT(*) FROM ballot_entries")
            now = time.perf_counter()
            stalls.append(now - due)
            due = now + 0.01

    probe = threading.Thread(target=gui, daemon=True)
    probe.start()
    began = time.perf_counter()
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    latencies: list[float] = []
    for child in children:
        assert child.stdout is not None
        latencies += json.loads(child.stdout.readline())
        child.wait()
    elapsed = time.perf_counter() - began
    stop.set()
    probe.join()
    server.stop()
    entered = store.query_one("SELECT COUNT(*) AS n FROM ballot_entries")
    store.close()

    latencies.sort()
    p99 = latencies[int(0.99 * (len(latencies) - 1))]
    print(f"stations: {args.stations}, papers keyed: {len(latencies)} "
          f"(in the event file: {entered['n'] if entered else 0})")
    print(f"throughput: {len(latencies) / elapsed:.0f} papers/s over {elapsed:.1f} s")
    print(f"per-item latency: median {statistics.median(latencies) * 1000:.1f} ms, "
          f"p99 {p99 * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms (target p99 < 100 ms)")
    print(f"GUI probe (10 ms reads of the event): worst lateness {max(stalls) * 1000:.1f} ms, "
          f"p99 {sorted(stalls)[int(0.99 * (len(stalls) - 1))] * 1000:.1f} ms "
          f"(target < 100 ms)")


if __name__ == "__main__":
    main()
