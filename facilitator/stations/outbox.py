"""The station's own durable store: its pairing, the outbox of items and the cached event data.

One SQLite file in the station's data folder (WAL, ``synchronous=FULL``): an item is
committed to disk before :meth:`Outbox.queue` returns, so once the screen says "queued" a
crash, a power cut or SIGKILL loses nothing. Each item moves queued → sent → confirmed or
refused (with the main laptop's reason). "sent" means it may have reached the main laptop:
it is sent again until a decision comes back; the main laptop decides each id once, so
resending never counts twice.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from facilitator.clock import Clock, SystemClock, to_iso
from facilitator.i18n import _
from facilitator.stations.model import APPLIED, ITEM_PERMISSION, Decision, Item, StationError

QUEUED, SENT, CONFIRMED, REFUSED = "queued", "sent", "confirmed", "refused"
FILE_NAME = "station.sqlite"

_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS config (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS items (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        data TEXT NOT NULL,
        person TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'confirmed', 'refused')),
        reason TEXT,
        result TEXT,
        queued_at TEXT NOT NULL,
        decided_at TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS items_state ON items (state, seq)",
    """CREATE TABLE IF NOT EXISTS cache (name TEXT PRIMARY KEY, data TEXT NOT NULL,
        fetched_at TEXT NOT NULL)""",
]


@dataclass(frozen=True)
class Queued:
    """An item as the station keeps it."""

    seq: int
    item: Item
    state: str
    reason: str | None
    result: dict[str, Any]


class Outbox:
    """Thread-safe; one per station data folder."""

    def __init__(self, folder: Path | str, clock: Clock | None = None) -> None:
        self.clock = clock or SystemClock()
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / FILE_NAME
        self._lock = threading.RLock()
        try:
            self._conn = sqlite3.connect(self.path, isolation_level=None,
                                         check_same_thread=False)
            self._conn.row_factory = sqlite3.Row
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = FULL")
            for statement in _SCHEMA:
                self._conn.execute(statement)
        except sqlite3.Error as exc:
            raise StationError(_("The station's data at {path} cannot be used ({detail}).")
                               .format(path=self.path, detail=exc)) from exc

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- config ------------------------------------------------------------------------------

    def get(self, key: str) -> Any:
        with self._lock:
            row = self._conn.execute("SELECT value FROM config WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row["value"])

    def put(self, **values: Any) -> None:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                for key, value in values.items():
                    self._conn.execute("INSERT OR REPLACE INTO config VALUES (?, ?)",
                                       (key, json.dumps(value)))
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    # -- items -------------------------------------------------------------------------------

    def queue(self, kind: str, data: dict[str, Any], person: str) -> str:
        """Keep an item for the main laptop (on disk when this returns); its new id."""
        if kind not in ITEM_PERMISSION:
            raise StationError(_("Unknown kind of item: {kind}.").format(kind=kind))
        item_id = uuid.uuid4().hex
        with self._lock:
            self._conn.execute(
                "INSERT INTO items (id, kind, data, person, state, queued_at) "
                "VALUES (?, ?, ?, ?, 'queued', ?)",
                (item_id, kind, json.dumps(data, ensure_ascii=False), person,
                 to_iso(self.clock.now())))
        return item_id

    def _row(self, row: sqlite3.Row) -> Queued:
        return Queued(int(row["seq"]), Item(row["id"], row["kind"], json.loads(row["data"]),
                                            row["person"]),
                      row["state"], row["reason"], json.loads(row["result"] or "{}"))

    def waiting(self, limit: int = 1000) -> list[Queued]:
        """Items not decided yet (queued or sent), oldest first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM items WHERE state IN ('queued', 'sent') ORDER BY seq LIMIT ?",
                (limit,)).fetchall()
        return [self._row(r) for r in rows]

    def items(self, state: str | None = None) -> list[Queued]:
        with self._lock:
            if state is None:
                rows = self._conn.execute("SELECT * FROM items ORDER BY seq").fetchall()
            else:
                rows = self._conn.execute("SELECT * FROM items WHERE state = ? ORDER BY seq",
                                          (state,)).fetchall()
        return [self._row(r) for r in rows]

    def get_item(self, item_id: str) -> Queued | None:
        with self._lock:
            row = self._conn.execute("SELECT * FROM items WHERE id = ?", (item_id,)).fetchone()
        return None if row is None else self._row(row)

    def mark_sent(self, ids: Sequence[str]) -> None:
        """About to go out: from now on it may be on the main laptop already. Not forced to
        disk (a "sent" lost in a power cut reads "queued", which is sent again all the same),
        which saves a disk flush per send."""
        with self._lock:
            self._conn.execute("PRAGMA synchronous = NORMAL")
            try:
                self._conn.executemany("UPDATE items SET state = 'sent' WHERE id = ? AND "
                                       "state = 'queued'", [(i,) for i in ids])
            finally:
                self._conn.execute("PRAGMA synchronous = FULL")

    def decide(self, decisions: Sequence[Decision]) -> None:
        """The main laptop's answers, all in one commit. Not forced to disk either, as in
        :meth:`mark_sent`: the main laptop keeps each decision for good, so one lost in a
        power cut leaves the item "sent", and sending it again brings the same answer back
        (a killed station loses nothing: the system has the write). That saves the second
        of a keyed item's two disk flushes here (tests/benchmarks/bench_stations.py)."""
        with self._lock:
            self._conn.execute("PRAGMA synchronous = NORMAL")
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    for d in decisions:
                        self._conn.execute(
                            "UPDATE items SET state = ?, reason = ?, result = ?, "
                            "decided_at = ? WHERE id = ? AND state IN ('queued', 'sent')",
                            (CONFIRMED if d.outcome == APPLIED else REFUSED, d.reason,
                             json.dumps(d.result), to_iso(self.clock.now()), d.item_id))
                    self._conn.execute("COMMIT")
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
            finally:
                self._conn.execute("PRAGMA synchronous = FULL")

    def counts(self) -> dict[str, int]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT state, COUNT(*) AS n FROM items GROUP BY state").fetchall()
        out = dict.fromkeys((QUEUED, SENT, CONFIRMED, REFUSED), 0)
        out.update({r["state"]: int(r["n"]) for r in rows})
        return out

    @property
    def waiting_count(self) -> int:
        counts = self.counts()
        return counts[QUEUED] + counts[SENT]

    # -- cached event data -------------------------------------------------------------------

    def cache_put(self, name: str, data: Any) -> None:
        with self._lock:
            self._conn.execute("INSERT OR REPLACE INTO cache VALUES (?, ?, ?)",
                               (name, json.dumps(data, ensure_ascii=False),
                                to_iso(self.clock.now())))

    def cache_get(self, name: str) -> Any:
        with self._lock:
            row = self._conn.execute("SELECT data FROM cache WHERE name = ?",
                                     (name,)).fetchone()
        return None if row is None else json.loads(row["data"])
