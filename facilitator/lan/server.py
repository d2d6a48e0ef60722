"""The phone-voting HTTP server: waitress in its own thread, on the address the
facilitator picks.

Why waitress: pure Python with no dependencies (the Windows/macOS installers just work),
a real HTTP/1.1 implementation with request size limits and a thread pool, and on the
500-phone benchmark it met every target (see ``tests/benchmarks/bench_lan.py``; cheroot,
measured the same way, was no faster for this load). Writes go through the one
:class:`facilitator.store.EventStore`, whose lock serialises them with the GUI's.

Slow and greedy clients (see :class:`ConnectionLimits`): waitress alone keeps a connection
that sends one byte every few seconds open forever, and accepts connections until the process
runs out of file descriptors, then logs a traceback for every failed accept. Here each client
address may hold only a few connections (one over the cap is closed at once), a request must
deliver its headers within seconds and its body soon after, idle connections are closed, the
total stays well below the process's open-file limit (the oldest idle connection makes room
for a new one), and accept errors are logged at most once a minute, without a traceback.
``tests/benchmarks/bench_slowloris.py`` measures it.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import select
import socket
import struct
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer

from facilitator.changes import Changes
from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.lan.app import Limits, PhoneApp
from facilitator.lan.security import client_key
from facilitator.network import ipv4_addresses, is_private
from facilitator.store import EventStore

log = logging.getLogger(__name__)
# waitress warns at every queued request under a burst ("Task queue depth is N"): normal
# for a room voting at once, and not worth a line each on the console.
logging.getLogger("waitress.queue").setLevel(logging.ERROR)

THREADS = 4
WANTED_FILE_LIMIT = 4096  # raise the soft open-file limit this far if the hard one allows
ACCEPT_BATCH = 256  # connections accepted at most per turn of the loop
WINDOWS_SELECT_LIMIT = 400  # select() on Windows handles at most 512 sockets


@dataclass(frozen=True)
class ConnectionLimits:
    """How many connections, and how long each may take (seconds).

    ``per_address``: open connections one client address may hold (a phone's browser opens
    at most six). ``total``: all open connections, further capped at the process's open-file
    limit less ``file_headroom`` (the event file, its WAL, Qt, fonts, the pipes of the server
    itself); when full, the connections of the most crowded addresses that are idle or still
    sending their request make room for new ones. A request's headers
    must be complete ``header_timeout`` after its first byte (a new connection's first
    request: after it opened); its body ``body_timeout`` after the headers; a reply the
    client does not read is dropped after ``send_timeout`` without progress; a connection
    with no request in progress is closed after ``idle_timeout``. ``sweep_interval``: how
    often those are checked; ``log_interval``: the fewest seconds between two log lines
    about the same kind of trouble.
    """

    per_address: int = 16
    total: int = 1000
    file_headroom: int = 128
    header_timeout: float = 5.0
    body_timeout: float = 10.0
    send_timeout: float = 20.0
    idle_timeout: float = 15.0
    sweep_interval: float = 0.5
    log_interval: float = 60.0


def file_limit() -> int | None:
    """The process's soft open-file limit, or None where there is none to read (Windows)."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return None if soft == resource.RLIM_INFINITY or soft < 0 else int(soft)


def raise_file_limit(wanted: int = WANTED_FILE_LIMIT) -> None:
    """Lift the soft open-file limit towards ``wanted`` where the hard limit allows (macOS
    starts programs with 256). Harmless for the rest of the process; silently skipped where
    it cannot be done."""
    try:
        import resource
    except ImportError:  # Windows
        return
    with contextlib.suppress(ValueError, OSError):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft != resource.RLIM_INFINITY and 0 <= soft < wanted:
            ceiling = wanted if hard == resource.RLIM_INFINITY or hard < 0 else min(wanted, hard)
            if ceiling > soft:
                resource.setrlimit(resource.RLIMIT_NOFILE, (ceiling, hard))


def connection_budget(limits: ConnectionLimits, files: int | None) -> int:
    """How many connections may be open at once: ``limits.total``, and at most the open-file
    limit ``files`` less the headroom (never fewer than 8)."""
    total = limits.total
    if files is None:
        total = min(total, WINDOWS_SELECT_LIMIT)
    else:
        total = min(total, files - limits.file_headroom)
    return max(8, total)


class Throttled:
    """Log a kind of trouble at most once per interval, saying how many were not logged.
    ``logger``: where the lines go. Kinds may be client addresses: past ``MAX_KINDS`` of
    them (a flood from many addresses) the oldest are forgotten. Also the stations' server's
    (:mod:`facilitator.stations.server`)."""

    MAX_KINDS = 10_000

    def __init__(self, interval: float, clock: Callable[[], float],
                 logger: logging.Logger = log) -> None:
        self._interval = interval
        self._clock = clock
        self._log = logger
        self._last: dict[str, float] = {}
        self._quiet: Counter[str] = Counter()
        self._lock = threading.Lock()

    def warning(self, kind: str, message: str, *args: object, level: int = logging.WARNING
                ) -> None:
        now = self._clock()
        with self._lock:
            last = self._last.get(kind)
            if last is not None and now - last < self._interval:
                self._quiet[kind] += 1
                return
            if len(self._last) > self.MAX_KINDS:
                self._last.clear()
            self._last[kind] = now
            quiet = self._quiet.pop(kind, 0)
        if quiet:
            message += " (and %d more since the last such line)"
            args = (*args, quiet)
        self._log.log(level, message, *args)


class AddressCounts:
    """Open connections per client address (a :func:`facilitator.lan.security.client_key`),
    each address capped at ``per_address``; thread-safe. Also the stations' server's."""

    def __init__(self, per_address: int) -> None:
        self.per_address = per_address
        self._lock = threading.Lock()
        self._total = 0
        self._by_peer: Counter[str] = Counter()

    @property
    def total(self) -> int:
        """All open connections."""
        return self._total

    def admit(self, peer: str) -> bool:
        """Count one more connection of ``peer``; False (nothing counted) if it holds the
        most already."""
        with self._lock:
            if self._by_peer[peer] >= self.per_address:
                return False
            self._by_peer[peer] += 1
            self._total += 1
            return True

    def release(self, peer: str) -> None:
        with self._lock:
            self._total -= 1
            self._by_peer[peer] -= 1
            if self._by_peer[peer] <= 0:
                del self._by_peer[peer]

    def count(self, address: str) -> int:
        """Connections the client ``address`` holds now."""
        with self._lock:
            return self._by_peer.get(client_key(address), 0)


class _GuardedChannel(HTTPChannel):
    """waitress's connection, counted against its client address and timed (see
    :class:`ConnectionLimits`). Times come from the server's monotonic clock."""

    server: _GuardedServer

    def __init__(self, server: _GuardedServer, sock: socket.socket, addr: Any, adj: Any,
                 map: dict[int, Any] | None = None) -> None:
        now = server.clock()
        self.peer = client_key(str(addr[0]) if isinstance(addr, tuple) else str(addr))
        self.opened_at = now
        self.received_at = now  # the last byte in
        self.sent_at = now  # the last byte out
        self.request_started: float | None = None
        self.headers_at: float | None = None
        self.any_bytes = False
        self.released = False
        super().__init__(server, sock, addr, adj, map)

    def received(self, data: bytes) -> bool:
        now = self.server.clock()
        before = self.request
        result = bool(super().received(data))
        after = self.request
        if after is None:
            self.request_started = self.headers_at = None
        elif after is not before:  # a new request began in these bytes
            self.request_started = now if self.any_bytes else self.opened_at
            self.headers_at = None
        if after is not None and after.headers_finished and self.headers_at is None:
            self.headers_at = now
        if data:
            self.any_bytes = True
            self.received_at = now
        return result

    def _flush_some(self, do_close: bool = True) -> bool:
        now = self.server.clock()  # read before the bytes go: the client may act on them
        sent = bool(super()._flush_some(do_close=do_close))
        if sent:
            self.sent_at = now
        return sent

    def deadline(self, limits: ConnectionLimits) -> float | None:
        """When this connection is dropped if nothing changes; None while the application is
        working on its request."""
        if self.total_outbufs_len:
            return self.sent_at + limits.send_timeout
        if self.requests:
            return None
        if self.request is not None:
            if self.headers_at is not None:
                return self.headers_at + limits.body_timeout
            return (self.request_started or self.opened_at) + limits.header_timeout
        if not self.any_bytes:
            return self.opened_at + limits.header_timeout
        return max(self.received_at, self.sent_at) + limits.idle_timeout

    def read_waiting(self) -> None:
        """Read what the client already sent (a phone sends its request with the connection),
        so a full server sees it is a real request before choosing whom to close."""
        try:
            data = self.socket.recv(self.adj.recv_bytes)
        except BlockingIOError:
            return
        except OSError:
            self.handle_close()
            return
        if not data:
            self.handle_close()
            return
        self.last_activity = time.time()
        self.received(data)

    def evictable(self) -> bool:
        """Idle, or still sending its request: closing it loses no work."""
        return not (self.requests or self.total_outbufs_len or self.will_close)

    def del_channel(self, map: dict[int, Any] | None = None) -> None:
        super().del_channel(map)
        if not self.released:
            self.released = True
            self.server.release(self.peer)

    def handle_error(self) -> None:
        self.server.quiet.warning("channel", "phone server: a connection failed and was "
                                  "closed: %s", _last_error())
        self.handle_close()


def _last_error() -> str:
    """The exception being handled and where it was raised, on one line."""
    kind, value, tb = sys.exc_info()
    where = ""
    while tb is not None:
        where = f" at {tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return f"{kind.__name__ if kind else 'error'}: {value}{where}"


def _drop(conn: socket.socket) -> None:
    """Close at once, with a reset: no lingering state for a connection we refuse."""
    with contextlib.suppress(OSError):
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        conn.close()


class _GuardedServer(TcpWSGIServer):
    """waitress's TCP server with a per-address cap, timeouts, a total below the file limit,
    and quiet logs. Everything here runs on the server's loop thread except ``release``
    (a worker thread may close a connection whose client went away), ``pull_trigger`` (the
    workers' wake-up) and ``request_stop``/``close_trigger`` (:meth:`LanServer.stop`).

    Stopping: the loop ends at its next turn once ``stopping`` is set (a wake-up through
    the trigger only makes that turn come sooner) and closes its connections itself; the
    trigger, the pipe every thread writes its wake-ups to, is closed last, by
    ``close_trigger`` once the loop has ended, and a worker's wake-up checks, under the
    trigger's lock, that it is still open. (waitress's way, a thunk that closes the whole
    map, let the loop close that pipe while another thread was about to write to it: a
    worker's wake-up landing just before stop()'s own write ran the thunk, and stop() wrote
    to a closed descriptor, or to whatever file had been given its number since.)"""

    channel_class = _GuardedChannel

    def __init__(self, application: Any, *, adj: Any, limits: ConnectionLimits,
                 clock: Callable[[], float], total: int) -> None:
        self.limits = limits
        self.clock = clock
        self.total = total
        self.quiet = Throttled(limits.log_interval, clock)
        self.stats: Counter[str] = Counter()
        self.counts = AddressCounts(limits.per_address)
        self._next_sweep = clock() + limits.sweep_interval
        self._paused_until = float("-inf")
        self._at_total = False
        self.stopping = threading.Event()
        try:
            super().__init__(application, map={}, adj=adj, sockinfo=adj.listen[0])
        except BaseException:  # cannot listen: give back the trigger's pipe made first
            trigger = getattr(self, "trigger", None)
            if trigger is not None:
                trigger.close()
            if getattr(self, "socket", None) is not None:
                wasyncore.dispatcher.close(self)
            raise
        wake = self.trigger.trigger  # never block a thread on a full pipe: it is awake then
        if isinstance(wake, int):
            os.set_blocking(wake, False)
        else:  # Windows: a socket pair
            wake.setblocking(False)

    # -- counting ------------------------------------------------------------------------------

    @property
    def open_connections(self) -> int:
        return self.counts.total

    def connections_from(self, peer: str) -> int:
        return self.counts.count(peer)

    def release(self, peer: str) -> None:
        self.counts.release(peer)

    # -- the loop ------------------------------------------------------------------------------

    def readable(self) -> bool:
        now = self.clock()
        if now >= self._next_sweep:
            self._next_sweep = now + self.limits.sweep_interval
            self._sweep(now)
        if not self.accepting or now < self._paused_until:
            return False
        if self.counts.total >= self.total:
            if not self._make_room() and not self._at_total:
                self._at_total = True
                self.quiet.warning("total", "phone server: %d connections open, the most "
                                   "allowed; new ones wait", self.counts.total)
            # Accept at the next turn, once the connections chosen are closed: a socket
            # number freed and taken again within one turn of the loop would receive the
            # events polled for the old one.
            return False
        self._at_total = False
        return True

    def _sweep(self, now: float) -> None:
        dropped = 0
        for channel in list(self.active_channels.values()):
            if channel.will_close or channel.close_when_flushed:
                continue
            deadline = channel.deadline(self.limits)
            if deadline is not None and now >= deadline:
                channel.will_close = True  # the loop closes it at its next turn
                dropped += 1
        if dropped:
            self.stats["timed_out"] += dropped
            self.quiet.warning("slow", "phone server: closed %d connections that were too "
                               "slow or idle", dropped, level=logging.INFO)

    def _make_room(self) -> bool:
        """At the total: mark a batch of connections that are idle or still sending their
        request for closing (the loop closes them at once), those of the most crowded
        addresses first, oldest first. A full server must not lock honest phones out, and
        one accept per turn of the loop would leave them queued behind a flood. False if
        every connection is being served (new ones then wait in the listen queue)."""
        candidates = [c for c in list(self.active_channels.values()) if c.evictable()]
        if not candidates:
            return False
        crowded = Counter(c.peer for c in candidates)
        candidates.sort(key=lambda c: (-crowded[c.peer], c.received_at))
        chosen = candidates[:max(16, self.total // 4)]
        for victim in chosen:
            victim.will_close = True
        self.stats["evicted"] += len(chosen)
        return True

    def handle_accept(self) -> None:
        # Take what is waiting, up to a batch: under a connection flood one accept per turn
        # of the loop would leave honest phones queued behind thousands of refused ones.
        for _turn in range(ACCEPT_BATCH):
            if not self._accept_one() or self.counts.total >= self.total:
                return

    def _accept_one(self) -> bool:
        """Accept one waiting connection; False when none was waiting (or accept failed)."""
        try:
            pair = self.accept()
        except OSError as exc:  # EMFILE, ENFILE, ENOBUFS...: pause instead of spinning
            self._paused_until = self.clock() + self.limits.sweep_interval
            self.stats["accept_errors"] += 1
            self.quiet.warning("accept", "phone server: cannot accept connections (%s); "
                               "pausing", errno.errorcode.get(exc.errno or 0, str(exc)))
            return False
        if pair is None:
            return False
        conn, addr = pair
        peer = client_key(str(addr[0]))
        if not self.counts.admit(peer):
            _drop(conn)
            self.stats["refused"] += 1
            self.quiet.warning("per_address", "phone server: %s already holds %d connections; "
                               "refusing more", peer, self.limits.per_address)
            return True
        try:
            self.set_socket_options(conn)
            channel = self.channel_class(self, conn, self.fix_addr(addr), self.adj,
                                         map=self._map)
        except OSError as exc:  # the client went away in the meantime
            self.release(peer)
            _drop(conn)
            self.quiet.warning("setup", "phone server: a new connection failed (%s)", exc)
            return True
        self.stats["accepted"] += 1
        if self.counts.total >= self.total:
            channel.read_waiting()
        return True

    # -- waking and stopping (see the class's docstring) ---------------------------------

    def wake(self) -> None:
        """Make the loop take its next turn now (its trigger's pipe already holding a byte
        is as good)."""
        with contextlib.suppress(BlockingIOError):
            self.trigger._physical_pull()

    def pull_trigger(self) -> None:
        """A worker thread's wake-up (a reply is ready): never after ``close_trigger``."""
        with self.trigger.lock:
            if not self.trigger._closed:
                self.wake()

    def request_stop(self) -> None:
        self.stopping.set()

    def close_trigger(self) -> None:
        """Once the loop has ended: close the trigger (under its lock, see ``pull_trigger``)."""
        with self.trigger.lock:
            self.trigger.close()

    def close(self) -> None:
        # The listening socket only: the trigger outlives the loop (see ``close_trigger``).
        wasyncore.dispatcher.close(self)

    def run(self) -> None:
        poll = wasyncore.poll2 if self.adj.asyncore_use_poll and hasattr(select, "poll") \
            else wasyncore.poll
        try:
            while self._map and not self.stopping.is_set():
                poll(self.limits.sweep_interval, self._map)
        except (SystemExit, KeyboardInterrupt):
            self.task_dispatcher.shutdown()
        finally:
            for dispatcher in list(self._map.values()):
                if dispatcher is not self.trigger:
                    with contextlib.suppress(OSError):
                        dispatcher.close()


class ServerError(UserError):
    pass


@dataclass(frozen=True)
class Interface:
    address: str
    label: str
    """What the facilitator sees: the address and what kind it is."""


def local_addresses() -> list[Interface]:
    """The laptop's IPv4 addresses a phone could reach, LAN ones first; loopback last
    (:func:`facilitator.network.ipv4_addresses`: found without sending any packet)."""
    out = []
    for text in ipv4_addresses():
        kind = _("local network") if is_private(text) else _("public address")
        out.append(Interface(text, f"{text} ({kind})"))
    out.append(Interface("127.0.0.1", _("127.0.0.1 (this laptop only, for testing)")))
    return out


_serving: set[str] = set()
_serving_lock = threading.Lock()


def serving(base_url: str) -> bool:
    """Whether a phone server of this process serves ``base_url`` now (``http://HOST:PORT``):
    the projector shows the join page only then, not from a setting left by an earlier run."""
    with _serving_lock:
        return base_url in _serving


class LanServer:
    """Start, serve in a daemon thread, stop. ``on_changes`` runs on the server thread."""

    def __init__(self, store: EventStore, host: str, port: int, *,
                 on_changes: Callable[[Changes], None] | None = None,
                 limits: Limits | None = None, threads: int = THREADS,
                 connections: ConnectionLimits | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.host = host
        self.port = port
        self.app = PhoneApp(store, on_changes=on_changes, limits=limits)
        self.connections = connections or ConnectionLimits()
        self._monotonic = monotonic
        self._threads = threads
        self._server: _GuardedServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def badge_url(self, token: str) -> str:
        return f"{self.base_url}/v/{token}"

    def start(self) -> None:
        from waitress.adjustments import Adjustments

        if self.running:
            return
        raise_file_limit()
        limits = self.connections
        total = connection_budget(limits, file_limit())
        adj = Adjustments(
            host=self.host, port=self.port, threads=self._threads,
            connection_limit=total, backlog=1024,
            channel_timeout=max(1, int(limits.idle_timeout)), cleanup_interval=3600,
            max_request_header_size=16 * 1024, max_request_body_size=64 * 1024,
            asyncore_use_poll=True, clear_untrusted_proxy_headers=True, ident="Facilitator",
            expose_tracebacks=False, outbuf_overflow=1 << 20, log_socket_errors=False)
        try:
            self._server = _GuardedServer(self.app, adj=adj, limits=limits,
                                          clock=self._monotonic, total=total)
        except OSError as exc:
            raise ServerError(_("The phone server could not listen on {host}:{port} "
                                "({detail}). Pick another port or address.").format(
                host=self.host, port=self.port, detail=exc.strerror or exc)) from exc
        if self.port == 0:
            self.port = int(self._server.effective_port)
        self._thread = threading.Thread(target=self._serve, name="facilitator-lan",
                                        daemon=True)
        self._thread.start()
        with _serving_lock:
            _serving.add(self.base_url)

    @property
    def total_connections(self) -> int:
        """The most connections open at once (0 while stopped)."""
        return self._server.total if self._server is not None else 0

    def connection_stats(self) -> dict[str, int]:
        """Counts since start: accepted, refused (over the per-address cap), timed_out,
        evicted, accept_errors; and open (now)."""
        server = self._server
        if server is None:
            return {}
        return {**server.stats, "open": server.open_connections}

    def connections_from(self, address: str) -> int:
        """Connections the given client address holds now."""
        return self._server.connections_from(address) if self._server is not None else 0

    def _serve(self) -> None:
        assert self._server is not None
        try:
            self._server.run()
        except Exception:  # the loop itself failed: log; the panel shows "stopped"
            log.exception("phone server stopped")

    def stop(self, timeout: float = 5.0) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        with _serving_lock:
            _serving.discard(self.base_url)
        # The loop closes every connection from its own thread and ends at its next turn
        # (at most ``sweep_interval`` away); the wake-up makes that turn now.
        server.request_stop()
        try:
            server.wake()
        except OSError as exc:
            log.warning("phone server: could not wake its loop to stop (%s); it stops at "
                        "its next turn", exc)
        thread.join(timeout)
        server.task_dispatcher.shutdown(timeout=timeout)
        if thread.is_alive():  # its loop may still poll the trigger: leave it open
            log.warning("phone server: its loop did not end within %s s", timeout)
        else:
            server.close_trigger()
        self._server = None
        self._thread = None

    def tokens_changed(self) -> None:
        """Someone's badge was reissued or added: re-read tokens at the next request."""
        self.app.tokens.invalidate()
