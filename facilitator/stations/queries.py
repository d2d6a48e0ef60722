"""Reads about stations: the registry, a station's credentials, decided items, the TLS
identity, and the slices of the event a station may read (never writes)."""

from __future__ import annotations

import hmac
import json
from datetime import datetime
from typing import Any

from facilitator.ballots.queries import list_rounds
from facilitator.clock import from_iso
from facilitator.i18n import _
from facilitator.people.queries import list_participants
from facilitator.qa.queries import panels
from facilitator.stations.model import (
    BALLOTS,
    CHECK_IN,
    QA,
    Decision,
    NotAllowedError,
    Station,
    StationError,
    WrongSecretError,
    digest,
)
from facilitator.stations.tls import Identity
from facilitator.store import EventStore

TLS_CERT_KEY = "station_tls_certificate"
TLS_KEY_KEY = "station_tls_key"


def _when(text: str | None) -> datetime | None:
    return from_iso(text) if text else None


def _station(row: Any) -> Station:
    return Station(int(row["id"]), row["name"], frozenset(json.loads(row["may"])),
                   from_iso(row["offered_at"]), from_iso(row["offer_expires_at"]),
                   _when(row["paired_at"]), _when(row["revoked_at"]), row["person"],
                   _when(row["last_seen_at"]))


def stations(store: EventStore) -> list[Station]:
    """Every station offered, paired or revoked, in the order offered."""
    return [_station(r) for r in store.query("SELECT * FROM stations ORDER BY id")]


def get(store: EventStore, station_id: int) -> Station:
    row = store.query_one("SELECT * FROM stations WHERE id = ?", (station_id,))
    if row is None:
        raise StationError(_("There is no station {n}.").format(n=station_id))
    return _station(row)


def authenticate(store: EventStore, station_id: int, token: str) -> Station:
    """The station whose secret ``token`` is, if it is paired and not revoked; else refused
    (the same sentence whatever was wrong, so a guesser learns nothing)."""
    row = store.query_one("SELECT * FROM stations WHERE id = ?", (station_id,))
    stored = row["token_hash"] if row is not None else None
    if row is None or not stored or not hmac.compare_digest(stored, digest(token)):
        raise WrongSecretError(_("This station is not paired with this event; pair it again "
                                "with a code from the main laptop."))
    station = _station(row)
    if station.revoked:
        raise NotAllowedError(_("This station was revoked on the main laptop; ask the "
                                "facilitator to pair it again."))
    return station


def decided(store: EventStore, station_id: int, item_id: str) -> Decision | None:
    """The decision already taken on an item, if any."""
    row = store.query_one("SELECT * FROM station_items WHERE station_id = ? AND item_id = ?",
                          (station_id, item_id))
    if row is None:
        return None
    return Decision(item_id, row["outcome"], row["reason"], json.loads(row["result"] or "{}"))


def decided_counts(store: EventStore) -> dict[int, dict[str, int]]:
    """Per station: how many items were applied and refused."""
    out: dict[int, dict[str, int]] = {}
    for row in store.query("SELECT station_id, outcome, COUNT(*) AS n FROM station_items "
                           "GROUP BY station_id, outcome"):
        out.setdefault(int(row["station_id"]), {})[row["outcome"]] = int(row["n"])
    return out


def identity(store: EventStore) -> Identity | None:
    """The main laptop's certificate and key for this event (None before the first offer)."""
    cert, key = store.meta(TLS_CERT_KEY), store.meta(TLS_KEY_KEY)
    return Identity(cert, key) if cert and key else None


# -- what a station may read ------------------------------------------------------------------


def snapshot(store: EventStore, station: Station) -> dict[str, Any]:
    """The event as a station needs it: the participant list for check-in search, the open
    rounds' questions for keying, the Q&A panels; only what its tasks need."""
    data: dict[str, Any] = {"event": store.name, "station": station.name,
                            "may": sorted(station.may)}
    if CHECK_IN in station.may:
        data["participants"] = [
            {"id": p.id, "ext_id": p.ext_id, "name": p.name, "role": p.role,
             "badge_code": p.badge_code, "status": p.status, "search_key": p.search_key,
             "checked_in_at": p.checked_in_at.isoformat() if p.checked_in_at else None}
            for p in list_participants(store)]
    if BALLOTS in station.may:
        data["rounds"] = [
            {"id": r.id, "title": r.title, "status": r.status, "double_entry": r.double_entry,
             "questions": [q.to_json() for q in r.questions]}
            for r in list_rounds(store) if r.status == "open"]
    if QA in station.may:
        data["panels"] = [{"id": p.id, "title": p.title} for p in panels(store)]
    return data
