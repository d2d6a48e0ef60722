"""The phone-voting HTTP server: waitress in its own thread, on the address the
facilitator picks.

Why waitress: pure Python with no dependencies (the Windows/macOS installers just work),
a real HTTP/1.1 implementation with request size limits and a thread pool, and on the
500-phone benchmark it met every target (see ``tests/benchmarks/bench_lan.py``; cheroot,
measured the same way, was no faster for this load). Writes go through the one
:class:`facilitator.store.EventStore`, whose lock serialises them with the GUI's.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from facilitator.changes import Changes
from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.lan.app import Limits, PhoneApp
from facilitator.store import EventStore

log = logging.getLogger(__name__)
# waitress warns at every queued request under a burst ("Task queue depth is N"): normal
# for a room voting at once, and not worth a line each on the console.
logging.getLogger("waitress.queue").setLevel(logging.ERROR)

THREADS = 4
CONNECTION_LIMIT = 1500


class ServerError(UserError):
    pass


@dataclass(frozen=True)
class Interface:
    address: str
    label: str
    """What the facilitator sees: the address and what kind it is."""


def local_addresses() -> list[Interface]:
    """The laptop's IPv4 addresses a phone could reach, LAN ones first; loopback last.

    Found without sending any packet: the host name's addresses, plus the address the
    system would use for a (never contacted) private destination (a UDP connect only picks
    the route)."""
    found: set[str] = set()
    with contextlib.suppress(OSError):
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(str(info[4][0]))
    for probe in ("10.255.255.255", "192.168.255.255"):
        with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect((probe, 9))  # UDP connect: chooses a route, sends nothing
            found.add(str(s.getsockname()[0]))
    out = []
    for text in sorted(found, key=lambda a: ipaddress.ip_address(a)):
        address = ipaddress.ip_address(text)
        if address.is_loopback or address.is_unspecified:
            continue
        kind = _("local network") if address.is_private else _("public address")
        out.append(Interface(text, f"{text} ({kind})"))
    out.append(Interface("127.0.0.1", _("127.0.0.1 (this laptop only, for testing)")))
    return out


class LanServer:
    """Start, serve in a daemon thread, stop. ``on_changes`` runs on the server thread."""

    def __init__(self, store: EventStore, host: str, port: int, *,
                 on_changes: Callable[[Changes], None] | None = None,
                 limits: Limits | None = None, threads: int = THREADS) -> None:
        self.store = store
        self.host = host
        self.port = port
        self.app = PhoneApp(store, on_changes=on_changes, limits=limits)
        self._threads = threads
        self._server: Any = None
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
        from waitress.server import create_server

        if self.running:
            return
        try:
            self._server = create_server(
                self.app, host=self.host, port=self.port, threads=self._threads,
                connection_limit=CONNECTION_LIMIT, backlog=1024, channel_timeout=60,
                cleanup_interval=10, max_request_header_size=16 * 1024,
                max_request_body_size=64 * 1024, asyncore_use_poll=True,
                clear_untrusted_proxy_headers=True, ident="Facilitator",
                expose_tracebacks=False, outbuf_overflow=1 << 20)
        except OSError as exc:
            raise ServerError(_("The phone server could not listen on {host}:{port} "
                                "({detail}). Pick another port or address.").format(
                host=self.host, port=self.port, detail=exc.strerror or exc)) from exc
        if self.port == 0:
            self.port = int(self._server.effective_port)
        self._thread = threading.Thread(target=self._serve, name="facilitator-lan",
                                        daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        try:
            self._server.run()
        except Exception:  # the loop itself failed: log; the panel shows "stopped"
            log.exception("phone server stopped")

    def stop(self, timeout: float = 5.0) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        from waitress import wasyncore

        # Close every socket from inside the loop's own thread; the loop then ends.
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        thread.join(timeout)
        server.task_dispatcher.shutdown(timeout=timeout)
        self._server = None
        self._thread = None

    def tokens_changed(self) -> None:
        """Someone's badge was reissued or added: re-read tokens at the next request."""
        self.app.tokens.invalidate()
