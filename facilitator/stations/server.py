"""The stations' API on the main laptop: a small WSGI app served over TLS by cheroot, on its
own port, beside the phone server.

Why cheroot and not the phone server's waitress: stations must talk to the main laptop over
an encrypted, authenticated channel (the papers keyed at a station are secret votes), and
waitress has no TLS. cheroot is CherryPy's HTTP/1.1 server: pure Python, maintained since
2017 by the CherryPy team, with a TLS adapter over Python's own ``ssl`` and a thread pool.
A hand-made protocol over raw sockets, or encryption of our own over plain HTTP, would be
ours to get right; TLS 1.2+ with a pinned self-signed certificate (:mod:`.tls`) is the
standard answer. The connection limits are the phone server's
(:class:`facilitator.lan.server.ConnectionLimits`): its header timeout bounds a request and
a TLS handshake, its connection budget (under the open-file limit) bounds the queue, and one
client address may hold at most ``STATION_CONNECTIONS.per_address`` connections (one more is
closed at once, before its handshake; a line in the log at most once a minute). The TLS
handshake is done by a worker thread on the first read, not by cheroot's accepting thread
(where a client that connects and stays silent would hold up every other connection for the
header timeout). There are a handful of stations, so a few worker threads suffice; nothing
but ``/pair`` is done before a station's secret is checked, and ``/pair`` takes a one-time
secret of 80 bits.

Failed pairings and wrong station secrets cost the client address a budget
(:class:`AuthLimits`, the phone server's :class:`facilitator.lan.security.GuessBudget`):
once it is spent, that address is answered 429 before anything is checked, and the log gets
one line per address a minute, however many attempts (a station's right secret, even of a
revoked station, costs nothing).

The API (JSON in and out; ``Authorization: Station ID:SECRET`` on all but ``/pair``):

- ``POST /pair`` ``{"secret", "token", "person"}`` → ``{"station", "name", "may"}``: the
  pairing code's one-time secret and the station's own secret, chosen by the station (so a
  pairing whose answer was lost can be asked again and gets the same answer)
- ``POST /hello`` ``{"person"}`` → the station as the main laptop sees it
- ``GET /snapshot`` → what the station may read (:func:`.queries.snapshot`)
- ``POST /items`` ``{"items": [...]}`` → ``{"decisions": [...]}``, one per item, in order

A refused request answers 401 (not paired, revoked) or 400 (unreadable) with ``{"error"}``,
one sentence the station shows.

Items are committed in groups (:class:`_Together`): every item costs the event file a disk
flush, and four stations keying at full speed queued behind each other's flushes (a station
waited for up to three). The items of the requests that arrive while one group is being
committed are applied together, each item still all-or-nothing (a savepoint) and decided
exactly once, and committed with one flush; each request is answered only after that commit.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from facilitator.changes import Changes
from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.lan.security import GuessBudget, RateLimiter, client_key
from facilitator.lan.server import (
    AddressCounts,
    ConnectionLimits,
    Throttled,
    connection_budget,
    file_limit,
)
from facilitator.stations import ops, queries
from facilitator.stations.model import (
    MAX_BATCH,
    Item,
    NotAllowedError,
    Station,
    StationError,
    WrongSecretError,
    parse_item,
)
from facilitator.stations.tls import identity_files
from facilitator.store import EventStore

log = logging.getLogger(__name__)

THREADS = 6
MAX_BODY = 512 * 1024
# A station keeps one connection open (its client sends one request at a time); four leave
# room for a pairing beside it. Below THREADS: one address cannot hold every worker in a
# slow handshake.
STATION_CONNECTIONS = ConnectionLimits(per_address=4)

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class StationServerError(UserError):
    pass


class TooManyAttemptsError(StationError):
    pass


@dataclass(frozen=True)
class AuthLimits:
    """Failed pairings and wrong station secrets from one client address: ``per_address_burst``
    of them, then one more every ``1 / per_address_rate`` seconds; pairings from everyone
    share a bucket (``global_rate``, ``global_burst``), so many addresses together cannot
    guess faster either. ``log_interval``: the fewest seconds between two log lines about
    one address."""

    per_address_rate: float = 1 / 30
    per_address_burst: float = 10
    global_rate: float = 1.0
    global_burst: float = 100
    log_interval: float = 60.0


PAIRING = "a pairing with a wrong or used code"
SECRET = "a request with a wrong station secret"


class _Gate:
    """The budgets of failed attempts (see :class:`AuthLimits`). A pairing takes one attempt
    from its address and from everyone's bucket before the code is checked and gives it
    back when it pairs. A station's secret is checked first and only a wrong one costs (its
    address only: a flood from elsewhere must not stop paired stations)."""

    def __init__(self, limits: AuthLimits, clock: Callable[[], float]) -> None:
        self.pairings = GuessBudget(limits.per_address_rate, limits.per_address_burst,
                                    limits.global_rate, limits.global_burst, monotonic=clock)
        self.secrets = RateLimiter(limits.per_address_rate, limits.per_address_burst,
                                   monotonic=clock)
        self.quiet = Throttled(limits.log_interval, clock, log)

    def _refuse(self, address: str, what: str) -> TooManyAttemptsError:
        self.quiet.warning(address, "stations: %s: %s; too many failed attempts, refusing "
                           "without checking", address, what)
        return TooManyAttemptsError(_(
            "Too many failed attempts from this laptop; wait a minute, then try again with "
            "a new pairing code from the main laptop."))

    def take_pairing(self, address: str) -> None:
        if not self.pairings.take(address):
            raise self._refuse(address, PAIRING)

    def paired(self, address: str) -> None:
        self.pairings.refund(address)

    def before_secret(self, address: str) -> None:
        if not self.secrets.has(address):
            raise self._refuse(address, SECRET)

    def failed(self, address: str, what: str) -> None:
        if what == SECRET:
            self.secrets.allow(address)
        self.quiet.warning(address, "stations: %s: %s", address, what)


@dataclass(eq=False)
class _Job:
    station: Station
    items: Sequence[Item]
    applied: ops.Applied | None = None
    error: Exception | None = None
    finished: bool = False
    wake: threading.Event = field(default_factory=threading.Event)


class _Together:
    """Group commit for the items of concurrent requests. A request's thread joins the
    waiting list; the first one leads: it takes the whole list and applies it in one
    transaction (each request in a savepoint of its own, so a request that fails is undone
    alone), then hands the lead to the first request that arrived meanwhile and wakes the
    ones it answered. A failed commit fails every request of its group: none is confirmed,
    the stations send them again."""

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self._guard = threading.Lock()
        self._waiting: list[_Job] = []
        self._busy = False
        self.arrived = 0  # requests so far

    def apply(self, station: Station, items: Sequence[Item]) -> ops.Applied:
        job = _Job(station, items)
        with self._guard:
            self.arrived += 1
            self._waiting.append(job)
            leads = not self._busy
            self._busy = True
        if not leads:
            job.wake.wait()  # answered, or handed the lead
        if not job.finished:
            self._lead()
        if job.error is not None:
            raise job.error
        assert job.applied is not None
        return job.applied

    def _lead(self) -> None:
        with self._guard:
            group, self._waiting = self._waiting, []
        try:
            self._commit(group)
        finally:
            for job in group:
                job.finished = True
            with self._guard:
                following = self._waiting[0] if self._waiting else None
                self._busy = following is not None
            for job in group:
                job.wake.set()
            if following is not None:
                following.wake.set()

    def _commit(self, group: list[_Job]) -> None:
        try:
            with self.store.transaction() as conn:
                for job in group:
                    try:
                        with self.store.savepoint():
                            job.applied = ops.apply_items(self.store, job.station, job.items)
                    except Exception as exc:
                        job.applied, job.error = None, exc
                        if not conn.in_transaction:  # SQLite rolled it all back
                            raise
        except Exception as exc:
            for job in group:
                if job.error is None:
                    job.applied, job.error = None, exc


class StationApp:
    """The WSGI application. ``on_changes`` runs on a server thread after each change."""

    def __init__(self, store: EventStore, *,
                 on_changes: Callable[[Changes], None] | None = None,
                 auth: AuthLimits | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.on_changes = on_changes
        self.gate = _Gate(auth or AuthLimits(), monotonic)
        self.together = _Together(store)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse
                 ) -> Iterable[bytes]:
        try:
            status, body = self._route(environ)
        except TooManyAttemptsError as exc:
            status, body = "429 Too Many Requests", {"error": exc.message}
        except NotAllowedError as exc:
            status, body = "401 Unauthorized", {"error": exc.message}
        except UserError as exc:
            status, body = "400 Bad Request", {"error": exc.message}
        except Exception:  # never a traceback to the station; the log has it
            log.exception("stations: a request failed")
            status, body = "500 Internal Server Error", {
                "error": _("The main laptop could not do this; it will be tried again.")}
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        start_response(status, [("Content-Type", "application/json; charset=utf-8"),
                                ("Content-Length", str(len(data))),
                                ("Cache-Control", "no-store")])
        return [data]

    # -- parts ---------------------------------------------------------------------------------

    def _body(self, environ: dict[str, Any]) -> dict[str, Any]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            raise StationError(_("The request is too large."))
        raw = environ["wsgi.input"].read(length) if length else b""
        try:
            data = json.loads(raw or b"{}")
        except ValueError as exc:
            raise StationError(_("The request is not readable.")) from exc
        if not isinstance(data, dict):
            raise StationError(_("The request is not readable."))
        return data

    def _station(self, environ: dict[str, Any]) -> Station:
        header = str(environ.get("HTTP_AUTHORIZATION") or "")
        scheme, _sep, credentials = header.partition(" ")
        ident, _colon, token = credentials.partition(":")
        address = client_key(str(environ.get("REMOTE_ADDR") or ""))
        self.gate.before_secret(address)
        try:
            if scheme != "Station" or not ident.isdigit() or not token:
                raise WrongSecretError(_("This station is not paired with this event; pair "
                                         "it again with a code from the main laptop."))
            return queries.authenticate(self.store, int(ident), token)
        except WrongSecretError:  # (a revoked station's right secret costs nothing)
            self.gate.failed(address, SECRET)
            raise

    def _changed(self, changes: Changes) -> None:
        if self.on_changes is not None and changes.any:
            self.on_changes(changes)

    def _route(self, environ: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "/")
        if (method, path) == ("POST", "/pair"):
            body = self._body(environ)
            secret, token = body.get("secret"), body.get("token")
            person = body.get("person") or ""
            if not all(isinstance(v, str) for v in (secret, token, person)):
                raise StationError(_("The request is not readable."))
            address = client_key(str(environ.get("REMOTE_ADDR") or ""))
            self.gate.take_pairing(address)
            try:
                paired = ops.pair(self.store, str(secret), str(token), person=str(person))
            except UserError:
                self.gate.failed(address, PAIRING)
                raise
            self.gate.paired(address)
            self._changed(paired.changes)
            return "200 OK", {"station": paired.station.id,
                              "name": paired.station.name, "may": sorted(paired.station.may)}
        if (method, path) == ("POST", "/hello"):
            station = self._station(environ)
            person = self._body(environ).get("person") or ""
            if not isinstance(person, str):
                raise StationError(_("The request is not readable."))
            self._changed(ops.seen(self.store, station, person))
            return "200 OK", {"station": station.id, "name": station.name,
                              "may": sorted(station.may)}
        if (method, path) == ("GET", "/snapshot"):
            station = self._station(environ)
            return "200 OK", queries.snapshot(self.store, station)
        if (method, path) == ("POST", "/items"):
            station = self._station(environ)
            raw = self._body(environ).get("items")
            if not isinstance(raw, list) or len(raw) > MAX_BATCH:
                raise StationError(_("The request is not readable."))
            items = [parse_item(r) for r in raw]
            applied = self.together.apply(station, items)
            self._changed(applied.changes)
            return "200 OK", {"decisions": [d.to_json() for d in applied.decisions]}
        return "404 Not Found", {"error": _("Unknown request.")}


class _Connections:
    """Open connections per client address, for the cap (cheroot has none): the phone
    server's :class:`AddressCounts`, keyed by socket (a TLS socket takes its raw one's)."""

    def __init__(self, per_address: int, quiet: Throttled) -> None:
        self.counts = AddressCounts(per_address)
        self.quiet = quiet
        self.refused = 0
        self._lock = threading.Lock()
        self._peer_of: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()

    def admit(self, sock: Any) -> bool:
        try:
            peer = client_key(str(sock.getpeername()[0]))
        except (OSError, IndexError):
            return False  # gone already
        if not self.counts.admit(peer):
            with self._lock:
                self.refused += 1
            self.quiet.warning(f"connections {peer}", "stations: %s already holds %d "
                               "connections; refusing more", peer, self.counts.per_address)
            return False
        with self._lock:
            self._peer_of[sock] = peer
        return True

    def release(self, sock: Any) -> None:
        with self._lock:
            peer = self._peer_of.pop(sock, None)
        if peer is not None:
            self.counts.release(peer)

    def moved(self, raw: Any, wrapped: Any) -> None:
        """``raw`` is now ``wrapped`` (TLS over it): count it under the new object."""
        with self._lock:
            peer = self._peer_of.pop(raw, None)
            if peer is not None:
                self._peer_of[wrapped] = peer

    def count(self, peer: str) -> int:
        return self.counts.count(peer)


def _guarded_server_classes(connections: _Connections) -> tuple[type, type]:
    """cheroot's TLS adapter and connection, counted per address and with the handshake
    moved from the accepting thread to the worker's first read."""
    from cheroot import errors
    from cheroot.server import HTTPConnection
    from cheroot.ssl.builtin import BuiltinSSLAdapter

    class Adapter(BuiltinSSLAdapter):
        def wrap(self, sock: Any) -> tuple[Any, dict[str, str]]:
            if not connections.admit(sock):
                sock.close()
                raise errors.FatalSSLAlert("over the per-address connection cap")
            try:
                wrapped = self.context.wrap_socket(sock, server_side=True,
                                                   do_handshake_on_connect=False)
            except OSError as exc:
                connections.release(sock)
                sock.close()
                raise errors.FatalSSLAlert(*exc.args) from exc
            connections.moved(sock, wrapped)
            return wrapped, {"wsgi.url_scheme": "https", "HTTPS": "on"}

    class Connection(HTTPConnection):
        def close(self) -> None:
            try:
                super().close()
            finally:
                connections.release(self.socket)

    return Adapter, Connection


class StationServer:
    """Start, serve in a daemon thread, stop. ``on_changes`` runs on a server thread."""

    def __init__(self, store: EventStore, host: str, port: int, *,
                 on_changes: Callable[[Changes], None] | None = None,
                 connections: ConnectionLimits | None = None, threads: int = THREADS,
                 auth: AuthLimits | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.host = host
        self.port = port
        self.app = StationApp(store, on_changes=on_changes, auth=auth, monotonic=monotonic)
        self.connections = connections or STATION_CONNECTIONS
        self._open = _Connections(self.connections.per_address, self.app.gate.quiet)
        self._threads = threads
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def connections_from(self, address: str) -> int:
        """Connections open now from ``address``."""
        return self._open.count(address)

    @property
    def refused_connections(self) -> int:
        """Connections closed at once since the start: their address held enough."""
        return self._open.refused

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def pin(self) -> str:
        return ops.ensure_identity(self.store).pin

    def start(self) -> None:
        from cheroot import wsgi

        if self.running:
            return
        identity = ops.ensure_identity(self.store)
        limits = self.connections
        server = wsgi.Server(
            (self.host, self.port), self.app, numthreads=self._threads,
            max=self._threads, request_queue_size=64,
            timeout=max(1, int(limits.header_timeout)),
            accepted_queue_size=connection_budget(limits, file_limit()),
            accepted_queue_timeout=max(1, int(limits.body_timeout)),
            server_name="Facilitator")
        server.max_request_body_size = MAX_BODY
        server.max_request_header_size = 16 * 1024
        adapter, server.ConnectionClass = _guarded_server_classes(self._open)
        server.error_log = self._error_log  # type: ignore[method-assign]
        with identity_files(identity) as (cert_path, key_path):
            server.ssl_adapter = adapter(cert_path, key_path)
        try:
            server.prepare()
        except OSError as exc:
            raise StationServerError(_(
                "The stations' server could not listen on {host}:{port} ({detail}). Pick "
                "another port or address.").format(host=self.host, port=self.port,
                                                   detail=exc.strerror or exc)) from exc
        if self.port == 0:
            self.port = int(server.bind_addr[1])
        self._server = server
        self._thread = threading.Thread(target=self._serve, name="facilitator-stations",
                                        daemon=True)
        self._thread.start()

    @staticmethod
    def _error_log(msg: str = "", level: int = logging.INFO, traceback: bool = False
                   ) -> None:
        # cheroot writes every dropped connection to stderr; here they go to the log, below
        # warnings (the per-address lines above say what matters).
        log.debug("stations' server: %s", msg, exc_info=traceback)

    def _serve(self) -> None:
        try:
            self._server.serve()
        except Exception:  # the loop itself failed: log; the panel shows "stopped"
            log.exception("stations' server stopped")

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.stop()
        thread.join(5.0)
        self._server = None
        self._thread = None
