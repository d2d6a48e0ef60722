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

from facilitator import codes
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
    """Who a limit is charged to: the client's address, written one way (an IPv4 address
    seen through IPv6 as itself). Not an IPv6 /64: every phone on a venue's network shares
    one; the shared limits bound what many addresses can do."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
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
        return self.change(key, -cost)

    def has(self, key: str, cost: float = 1.0) -> bool:
        """Whether ``allow(key, cost)`` would allow now (takes nothing)."""
        now = self._monotonic()
        with self._lock:
            level, then = self._buckets.get(key, (self.burst, now))
            return min(self.burst, level + (now - then) * self.rate) >= cost

    def refund(self, key: str, cost: float = 1.0) -> None:
        """Give back what :meth:`allow` took (never above the burst)."""
        self.change(key, cost)

    def change(self, key: str, amount: float) -> bool:
        """Add ``amount`` (negative: take) if the bucket would not go below zero."""
        now = self._monotonic()
        with self._lock:
            level, then = self._buckets.pop(key, (self.burst, now))
            level = min(self.burst, level + (now - then) * self.rate)
            allowed = level + amount >= 0
            if allowed:
                level = min(self.burst, level + amount)
            self._buckets[key] = (level, now)
            while len(self._buckets) > self._max:
                self._buckets.popitem(last=False)
            return allowed


ASSUMED_MAX_BADGES = 10_000  # far above any assembly (30 to 1,000 members)
DAY_SECONDS = 86_400


def most_guesses(seconds: float, rate: float, burst: float) -> float:
    """The most a token bucket of ``rate`` a second and ``burst`` lets through in ``seconds``
    (from full)."""
    return burst + rate * seconds


def hit_chance(guesses: float, badges: int = ASSUMED_MAX_BADGES,
               body_length: int = codes.BADGE_BODY_LENGTH) -> float:
    """An upper bound on the chance that ``guesses`` look-ups of random well-formed badge
    codes hit any of ``badges`` badges (the union bound: each hits at most ``badges`` of the
    32**body_length codes)."""
    return min(1.0, guesses * badges / len(codes.ALPHABET) ** body_length)


class GuessBudget:
    """Looking up a badge code typed on the join page costs one guess, taken *before* the
    look-up from the client's address (``per_address_rate`` a second, bursts of
    ``per_address_burst``) and from everyone's shared bucket (``global_rate``,
    ``global_burst``); an empty bucket refuses without looking up. A code that belongs to a
    badge gives its guess back; a miss keeps it. A wrong token URL takes one afterwards.

    What it cannot be: a way to lock honest people out. A typo costs nothing (the check
    character catches every single-character typo and neighbour swap before any look-up;
    so do an old 7-character code and a code of the wrong length). The per-address rate and
    burst are far below the shared ones, so one address cannot empty the shared bucket:
    that takes ``global_rate / per_address_rate`` addresses (50 with the defaults) at once.

    Why the chance of hitting anyone's badge in a day stays below one in a million, from
    any number of addresses (``tests/unit/lan/test_server_join.py`` computes it from the
    constants):

    * Every look-up takes from the shared bucket, so in T seconds there are at most
      ``B + R·T`` look-ups, whoever sends them. With the defaults (``Limits``: R = 10 a
      second, B = 300), a day allows 300 + 10 × 86,400 = 864,300.
    * A badge code has 11 random characters (the check character is no secret: a guesser
      computes it), 32**11 = 3.6 × 10^16 codes. One look-up hits one of N badges with
      probability at most N / 32**11. For N = ``ASSUMED_MAX_BADGES`` = 10,000:
      864,300 × 10,000 / 3.6 × 10^16 = 2.4 × 10^-7 < 10^-6.
    * Old 7-character codes (6 random characters, 32**6 = 1.07 × 10^9) are refused by the
      join page, not looked up: with 100 of them, 11 look-ups a day already pass 10^-6, so
      a budget small enough would be spent by one attacker in seconds and lock every old
      badge out for the day. They still work at the check-in desk (a person, not the
      network); a reissued badge has a long code.
    """

    def __init__(self, per_address_rate: float, per_address_burst: float,
                 global_rate: float, global_burst: float, *,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._per_address = RateLimiter(per_address_rate, per_address_burst,
                                        monotonic=monotonic)
        self._everyone = RateLimiter(global_rate, global_burst, max_clients=1,
                                     monotonic=monotonic)

    def take(self, client: str) -> bool:
        """One guess for ``client`` if both its bucket and the shared one have one (then
        from both); else False and nothing is taken."""
        with self._lock:
            if not (self._per_address.has(client) and self._everyone.has("all")):
                return False
            self._per_address.allow(client)
            self._everyone.allow("all")
            return True

    def refund(self, client: str) -> None:
        """The code belonged to a badge: not a miss."""
        with self._lock:
            self._per_address.refund(client)
            self._everyone.refund("all")


class FormKeys:
    """A per-token form key (HMAC of the token under a secret drawn at server start), put in
    every form and checked on every POST, on top of the Origin check."""

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    def key(self, token: str) -> str:
        return hmac.new(self._secret, token.encode(), hashlib.sha256).hexdigest()[:32]

    def check(self, token: str, sent: str) -> bool:
        return hmac.compare_digest(self.key(token).encode(), sent.encode("ascii", "replace"))
