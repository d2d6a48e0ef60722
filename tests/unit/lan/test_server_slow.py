"""Slow and greedy clients: a per-address cap, header/body/idle timeouts, a total below the
open-file limit, quiet logs, and honest phones on other addresses still served.

Every server listens on 127.0.0.1; clients bind to other loopback addresses (127.0.0.2,
127.0.0.3, ...: Linux routes all of 127/8 to lo) to stand for different phones. Timeouts are
measured on a clock the test moves (:class:`FakeClock`), so a loaded machine cannot make a
connection late: the test moves the clock, then makes one request from another address (a
round trip: the server's loop has taken turns, and checked its deadlines, since), then reads
the server's own counts. The tests wait on sockets and events, never sleep, and the only
wall-clock figures are bounds on how long to wait before failing.
"""

from __future__ import annotations

import errno
import http.client
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from facilitator.clock import FakeClock
from facilitator.lan.app import Limits
from facilitator.lan.server import (
    THREADS,
    ConnectionLimits,
    LanServer,
    connection_budget,
    file_limit,
)
from facilitator.store import EventStore

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="needs 127.0.0.2 and friends on the loopback")

GENEROUS = Limits(requests_per_second=1000, request_burst=1000)
ATTACKER = "127.0.0.2"
HONEST = "127.0.0.3"
PARTIAL = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "
PATIENCE = 30.0  # seconds to wait for something that should happen before failing
SWEEP = 0.02  # the servers' sweep_interval: how often their loop checks deadlines


def start(demo: EventStore, clock: FakeClock | None = None, **limits: float) -> LanServer:
    """A server; its timeouts measured on ``clock`` if given (else the real clock)."""
    settings = {"sweep_interval": SWEEP, **limits}
    server = LanServer(demo, "127.0.0.1", 0, limits=GENEROUS,
                       connections=ConnectionLimits(**settings),  # type: ignore[arg-type]
                       **({"monotonic": clock.monotonic} if clock else {}))
    server.start()
    return server


@pytest.fixture
def servers() -> Iterator[list[LanServer]]:
    started: list[LanServer] = []
    yield started
    for server in started:
        server.stop()


def connect(server: LanServer, source: str, first: bytes = b"") -> socket.socket | None:
    """A connection from ``source``; None if the server refused it before it was made."""
    sock = socket.socket()
    sock.settimeout(PATIENCE)
    sock.bind((source, 0))
    try:
        sock.connect(("127.0.0.1", server.port))
        if first:
            sock.sendall(first)
    except (ConnectionResetError, BrokenPipeError):
        sock.close()
        return None
    return sock


def closed_within(sock: socket.socket | None, seconds: float) -> bool:
    """True if the server closes ``sock`` within ``seconds`` (what it sends is skipped)."""
    if sock is None:
        return True
    deadline = time.monotonic() + seconds
    try:
        while (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            if not sock.recv(65536):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False
    return False


def close_all(socks: list[socket.socket | None]) -> None:
    for sock in socks:
        if sock is not None:
            sock.close()


def healthz(server: LanServer, source: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=PATIENCE,
                                      source_address=(source, 0))
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status
    finally:
        conn.close()


def held(server: LanServer, source: str, count: int) -> None:
    """Wait (on a socket round trip, not a sleep) until the server holds ``count``
    connections from ``source``: a request from another address is served after the accept
    queue ahead of it, so after those connections were counted."""
    for _ in range(50):
        if server.connections_from(source) >= count:
            return
        assert healthz(server, "127.0.0.250") == 200
    raise AssertionError(f"{source} holds {server.connections_from(source)}, not {count}")


def round_trip(server: LanServer) -> None:
    """One request from an address no test uses otherwise: once it is answered, the loop has
    taken turns (and checked deadlines) since the caller moved the clock."""
    assert healthz(server, "127.0.0.250") == 200


def dropped(server: LanServer, clock: FakeClock, source: str) -> bool:
    """Whether the server closes ``source``'s connections, the clock having passed their
    deadline. The loop checks deadlines once a sweep interval of ``clock``, and on a loaded
    machine a worker may finish a request (which holds its connection's deadline off) a
    turn late: so each try moves the clock on by one interval before its round trip, at
    most 50 times (1 s on ``clock``: a deadline is not missed by more)."""
    for _ in range(50):
        round_trip(server)
        if server.connections_from(source) == 0:
            return True
        clock.advance(SWEEP)
    return False


def test_one_address_is_capped_and_the_rest_closed_at_once(
        demo: EventStore, clock: FakeClock, servers: list[LanServer],
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    server = start(demo, clock, per_address=4, header_timeout=60)
    servers.append(server)
    slow = [connect(server, ATTACKER, PARTIAL) for _ in range(4)]
    held(server, ATTACKER, 4)
    extra = [connect(server, ATTACKER, PARTIAL) for _ in range(20)]
    # Another phone is served while that address sits at its cap (queued behind the extra
    # twenty, so served after the server dealt with them).
    assert healthz(server, HONEST) == 200
    assert all(closed_within(sock, PATIENCE) for sock in extra)  # refused
    assert server.connections_from(ATTACKER) == 4  # the first four stay
    assert server.connection_stats()["refused"] == 20
    assert not [r for r in caplog.records if r.exc_info]
    assert len([r for r in caplog.records if "refusing more" in r.getMessage()]) == 1
    close_all(slow + extra)


def test_headers_that_trickle_are_dropped(demo: EventStore, clock: FakeClock,
                                          servers: list[LanServer]) -> None:
    server = start(demo, clock, header_timeout=5)
    servers.append(server)
    sock = connect(server, ATTACKER)
    assert sock is not None
    held(server, ATTACKER, 1)
    # A byte every second: each arrives in time, but the headers as a whole do not.
    for byte in PARTIAL[:4]:
        sock.sendall(bytes([byte]))
        clock.advance(1)
        round_trip(server)
        assert server.connections_from(ATTACKER) == 1, "dropped before its 5 s were up"
    sock.sendall(PARTIAL[4:5])
    clock.advance(1.5)  # 5.5 s after it opened, its last byte just in
    assert dropped(server, clock, ATTACKER), "a trickling request was kept open"
    assert closed_within(sock, PATIENCE)
    assert server.connection_stats()["timed_out"] == 1
    sock.close()


def test_a_silent_connection_is_dropped(demo: EventStore, clock: FakeClock,
                                        servers: list[LanServer]) -> None:
    server = start(demo, clock, header_timeout=5)
    servers.append(server)
    sock = connect(server, ATTACKER)
    assert sock is not None
    held(server, ATTACKER, 1)
    clock.advance(4.5)
    round_trip(server)
    assert server.connections_from(ATTACKER) == 1
    clock.advance(1)
    assert dropped(server, clock, ATTACKER)
    assert closed_within(sock, PATIENCE)
    sock.close()


def test_a_body_that_trickles_is_dropped(demo: EventStore, clock: FakeClock,
                                         servers: list[LanServer]) -> None:
    server = start(demo, clock, header_timeout=60, body_timeout=3)
    servers.append(server)
    sock = connect(server, ATTACKER, b"POST /join HTTP/1.1\r\nHost: x\r\nContent-Type: "
                   b"application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\ncode=")
    assert sock is not None
    held(server, ATTACKER, 1)
    round_trip(server)  # its headers are in: the body's 3 s start now
    for _ in range(2):
        sock.sendall(b"A")
        clock.advance(1)
        round_trip(server)
        assert server.connections_from(ATTACKER) == 1, "dropped before its 3 s were up"
    sock.sendall(b"A")
    clock.advance(1.5)  # 3.5 s after its headers
    assert dropped(server, clock, ATTACKER), "a trickling body was kept open"
    assert closed_within(sock, PATIENCE)
    assert server.connection_stats()["timed_out"] == 1
    sock.close()


def test_an_idle_keep_alive_connection_is_closed(demo: EventStore, clock: FakeClock,
                                                 servers: list[LanServer]) -> None:
    server = start(demo, clock, idle_timeout=3)
    servers.append(server)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=PATIENCE,
                                      source_address=(HONEST, 0))
    conn.request("GET", "/healthz")
    response = conn.getresponse()
    assert response.status == 200 and response.read() == b'{"ok": true}'
    sock = conn.sock
    assert sock is not None
    round_trip(server)  # the loop has finished sending the reply
    clock.advance(2.5)
    round_trip(server)
    assert server.connections_from(HONEST) == 1, "closed while it may still be used"
    clock.advance(1)
    assert dropped(server, clock, HONEST)
    assert closed_within(sock, PATIENCE)
    conn.close()


def test_a_normal_request_is_not_cut_short(demo: EventStore, clock: FakeClock,
                                           servers: list[LanServer]) -> None:
    server = start(demo, clock, header_timeout=5, body_timeout=5)
    servers.append(server)
    sock = connect(server, HONEST, b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    assert sock is not None
    held(server, HONEST, 1)
    clock.advance(4.5)  # its headers' last line comes late, but in time
    round_trip(server)
    sock.sendall(b"Connection: close\r\n\r\n")
    reply = b""
    while chunk := sock.recv(65536):
        reply += chunk
    sock.close()
    assert reply.startswith(b"HTTP/1.1 200") and reply.endswith(b'{"ok": true}')


def test_the_total_stays_below_the_file_limit() -> None:
    limits = ConnectionLimits()
    assert connection_budget(limits, 1024) == 1024 - limits.file_headroom
    assert connection_budget(limits, 256) == 256 - limits.file_headroom
    assert connection_budget(limits, 100_000) == limits.total
    assert connection_budget(limits, None) <= 400  # Windows: select() and its 512 sockets
    assert connection_budget(limits, 10) == 8


def test_the_server_reads_the_file_limit(demo: EventStore, servers: list[LanServer]) -> None:
    server = start(demo)
    servers.append(server)
    files = file_limit()
    assert files is not None
    assert server.total_connections == connection_budget(server.connections, files)
    assert server.total_connections <= files - server.connections.file_headroom


def test_a_full_server_makes_room_for_an_honest_phone(demo: EventStore, clock: FakeClock,
                                                      servers: list[LanServer]) -> None:
    server = start(demo, clock, total=8, per_address=4, header_timeout=60)
    servers.append(server)
    slow = [connect(server, f"127.0.0.{2 + i % 2}", PARTIAL) for i in range(8)]
    # The eight are ahead in the listen queue: accepted first, they fill the server.
    assert healthz(server, "127.0.0.9") == 200  # and slow ones make room
    assert server.connection_stats()["evicted"] >= 1
    assert server.connection_stats().get("timed_out", 0) == 0  # room made, not time run out
    assert closed_within(slow[0], PATIENCE)  # the oldest of the most crowded goes first
    close_all(slow)


def test_accept_errors_are_logged_once_without_a_traceback(
        demo: EventStore, servers: list[LanServer], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    server = start(demo)
    servers.append(server)
    inner = server._server
    assert inner is not None
    calls: list[float] = []
    enough = threading.Event()

    def out_of_files() -> None:
        calls.append(time.monotonic())
        if len(calls) >= 5:
            enough.set()
        raise OSError(errno.EMFILE, "Too many open files")

    inner.accept = out_of_files
    waiting = connect(server, HONEST)  # makes the listening socket readable
    assert waiting is not None
    assert enough.wait(PATIENCE)
    # Paused between attempts (sweep_interval, 20 ms here), not spinning on the socket.
    assert calls[4] - calls[0] >= 0.06
    del inner.accept  # the files are back
    waiting.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    waiting.settimeout(PATIENCE)
    assert waiting.recv(100).startswith(b"HTTP/1.1 200")
    waiting.close()
    lines = [r for r in caplog.records if "cannot accept" in r.getMessage()]
    assert len(lines) == 1 and "EMFILE" in lines[0].getMessage()
    assert not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]


def test_honest_phones_are_served_while_one_address_floods(
        demo: EventStore, clock: FakeClock, servers: list[LanServer],
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    server = start(demo, clock, per_address=8, header_timeout=60)
    servers.append(server)
    inner = server._server
    assert inner is not None
    flood = [connect(server, ATTACKER, PARTIAL) for _ in range(300)]
    for number in range(20):
        assert healthz(server, f"127.0.1.{number + 1}") == 200
    # Served while the flood still holds all it may (the clock did not move: nothing of it
    # timed out to make way), the rest of it refused, by the same few worker threads. How
    # quickly: a figure, in bench_slowloris.py.
    assert server.connections_from(ATTACKER) == 8
    stats = server.connection_stats()
    assert stats.get("timed_out", 0) == 0 and stats.get("evicted", 0) == 0
    assert stats["refused"] == 300 - 8
    assert len(inner.task_dispatcher.threads) == THREADS
    assert len(caplog.records) <= 2 and not [r for r in caplog.records if r.exc_info]
    close_all(flood)


def test_a_flood_of_the_same_trouble_is_one_line_a_minute(
        caplog: pytest.LogCaptureFixture) -> None:
    from facilitator.lan.server import Throttled

    caplog.set_level(logging.DEBUG)
    now = [0.0]
    quiet = Throttled(60.0, lambda: now[0])
    for _ in range(45_000):
        quiet.warning("accept", "phone server: cannot accept connections (%s)", "EMFILE")
    now[0] = 61.0
    quiet.warning("accept", "phone server: cannot accept connections (%s)", "EMFILE")
    lines = [r.getMessage() for r in caplog.records]
    assert lines == ["phone server: cannot accept connections (EMFILE)",
                     "phone server: cannot accept connections (EMFILE) (and 44999 more since "
                     "the last such line)"]


def test_a_wake_up_landing_while_stop_wakes_the_loop_is_harmless(
        demo: EventStore, caplog: pytest.LogCaptureFixture) -> None:
    """The cause of a CI teardown's EBADF: stop() asked the loop to close everything and
    then wrote to its wake-up pipe; a worker that had just answered a phone woke the loop
    in between, the loop closed everything, its pipe too, and stop() wrote to a closed
    descriptor (or to whatever file had taken its number). Replayed here in that order:
    stop's write waits until another thread's wake-up has been handled and the loop ended."""
    caplog.set_level(logging.DEBUG)
    server = start(demo)
    inner, thread = server._server, server._thread
    assert inner is not None and thread is not None
    trigger = inner.trigger
    real_pull = trigger._physical_pull
    failures: list[OSError] = []

    def stop_pulls() -> None:
        if threading.current_thread() is thread or failures:
            real_pull()
            return
        worker = threading.Thread(target=real_pull)  # a worker's wake-up lands first
        worker.start()
        worker.join()
        thread.join(PATIENCE)  # the loop handles it and ends
        try:
            real_pull()
        except OSError as exc:
            failures.append(exc)
            raise

    trigger._physical_pull = stop_pulls
    server.stop()
    assert failures == []
    assert not thread.is_alive()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    with pytest.raises(OSError):
        os.fstat(trigger.trigger)  # stop() closed the pipe once it was done with it


def test_stop_stops_even_when_the_loops_wake_up_pipe_is_gone(
        demo: EventStore, caplog: pytest.LogCaptureFixture) -> None:
    """Should writing the wake-up fail all the same, the loop still ends at its next turn
    (it checks for the stop at every turn) and closes its connections itself."""
    server = start(demo)
    inner, thread = server._server, server._thread
    assert inner is not None and thread is not None
    port = server.port

    def gone() -> None:
        raise OSError(errno.EBADF, "Bad file descriptor")

    inner.trigger._physical_pull = gone
    server.stop()
    assert not thread.is_alive()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=PATIENCE).close()
    assert [r for r in caplog.records if "could not wake its loop" in r.getMessage()]
