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
a TLS handshake, its connection budget (under the open-file limit) bounds the queue. There
are a handful of stations, so four worker threads suffice; nothing but ``/pair`` is done
before a station's secret is checked, and ``/pair`` takes a one-time secret of 80 bits.

The API (JSON in and out; ``Authorization: Station ID:SECRET`` on all but ``/pair``):

- ``POST /pair`` ``{"secret", "token", "person"}`` → ``{"station", "name", "may"}``: the
  pairing code's one-time secret and the station's own secret, chosen by the station (so a
  pairing whose answer was lost can be asked again and gets the same answer)
- ``POST /hello`` ``{"person"}`` → the station as the main laptop sees it
- ``GET /snapshot`` → what the station may read (:func:`.queries.snapshot`)
- ``POST /items`` ``{"items": [...]}`` → ``{"decisions": [...]}``, one per item, in order

A refused request answers 401 (not paired, revoked) or 400 (unreadable) with ``{"error"}``,
one sentence the station shows.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from facilitator.changes import Changes
from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.lan.server import ConnectionLimits, connection_budget, file_limit
from facilitator.stations import ops, queries
from facilitator.stations.model import (
    MAX_BATCH,
    NotAllowedError,
    Station,
    StationError,
    parse_item,
)
from facilitator.stations.tls import identity_files
from facilitator.store import EventStore

log = logging.getLogger(__name__)

THREADS = 4
MAX_BODY = 512 * 1024

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class StationServerError(UserError):
    pass


class StationApp:
    """The WSGI application. ``on_changes`` runs on a server thread after each change."""

    def __init__(self, store: EventStore, *,
                 on_changes: Callable[[Changes], None] | None = None) -> None:
        self.store = store
        self.on_changes = on_changes

    def __call__(self, environ: dict[str, Any], start_response: StartResponse
                 ) -> Iterable[bytes]:
        try:
            status, body = self._route(environ)
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
        if scheme != "Station" or not ident.isdigit() or not token:
            raise NotAllowedError(_("This station is not paired with this event; pair it "
                                    "again with a code from the main laptop."))
        return queries.authenticate(self.store, int(ident), token)

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
            paired = ops.pair(self.store, str(secret), str(token), person=str(person))
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
            applied = ops.apply_items(self.store, station, items)
            self._changed(applied.changes)
            return "200 OK", {"decisions": [d.to_json() for d in applied.decisions]}
        return "404 Not Found", {"error": _("Unknown request.")}


class StationServer:
    """Start, serve in a daemon thread, stop. ``on_changes`` runs on a server thread."""

    def __init__(self, store: EventStore, host: str, port: int, *,
                 on_changes: Callable[[Changes], None] | None = None,
                 connections: ConnectionLimits | None = None, threads: int = THREADS) -> None:
        self.store = store
        self.host = host
        self.port = port
        self.app = StationApp(store, on_changes=on_changes)
        self.connections = connections or ConnectionLimits()
        self._threads = threads
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def pin(self) -> str:
        return ops.ensure_identity(self.store).pin

    def start(self) -> None:
        from cheroot import wsgi
        from cheroot.ssl.builtin import BuiltinSSLAdapter

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
        with identity_files(identity) as (cert_path, key_path):
            server.ssl_adapter = BuiltinSSLAdapter(cert_path, key_path)
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
