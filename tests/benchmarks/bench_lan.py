"""500 phones vote at once on loopback (targets: 0 errors, 0 lost votes, p99 <= 300 ms, all
done within 10 s, the GUI event loop never stalls more than 100 ms).

    python tests/benchmarks/bench_lan.py [--phones 500] [--spread 5] [--server waitress|cheroot]
                                         [--strict]

The laptop side runs as in the app: the Phones panel (Qt, offscreen) starts the server on
127.0.0.1, server-thread changes come back to the GUI thread by a queued signal, and a 10 ms
QTimer measures how late the GUI event loop runs. The phones run in a separate process
(so their Python does not share the server's GIL), each with its own token, its own
connection and its own source address (127.0.x.y, so the per-client rate limits apply to
each phone as they would on Wi-Fi). Each phone, at a random moment within ``--spread``
seconds: loads its ballot page and the stylesheet, sends its vote, loads the receipt page.
``--server cheroot`` serves the same application with cheroot instead of waitress (for the
comparison that chose waitress; cheroot is not a dependency).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


# -- the phones (a separate process) ----------------------------------------------------------


def one_phone(port: int, token: str, path: str, number: int, delay: float,
              start: float) -> dict[str, Any]:
    time.sleep(max(0.0, start + delay - time.perf_counter()))
    source = (f"127.0.{1 + number // 250}.{1 + number % 250}", 0)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=source)
    latencies: list[float] = []
    began = time.perf_counter()

    def call(method: str, url: str, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        t0 = time.perf_counter()
        conn.request(method, url, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        latencies.append(time.perf_counter() - t0)
        return response.status, dict(response.getheaders()), data

    try:
        status, _h, page = call("GET", f"/v/{token}{path}")
        if status != 200:
            return {"error": f"page {status}", "latencies": latencies}
        key = re.search(rb'name="k" value="([0-9a-f]+)"', page)
        if key is None:
            return {"error": "no form", "latencies": latencies}
        status, _h, _css = call("GET", "/static/phone.css")
        if status != 200:
            return {"error": f"css {status}", "latencies": latencies}
        body = urlencode({"k": key.group(1).decode(), "choice": str(number % 3)}).encode()
        status, headers, _b = call("POST", f"/v/{token}{path}", body,
                                   {"Content-Type": "application/x-www-form-urlencoded",
                                    "Origin": f"http://127.0.0.1:{port}"})
        if status != 303:
            return {"error": f"vote {status}", "latencies": latencies}
        status, _h, receipt = call("GET", headers["Location"])
        if status != 200 or b"receipt" not in receipt:
            return {"error": f"receipt {status}", "latencies": latencies}
    except (OSError, http.client.HTTPException) as exc:
        return {"error": repr(exc), "latencies": latencies}
    finally:
        conn.close()
    return {"error": None, "latencies": latencies, "total": time.perf_counter() - began}


def run_phones(port: int, tokens: list[str], path: str, spread: float) -> None:
    rng = random.Random(500)
    delays = [rng.uniform(0, spread) for _ in tokens]
    start = time.perf_counter() + 0.2
    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        results = list(pool.map(lambda i: one_phone(port, tokens[i], path, i, delays[i], start),
                                range(len(tokens))))
    finished = time.perf_counter() - start
    print(json.dumps({"results": results, "elapsed": finished}))


# -- the laptop ------------------------------------------------------------------------------


def make_event(folder: Path, phones: int) -> tuple[Any, int, list[str]]:
    from facilitator.ballots import Question, create_round
    from facilitator.clock import SystemClock
    from facilitator.lan import open_question
    from facilitator.people import ParsedList, ParsedPerson, check_in, import_people
    from facilitator.store import EventStore

    store = EventStore.create(folder / "bench.facilitator", "Bench", SystemClock())
    people = [ParsedPerson(line=i + 2, ext_id=f"P{i:04d}", name=f"Phone {i}", role="participant",
                           attributes={}) for i in range(phones)]
    import_people(store, ParsedList(
        file_name="bench.csv", sha256="0", encoding="utf-8", delimiter=",",
        columns=["id", "name"], id_column="id", name_columns=["name"], role_column=None,
        attribute_columns=[], people=people), actor="bench")
    for row in store.query("SELECT id FROM participants"):
        check_in(store, int(row["id"]), actor="bench")
    ballot = create_round(store, "Bench", [
        Question.choose_one("Where next?", ["Town hall", "Library", "School"])], actor="test").round
    open_question(store, ballot.id, 0, actor="bench")
    tokens = [str(r["token"]) for r in store.query("SELECT token FROM participants ORDER BY id")]
    return store, ballot.id, tokens


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phones", type=int, default=500)
    parser.add_argument("--spread", type=float, default=5.0,
                        help="phones start at random moments within this many seconds")
    parser.add_argument("--server", choices=("waitress", "cheroot"), default="waitress")
    parser.add_argument("--strict", action="store_true")
    parser.add_argument("--phones-for", nargs=3, metavar=("PORT", "PATH", "SPREAD"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phones_for:
        port, path, spread = args.phones_for
        run_phones(int(port), sys.stdin.read().split(), path, float(spread))
        return 0

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from facilitator.ballots import phone_answers
    from ui.bus import ChangeBus
    from ui.phone_panel import PhonePanel

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        store, round_id, tokens = make_event(Path(tmp), args.phones)
        bus = ChangeBus()
        published: list[object] = []
        bus.changes_applied.connect(published.append)
        panel = PhonePanel(store, bus)
        panel.address_combo.setCurrentIndex(panel.address_combo.findData("127.0.0.1"))
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        panel.port_spin.setValue(port)
        cheroot_server: Any = None
        if args.server == "waitress":
            panel.start_server()
        else:
            from cheroot import wsgi

            from facilitator.lan.app import PhoneApp

            phone_app = PhoneApp(store, on_changes=panel._relay.arrived.emit)
            cheroot_server = wsgi.Server(("127.0.0.1", port), phone_app, numthreads=8,
                                         request_queue_size=1024)
            cheroot_server.prepare()
            threading.Thread(target=cheroot_server.serve, daemon=True).start()

        gaps: list[float] = []
        clock = QElapsedTimer()
        clock.start()
        last = [clock.elapsed()]

        def tick() -> None:
            now = clock.elapsed()
            gaps.append(now - last[0])
            last[0] = now

        ticker = QTimer()
        ticker.setInterval(10)
        ticker.timeout.connect(tick)
        ticker.start()
        client = subprocess.Popen(
            [sys.executable, __file__, "--phones-for", str(port), f"/q/{round_id}/0",
             str(args.spread)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        output: list[str] = []
        reader = threading.Thread(target=lambda: output.append(
            client.communicate("\n".join(tokens))[0]), daemon=True)
        reader.start()
        while reader.is_alive():
            app.processEvents()
            time.sleep(0.001)
        for _ in range(50):  # let the last queued changes arrive and be published
            app.processEvents()
            time.sleep(0.01)
        ticker.stop()
        data = json.loads(output[0])
        results = data["results"]
        errors = [r["error"] for r in results if r["error"]]
        latencies = sorted(x for r in results for x in r["latencies"])
        counted = len(phone_answers(store, round_id, 0))
        if cheroot_server is not None:
            cheroot_server.stop()
        panel.stop_server()
        stall = max(gaps) - 10 if gaps else 0.0
        p50 = statistics.median(latencies) * 1000
        p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
        print(f"server {args.server}: {args.phones} phones, arrivals spread over "
              f"{args.spread:g} s")
        print(f"  done in {data['elapsed']:.2f} s; requests {len(latencies)}; "
              f"errors {len(errors)} {sorted(set(errors))[:3]}")
        print(f"  votes counted {counted} of {args.phones} (lost {args.phones - counted})")
        print(f"  latency p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {latencies[-1] * 1000:.1f} ms")
        print(f"  GUI event loop: worst stall {stall:.0f} ms beyond its 10 ms tick; "
              f"{len(published)} bus updates published")
        store.close()
        panel.deleteLater()
        ok = (not errors and counted == args.phones and p99 <= 300 and stall <= 100
              and data["elapsed"] <= 10)
        print("  targets met" if ok else "  TARGETS MISSED")
        return 0 if ok or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
