"""The station's side of the link: pair with the main laptop, send the outbox, read the
event data it needs (kept in the outbox's cache for when the network is down).

HTTPS with Python's ``http.client`` and ``ssl``; the main laptop's certificate is self-signed,
so instead of a certificate authority the station checks, right after the handshake and
before sending a byte, that the certificate is the one whose fingerprint the pairing code
named (:func:`facilitator.stations.tls.pinned`). Every request after pairing carries the
station's own secret.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import ssl
import threading
from dataclasses import dataclass
from typing import Any

from facilitator.i18n import _, ngettext
from facilitator.stations.model import (
    MAX_BATCH,
    Decision,
    NotAllowedError,
    PairingCode,
    PairingCodeError,
    StationError,
)
from facilitator.stations.outbox import Outbox
from facilitator.stations.tls import client_context, pinned

TIMEOUT = 5.0


class OfflineError(StationError):
    """The main laptop cannot be reached now; what is queued stays queued."""


class WrongCertificateError(NotAllowedError):
    """Something answered at the main laptop's address, but not the main laptop."""


@dataclass(frozen=True)
class SyncReport:
    sent: int
    confirmed: int
    refused: int
    waiting: int


class StationClient:
    """One station's link to the main laptop. Thread-safe (one request at a time)."""

    def __init__(self, outbox: Outbox, *, timeout: float = TIMEOUT) -> None:
        self.outbox = outbox
        self.timeout = timeout
        self._conn: http.client.HTTPSConnection | None = None
        self._lock = threading.Lock()
        self._opening: http.client.HTTPSConnection | None = None  # for abort()
        self.online: bool | None = None  # None until the first request

    # -- who we are --------------------------------------------------------------------------

    @property
    def paired(self) -> bool:
        return self.outbox.get("token") is not None

    @property
    def name(self) -> str:
        return str(self.outbox.get("name") or "")

    @property
    def person(self) -> str:
        return str(self.outbox.get("person") or "")

    def set_person(self, person: str) -> None:
        self.outbox.put(person=" ".join(person.split()))

    def pair(self, code_text: str, person: str = "") -> str:
        """Join with a pairing code; the station's name as the main laptop gave it."""
        import secrets

        code = PairingCode.parse(code_text)
        own = self.outbox.get("pending_token")
        if self.outbox.get("pending_code") != code.secret or not own:
            own = secrets.token_urlsafe(32)  # kept before it is sent: a retry sends the same
            self.outbox.put(pending_code=code.secret, pending_token=own)
        self.outbox.put(host=code.host, port=code.port, pin=code.pin, token=None,
                        station=None)
        answer = self._call("POST", "/pair", {"secret": code.secret, "token": own,
                                              "person": person}, auth=False)
        self.outbox.put(station=int(answer["station"]), token=own,
                        name=str(answer["name"]), may=list(answer["may"]),
                        person=" ".join(person.split()))
        return str(answer["name"])

    # -- the wire ----------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._drop()

    def abort(self) -> None:
        """From another thread: end the request in progress now (a pairing with an address
        that accepts but never answers); it fails as offline. A connection still being
        opened by the system (no answer at all) ends at the timeout."""
        conn = self._opening or self._conn
        sock = conn.sock if conn is not None else None
        if sock is not None:
            with contextlib.suppress(OSError):  # the socket's, not TLS's: wakes a wait
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connect(self) -> http.client.HTTPSConnection:
        host, port, pin = self.outbox.get("host"), self.outbox.get("port"), self.outbox.get("pin")
        if not host or not port or not pin:
            raise NotAllowedError(_("This station is not paired yet: type the pairing code "
                                    "shown on the main laptop."))
        context = client_context()
        conn = http.client.HTTPSConnection(str(host), int(port), timeout=self.timeout,
                                           context=context)
        # http.client's connect(), in two steps, so that abort() can reach the socket while
        # the handshake waits (a plain connect() hides it until the handshake is done).
        raw = socket.create_connection((str(host), int(port)), self.timeout)
        # http.client writes a request's headers and its body in two sends: with Nagle's
        # algorithm the body waited for the main laptop's delayed ACK, 40 ms an item
        # (tests/benchmarks/bench_stations.py). cheroot sets the same on its side.
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            conn.sock = context.wrap_socket(raw, server_hostname=str(host),
                                            do_handshake_on_connect=False)
        except BaseException:
            raw.close()
            raise
        self._opening = conn
        try:
            conn.sock.do_handshake()
        except BaseException:
            conn.close()
            raise
        finally:
            self._opening = None
        sock = conn.sock
        if not isinstance(sock, ssl.SSLSocket) or not pinned(sock, str(pin)):
            conn.close()
            raise WrongCertificateError(_(
                "The laptop at {host}:{port} is not the main laptop this station was paired "
                "with (its certificate differs); nothing was sent. Pair again with a code "
                "from the main laptop.").format(host=host, port=port))
        return conn

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None, *,
              auth: bool = True) -> dict[str, Any]:
        headers = {"Content-Type": "application/json"}
        if auth:
            station, token = self.outbox.get("station"), self.outbox.get("token")
            if station is None or not token:
                raise NotAllowedError(_("This station is not paired yet: type the pairing "
                                        "code shown on the main laptop."))
            headers["Authorization"] = f"Station {station}:{token}"
        payload = json.dumps(body or {}, ensure_ascii=False).encode("utf-8")
        with self._lock:
            for attempt in (1, 2):  # a kept-alive connection the server closed: once more
                fresh = self._conn is None
                try:
                    if self._conn is None:
                        self._conn = self._connect()
                    self._conn.request(method, path, body=payload if method == "POST" else None,
                                       headers=headers)
                    response = self._conn.getresponse()
                    raw = response.read()
                    status = response.status
                    break
                except WrongCertificateError:
                    self._drop()
                    self.online = False
                    raise
                except (TimeoutError, OSError, http.client.HTTPException) as exc:
                    self._drop()
                    if fresh or attempt == 2:
                        self.online = False
                        raise OfflineError(self._offline_text()) from exc
        if status >= 500:
            self.online = False
            raise OfflineError(self._offline_text())
        self.online = True
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise StationError(_("The main laptop sent an answer this station cannot read.")
                               ) from exc
        if status == 401:
            raise NotAllowedError(str(data.get("error")))
        if status != 200:
            refusal = PairingCodeError if path == "/pair" else StationError
            raise refusal(str(data.get("error") or status))
        if not isinstance(data, dict):
            raise StationError(_("The main laptop sent an answer this station cannot read."))
        return data

    def _offline_text(self) -> str:
        waiting = self.outbox.waiting_count
        return ngettext(
            "The main laptop cannot be reached; {n} item waits here and is sent when it is "
            "back.",
            "The main laptop cannot be reached; {n} items wait here and are sent when it is "
            "back.", waiting).format(n=waiting)

    # -- work --------------------------------------------------------------------------------

    def hello(self) -> dict[str, Any]:
        """Tell the main laptop who is at this station (and that it is alive)."""
        return self._call("POST", "/hello", {"person": self.person})

    def refresh(self) -> dict[str, Any]:
        """The event data this station may read, from the main laptop; kept in the cache."""
        data = self._call("GET", "/snapshot")
        self.outbox.cache_put("snapshot", data)
        return data

    def snapshot(self) -> dict[str, Any] | None:
        """The last event data read (works offline)."""
        data = self.outbox.cache_get("snapshot")
        return data if isinstance(data, dict) else None

    def queue(self, kind: str, data: dict[str, Any]) -> str:
        """Keep an item (on disk when this returns); :meth:`sync` sends it."""
        return self.outbox.queue(kind, data, self.person)

    def sync(self, batch: int = MAX_BATCH) -> SyncReport:
        """Send what waits, oldest first, until nothing does; raises OfflineError when the
        main laptop cannot be reached (what was not answered stays waiting)."""
        sent = confirmed = refused = 0
        while True:
            waiting = self.outbox.waiting(limit=batch)
            if not waiting:
                break
            self.outbox.mark_sent([q.item.id for q in waiting])
            answer = self._call("POST", "/items", {"items": [
                {"id": q.item.id, "kind": q.item.kind, "data": q.item.data,
                 "person": q.item.person} for q in waiting]})
            decisions = [Decision.from_json(d) for d in answer.get("decisions") or []]
            if [d.item_id for d in decisions] != [q.item.id for q in waiting]:
                raise StationError(_("The main laptop sent an answer this station cannot "
                                     "read."))
            self.outbox.decide(decisions)
            sent += len(waiting)
            confirmed += sum(d.outcome == "applied" for d in decisions)
            refused += sum(d.outcome == "refused" for d in decisions)
        return SyncReport(sent, confirmed, refused, self.outbox.waiting_count)
