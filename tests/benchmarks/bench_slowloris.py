"""One address holds thousands of slow connections; honest phones on other addresses still vote.

    python tests/benchmarks/bench_slowloris.py [--attack 2000] [--nofile 1024] [--seconds 20]
                                               [--trickle 10] [--reconnect-rate 1000]
                                               [--addresses 1] [--honest-rate 20] [--strict]

The laptop side runs the phone server as the app does (``LanServer`` on 127.0.0.1, waitress in
its own thread), with the process's open-file limit, soft and hard, lowered to ``--nofile``
(1,024 is the Linux default; macOS gives 256; the server cannot raise it). The attacker, a
separate process bound to 127.0.0.2, keeps ``--attack`` connections open (reconnecting
whenever the server closes one, up to ``--reconnect-rate`` a second) and sends each one byte
every ``--trickle`` seconds: a request that never ends. ``--addresses N`` spreads the
attacker over N addresses (127.2.x.y) to fill the server's total instead of one address's
share. Honest phones, another process, each on its own address (127.0.0.3, ...), open a
fresh connection and load their home page ``--honest-rate`` times a second.

Printed: the p50/p99 latency of honest requests and how many failed, the most attacker
connections the server held at once and how many the attacker opened, log lines and bytes the
server wrote, and the server's open file descriptors (most at once). Targets (``--strict``
exits non-zero if missed): honest p99 <= 300 ms with no failures, under 100 log lines.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import logging
import os
import resource
import selectors
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

ATTACKER = "127.0.0.2"
SLOW_REQUEST = b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: "


def _raise_file_limit(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))


# -- the attacker (a separate process) --------------------------------------------------------


def attacker_address(number: int, addresses: int) -> str:
    if addresses <= 1:
        return ATTACKER
    return f"127.2.{number % addresses // 250}.{1 + number % addresses % 250}"


def is_attacker(address: str) -> bool:
    return address == ATTACKER or address.startswith("127.2.")


def run_attacker(port: int, count: int, seconds: float, trickle: float,
                 reconnect_rate: float, addresses: int) -> None:
    _raise_file_limit(count + 200)
    time.sleep(1.0)  # the server starts meanwhile
    selector = selectors.DefaultSelector()
    sent_at: dict[socket.socket, tuple[float, int]] = {}
    opened = refused = closed_by_server = 0
    end = time.monotonic() + seconds
    budget, budget_at = 0.0, time.monotonic()

    def drop(sock: socket.socket) -> None:
        sent_at.pop(sock, None)
        with contextlib.suppress(KeyError, ValueError):
            selector.unregister(sock)
        sock.close()

    while time.monotonic() < end:
        now = time.monotonic()
        budget = min(reconnect_rate, budget + (now - budget_at) * reconnect_rate)
        budget_at = now
        while len(sent_at) < count and budget >= 1:
            budget -= 1
            sock = socket.socket()
            sock.setblocking(False)
            sock.bind((attacker_address(opened + refused, addresses), 0))
            err = sock.connect_ex(("127.0.0.1", port))
            if err not in (0, 115, 36, 10035):  # EINPROGRESS on Linux/macOS/Windows
                refused += 1
                sock.close()
                continue
            opened += 1
            sent_at[sock] = (now - trickle, 0)  # send the first byte at once
            selector.register(sock, selectors.EVENT_READ)
        for key, _mask in selector.select(timeout=0.05):
            ready = key.fileobj
            assert isinstance(ready, socket.socket)
            try:
                data = ready.recv(4096)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                closed_by_server += 1
                drop(ready)
        now = time.monotonic()
        for sock, (last, position) in list(sent_at.items()):
            if now - last >= trickle:
                byte = SLOW_REQUEST[position:position + 1] or b"a"
                try:
                    sock.send(byte)
                except BlockingIOError:
                    continue
                except OSError:
                    closed_by_server += 1
                    drop(sock)
                    continue
                sent_at[sock] = (now, position + 1)
    for sock in list(sent_at):
        drop(sock)
    print(json.dumps({"opened": opened, "refused": refused,
                      "closed_by_server": closed_by_server}))


# -- honest phones (a separate process) -------------------------------------------------------


def run_honest(port: int, tokens: list[str], wait: float, seconds: float, rate: float
               ) -> None:
    time.sleep(wait)  # started before the attack (a server out of files cannot spawn it)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def one(number: int) -> None:
        source = (f"127.0.{1 + number // 200}.{3 + number % 200}", 0)
        t0 = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=source)
        try:
            conn.request("GET", f"/v/{tokens[number % len(tokens)]}")
            response = conn.getresponse()
            body = response.read()
            ok = response.status == 200 and b"Hello" in body
            failure = "" if ok else f"status {response.status}"
        except (OSError, http.client.HTTPException) as exc:
            failure = repr(exc)
        finally:
            conn.close()
        with lock:
            if failure:
                errors.append(failure)
            else:
                latencies.append(time.perf_counter() - t0)

    threads = []
    start = time.perf_counter()
    number = 0
    while time.perf_counter() - start < seconds:
        thread = threading.Thread(target=one, args=(number,))
        thread.start()
        threads.append(thread)
        number += 1
        time.sleep(max(0.0, start + number / rate - time.perf_counter()))
    for thread in threads:
        thread.join()
    print(json.dumps({"latencies": latencies, "errors": errors}))


# -- the laptop ------------------------------------------------------------------------------


class _CountingHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines = 0
        self.bytes = 0
        self.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        text = self.format(record)
        self.lines += text.count("\n") + 1
        self.bytes += len(text.encode()) + 1


def make_event(folder: Path, people: int) -> tuple[Any, list[str]]:
    from facilitator.clock import SystemClock
    from facilitator.people import ParsedList, ParsedPerson, check_in, import_people
    from facilitator.store import EventStore

    store = EventStore.create(folder / "bench.facilitator", "Bench", SystemClock())
    persons = [ParsedPerson(line=i + 2, ext_id=f"P{i:04d}", name=f"Phone {i}",
                            role="participant", attributes={}) for i in range(people)]
    import_people(store, ParsedList(
        file_name="bench.csv", sha256="0", encoding="utf-8", delimiter=",",
        columns=["id", "name"], id_column="id", name_columns=["name"], role_column=None,
        attribute_columns=[], people=persons), actor="bench")
    for row in store.query("SELECT id FROM participants"):
        check_in(store, int(row["id"]), actor="bench")
    tokens = [str(r["token"]) for r in store.query("SELECT token FROM participants ORDER BY id")]
    return store, tokens


def _open_fds() -> int:
    if os.path.isdir("/proc/self/fd"):
        try:
            return len(os.listdir("/proc/self/fd"))
        except OSError:  # no descriptor left even to list them
            return resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    else:  # not Linux: count by probing
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        count = 0
        for fd in range(min(soft, 65536)):
            try:
                os.fstat(fd)
            except OSError:
                continue
            count += 1
        return count


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attack", type=int, default=2000, help="slow connections to hold")
    parser.add_argument("--nofile", type=int, default=1024, help="the server's file limit")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--trickle", type=float, default=10.0,
                        help="seconds between the attacker's bytes on each connection")
    parser.add_argument("--reconnect-rate", type=float, default=1000.0)
    parser.add_argument("--honest-rate", type=float, default=20.0, help="requests a second")
    parser.add_argument("--strict", action="store_true")
    parser.add_argument("--addresses", type=int, default=1,
                        help="the attacker's addresses (1: 127.0.0.2; more: 127.2.x.y)")
    parser.add_argument("--attacker", nargs=6, help=argparse.SUPPRESS)
    parser.add_argument("--honest", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.attacker:
        port, count, seconds, trickle, rate, addresses = args.attacker
        run_attacker(int(port), int(count), float(seconds), float(trickle), float(rate),
                     int(addresses))
        return 0
    if args.honest:
        port, wait, seconds, rate = args.honest
        run_honest(int(port), sys.stdin.read().split(), float(wait), float(seconds), float(rate))
        return 0

    from facilitator.lan.server import LanServer

    counting = _CountingHandler()
    root = logging.getLogger()
    root.addHandler(counting)
    root.setLevel(logging.INFO)
    with tempfile.TemporaryDirectory() as tmp:
        store, tokens = make_event(Path(tmp), 200)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        # Both clients start before the server's file limit is lowered (they need thousands
        # of sockets) and before the attack (a server out of files could not spawn them).
        warmup = min(3.0, args.seconds / 4)  # let the attack build up first
        honest = subprocess.Popen(
            [sys.executable, __file__, "--honest", str(port), str(1 + warmup),
             str(max(1.0, args.seconds - warmup - 2)), str(args.honest_rate)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert honest.stdin is not None and honest.stdout is not None
        honest.stdin.write("\n".join(tokens[:50]))
        honest.stdin.close()
        attacker = subprocess.Popen(
            [sys.executable, __file__, "--attacker", str(port), str(args.attack),
             str(args.seconds), str(args.trickle), str(args.reconnect_rate),
             str(args.addresses)],
            stdout=subprocess.PIPE, text=True)
        assert attacker.stdout is not None
        _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        # --nofile N: the system allows N and no more (the server cannot raise it itself).
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(args.nofile, hard),
                                                    min(args.nofile, hard)))
        counting.lines = counting.bytes = 0  # count only what the server logs
        server = LanServer(store, "127.0.0.1", port)
        server.start()
        held_max = fds_max = 0
        sampling = threading.Event()

        def sample() -> None:
            nonlocal held_max, fds_max
            while not sampling.wait(0.2):
                channels = list(getattr(server._server, "active_channels", {}).values())
                held = sum(1 for c in channels
                           if is_attacker(str(getattr(c, "addr", ("",))[0])))
                held_max = max(held_max, held)
                fds_max = max(fds_max, _open_fds())

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        honest_out = json.loads(honest.stdout.read())
        attack_out = json.loads(attacker.stdout.read())
        honest.wait()
        attacker.wait()
        sampling.set()
        sampler.join()
        stats = server.connection_stats() if hasattr(server, "connection_stats") else {}
        total = getattr(server, "total_connections", None)
        server.stop()
        store.close()
    root.removeHandler(counting)

    latencies = sorted(honest_out["latencies"])
    errors = honest_out["errors"]

    def pct(p: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    who = ATTACKER if args.addresses <= 1 else f"on {args.addresses} addresses"
    print(f"file limit {args.nofile}; attacker {who}: {args.attack} slow connections, "
          f"one byte every {args.trickle:g} s, for {args.seconds:g} s")
    print(f"honest requests: {len(latencies)} served, {len(errors)} failed; "
          f"p50 {pct(0.5):.0f} ms, p99 {pct(0.99):.0f} ms, "
          f"max {max(latencies, default=float('nan')) * 1000:.0f} ms")
    if errors:
        print("  first failures:", "; ".join(sorted(set(errors))[:3]))
    print(f"attacker: {attack_out['opened']} connections opened, server held at most "
          f"{held_max} at once, {attack_out['closed_by_server']} closed by the server")
    if stats:
        print("server counts: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.items())))
    print(f"server log: {counting.lines} lines, {counting.bytes} bytes")
    print(f"server open file descriptors: at most {fds_max} (file limit {args.nofile}"
          + (f", connections capped at {total})" if total else ")"))
    if latencies:
        print(f"  (mean {statistics.mean(latencies) * 1000:.0f} ms)")
    ok = (not errors and latencies and pct(0.99) <= 300
          and counting.lines < 100)
    print("PASS" if ok else "MISSED a target")
    return 0 if ok or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
