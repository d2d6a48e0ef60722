"""Every change about stations: offer, pair, revoke, note who is at one, and apply the items
a station sends, each exactly once.

Applying an item is one transaction: the op of the subsystem that owns the item
(:func:`facilitator.people.ops.check_in`, :func:`~facilitator.people.ops.add_walk_in`,
:func:`facilitator.ballots.ops.enter`, :func:`facilitator.qa.ops.add_question`, with the
station and the person at it as the actor, so their own audit entries name both) and the
row in ``station_items`` that says the item was applied. An item already decided gets the
same decision again, so a station that resends (its answer was lost, it was killed and
restarted, the main laptop was restarted) never counts anything twice. A refused item is
recorded as refused with its reason, in a transaction of its own (the op's was rolled back).
"""

from __future__ import annotations

import contextlib
import hmac
import json
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from facilitator.ballots.errors import BallotError
from facilitator.ballots.marks import Answer
from facilitator.ballots.model import FIRST, SECOND
from facilitator.ballots.ops import enter, record_rejected
from facilitator.changes import NO_CHANGES, Changes
from facilitator.clock import to_iso
from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.people.ops import add_walk_in, check_in
from facilitator.people.queries import find_by_scan
from facilitator.qa.ops import add_question
from facilitator.stations import queries
from facilitator.stations.model import (
    APPLIED,
    ITEM_BALLOT,
    ITEM_CHECK_IN,
    ITEM_PERMISSION,
    ITEM_QUESTION,
    ITEM_WALK_IN,
    OFFER_MINUTES,
    PERMISSION_NAMES,
    REFUSED,
    Applied,
    Decision,
    Item,
    NotAllowedError,
    Offer,
    Paired,
    PairingCodeError,
    Station,
    StationError,
    actor_for,
    check_may,
    check_name,
    check_person,
    digest,
    new_secret,
    normal_secret,
)
from facilitator.stations.tls import Identity, make_identity
from facilitator.store import EventStore

REGISTRY = Changes(event=True)


def ensure_identity(store: EventStore) -> Identity:
    """The event's TLS identity, made by the first op that needs it (inside its
    transaction, or its own)."""
    with store.transaction():
        found = queries.identity(store)
        if found is not None:
            return found
        made = make_identity(store.name, store.clock.now())
        store.set_meta(queries.TLS_CERT_KEY, made.certificate_pem)
        store.set_meta(queries.TLS_KEY_KEY, made.key_pem)
        store.audit("station_tls_identity", "event", None, None, {"pin": made.pin},
                    actor="app")
        return made


def offer(store: EventStore, name: str, may: Sequence[str], *, actor: str,
          minutes: int = OFFER_MINUTES) -> Offer:
    """A new station: ``name``, what it may do; returns the one-time pairing secret (shown
    once, in a pairing code, valid ``minutes`` and for one station only)."""
    name, allowed = check_name(name), check_may(tuple(may))
    secret = new_secret()
    with store.transaction():
        ensure_identity(store)
        now = store.clock.now()
        cursor = store.execute(
            "INSERT INTO stations (name, may, pairing_hash, offer_expires_at, offered_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (name, json.dumps(sorted(allowed)), digest(secret),
             to_iso(now + timedelta(minutes=minutes)), to_iso(now)))
        station_id = int(cursor.lastrowid or 0)
        store.audit("station_offer", "station", station_id, None,
                    {"name": name, "may": sorted(allowed), "minutes": minutes}, actor=actor)
        station = queries.get(store, station_id)
    return Offer(station, secret, REGISTRY)


def pair(store: EventStore, secret: str, token: str, *, person: str = "") -> Paired:
    """A station presents the secret of its pairing code and the secret it chose for itself
    (sent over TLS; kept hashed). The pairing secret works for one station only, and only
    before it expires; the same station presenting it again with the same own secret (its
    answer was lost) is paired again, as it was."""
    if len(token) < 32:
        raise PairingCodeError(_("The station's own secret is too short."))
    wanted = digest(normal_secret(secret))
    with store.transaction():
        row = store.query_one("SELECT id, token_hash FROM stations WHERE pairing_hash = ?",
                              (wanted,))
        if row is None:
            raise PairingCodeError(_("That pairing code is not valid (or was used already); "
                                     "make a new one on the main laptop."))
        station = queries.get(store, int(row["id"]))
        if station.paired:
            if row["token_hash"] and hmac.compare_digest(row["token_hash"], digest(token)):
                return Paired(station, NO_CHANGES)
            raise PairingCodeError(_("That pairing code is not valid (or was used already); "
                                     "make a new one on the main laptop."))
        now = store.clock.now()
        if station.revoked or now >= station.offer_expires_at:
            raise PairingCodeError(_("That pairing code has expired; make a new one on the "
                                     "main laptop."))
        store.execute(
            "UPDATE stations SET token_hash = ?, paired_at = ?, person = ?, last_seen_at = ? "
            "WHERE id = ?",
            (digest(token), to_iso(now), check_person(person) or None, to_iso(now),
             station.id))
        store.audit("station_pair", "station", station.id, None,
                    {"name": station.name, "person": check_person(person)},
                    actor=actor_for(station, person))
        station = queries.get(store, station.id)
    return Paired(station, REGISTRY)


def revoke(store: EventStore, station_id: int, *, actor: str) -> Changes:
    """Stop a station (or an unused offer): its requests are refused from now on."""
    with store.transaction():
        station = queries.get(store, station_id)
        if station.revoked:
            raise StationError(_("{name} is revoked already.").format(name=station.name))
        store.execute("UPDATE stations SET revoked_at = ?, pairing_hash = NULL WHERE id = ?",
                      (to_iso(store.clock.now()), station_id))
        store.audit("station_revoke", "station", station_id, None, {"name": station.name},
                    actor=actor)
    return REGISTRY


def seen(store: EventStore, station: Station, person: str) -> Changes:
    """A station called in: note when, and who is at it (an audit entry when that changes)."""
    person = check_person(person)
    with store.transaction():
        now = to_iso(store.clock.now())
        store.execute("UPDATE stations SET last_seen_at = ?, person = ? WHERE id = ?",
                      (now, person or None, station.id))
        if (station.person or "") != person:
            store.audit("station_person", "station", station.id, {"person": station.person},
                        {"person": person}, actor=actor_for(station, person))
            return REGISTRY
    return NO_CHANGES


# -- items --------------------------------------------------------------------------------------


def _int(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise StationError(_("An item from the station is not readable."))
    return value


def _text(data: dict[str, Any], key: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise StationError(_("An item from the station is not readable."))
    return value


def _run(store: EventStore, item: Item, actor: str) -> tuple[dict[str, Any], Changes]:
    """The item's own op (inside the caller's transaction)."""
    data = item.data
    if item.kind == ITEM_CHECK_IN:
        if "scan" in data:  # a badge scanned at the station: its link, code or ID
            pid = find_by_scan(store, _text(data, "scan")).id
        else:
            pid = _int(data, "participant")
        done = check_in(store, pid, via="station", actor=actor)
        return {"participant": pid, "name": done.participant.name}, done.changes
    if item.kind == ITEM_WALK_IN:
        attributes = data.get("attributes") or {}
        if not isinstance(attributes, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in attributes.items()):
            raise StationError(_("An item from the station is not readable."))
        added = add_walk_in(store, _text(data, "name"), attributes, actor=actor)
        return ({"participant": added.participant.id, "ext_id": added.participant.ext_id,
                 "badge_code": added.participant.badge_code}, added.changes)
    if item.kind == ITEM_BALLOT:
        raw = data.get("answers") or []
        pass_ = data.get("pass", FIRST)
        if not isinstance(raw, list) or pass_ not in (FIRST, SECOND):
            raise StationError(_("An item from the station is not readable."))
        entered = enter(store, _int(data, "round"), _text(data, "code"),
                        [Answer.from_json(a) for a in raw], actor=actor, pass_=pass_,
                        spoiled=bool(data.get("spoiled", False)), via="station")
        return {"entry": entered.entry.id, "matches": entered.matches_first}, entered.changes
    if item.kind == ITEM_QUESTION:
        source = _text(data, "source", "card")
        added_q = add_question(store, _int(data, "panel"), _text(data, "table"),
                               _text(data, "text"), anonymous=bool(data.get("anonymous")),
                               source=source if source in ("typed", "card") else "card",
                               actor=actor)
        return {"question": added_q.question_id}, added_q.changes
    raise StationError(_("Unknown kind of item: {kind}.").format(kind=item.kind))


def _record(store: EventStore, station: Station, item: Item, decision: Decision) -> None:
    store.execute(
        "INSERT INTO station_items (station_id, item_id, kind, person, outcome, reason, result,"
        " decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (station.id, item.id, item.kind, item.person or None, decision.outcome,
         decision.reason, json.dumps(decision.result), to_iso(store.clock.now())))
    store.audit("station_item", "station", station.id, None,
                {"item": item.id, "kind": item.kind, "outcome": decision.outcome,
                 "reason": decision.reason, **decision.result},
                actor=actor_for(station, item.person))


def _current(store: EventStore, station: Station) -> Station:
    now = queries.get(store, station.id)
    if now.revoked:
        raise NotAllowedError(_("This station was revoked on the main laptop; ask the "
                                "facilitator to pair it again."))
    return now


def apply_item(store: EventStore, station: Station, item: Item) -> tuple[Decision, Changes]:
    """Decide one item exactly once (see the module's docstring)."""
    actor = actor_for(station, item.person)
    try:
        with store.savepoint():  # (undone alone when it runs inside a bigger transaction)
            station = _current(store, station)
            known = queries.decided(store, station.id, item.id)
            if known is not None:
                return known, NO_CHANGES
            needed = ITEM_PERMISSION[item.kind]
            if needed not in station.may:
                raise StationError(_("{name} may not do {task}; the facilitator can allow it "
                                     "on the main laptop.").format(
                    name=station.name, task=_(PERMISSION_NAMES[needed])))
            result, changes = _run(store, item, actor)
            decision = Decision(item.id, APPLIED, None, result)
            _record(store, station, item, decision)
            return decision, changes
    except NotAllowedError:
        raise
    except UserError as exc:
        refusal = exc
    with store.transaction():
        station = _current(store, station)
        known = queries.decided(store, station.id, item.id)
        if known is not None:
            return known, NO_CHANGES
        decision = Decision(item.id, REFUSED, refusal.message)
        _record(store, station, item, decision)
        changes = NO_CHANGES
        if item.kind == ITEM_BALLOT and isinstance(refusal, BallotError):
            round_id, code = item.data.get("round"), item.data.get("code")
            if isinstance(round_id, int) and isinstance(code, str):
                # the refused scan counts on the result sheet, as at the main desk
                with contextlib.suppress(UserError):
                    changes = record_rejected(store, round_id, code, refusal, actor=actor)
    return decision, changes


def apply_items(store: EventStore, station: Station, items: Sequence[Item]) -> Applied:
    """Decide a batch, in order, each item in its own transaction."""
    decisions = []
    changes = NO_CHANGES
    for item in items:
        decision, changed = apply_item(store, station, item)
        decisions.append(decision)
        changes = changes | changed
    return Applied(tuple(decisions), changes)
