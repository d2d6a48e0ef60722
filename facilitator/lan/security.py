"""Tokens looked up without timing leaks, per-client rate limits, form (CSRF) keys.

A token from a URL is never compared with ``=`` in SQL (a B-tree search ends sooner on a
closer guess). It is hashed; the hash finds a candidate in memory; the candidate's stored
token, read again by id, is compared with :func:`hmac.compare_digest`. A hash that matches
nothing costs the same whatever was sent.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from facilitator.store import EventStore

TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
REFRESH_SECONDS = 2.0


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("ascii", "replace")).digest()


class TokenIndex:
    """Token → participant id, for the server thread. Re-reads the participant list at most
    every ``REFRESH_SECONDS`` when a token is not found (a new walk-in, a reissued badge)."""

    def __init__(self, store: EventStore, monotonic: Callable[[], float] = time.monotonic
                 ) -> None:
        self._store = store
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._by_digest: dict[bytes, int] = {}
        self._loaded_at = float("-inf")

    def _reload(self) -> None:
        rows = self._store.query("SELECT id, token FROM participants")
        self._by_digest = {_digest(str(r["token"])): int(r["id"]) for r in rows}
        self._loaded_at = self._monotonic()

    def invalidate(self) -> None:
        with self._lock:
            self._loaded_at = float("-inf")

    def lookup(self, token: str) -> int | None:
        """The participant whose current token this is, or None."""
        if not TOKEN_SHAPE.match(token):
            return None
        digest = _digest(token)
        with self._lock:
            pid = self._by_digest.get(digest)
            if pid is None and self._monotonic() - self._loaded_at >= REFRESH_SECONDS:
                self._reload()
                pid = self._by_digest.get(digest)
        if pid is None:
            return None
        row = self._store.query_one("SELECT token FROM participants WHERE id = ?", (pid,))
        if row is None or not hmac.compare_digest(str(row["token"]).encode(), token.encode()):
            return None  # reissued since the index was read
        return pid


def client_key(address: str) -> str:
    """Who a limit is charged to: the IPv4 address, or the /64 network of an IPv6 one (one
    device may take any number of addresses in its /64)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class RateLimiter:
    """A token bucket per client key (the phone's address): ``rate`` per second on average,
    bursts of ``burst``. Remembers at most ``max_clients`` keys (least recently seen go)."""

    def __init__(self, rate: float, burst: float, *, max_clients: int = 10_000,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self._max = max_clients
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def allow(self, key: str, cost: float = 1.0) -> bool:
        now = self._monotonic()
        with self._lock:
            level, then = self._buckets.pop(key, (self.burst, now))
            level = min(self.burst, level + (now - then) * self.rate)
            allowed = level >= cost
            if allowed:
                level -= cost
            self._buckets[key] = (level, now)
            while len(self._buckets) > self._max:
                self._buckets.popitem(last=False)
            return allowed


class FormKeys:
    """A per-token form key (HMAC of the token under a secret drawn at server start), put in
    every form and checked on every POST, on top of the Origin check."""

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    def key(self, token: str) -> str:
        return hmac.new(self._secret, token.encode(), hashlib.sha256).hexdigest()[:32]

    def check(self, token: str, sent: str) -> bool:
        return hmac.compare_digest(self.key(token).encode(), sent.encode("ascii", "replace"))
