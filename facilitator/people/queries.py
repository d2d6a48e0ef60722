"""Reading participants from the event file: the list, one person, a scan, who is here.

Reads only: nothing here writes to the event, not even on first use.
"""

from __future__ import annotations

import json
import re
from collections import Counter

from facilitator import codes
from facilitator.clock import from_iso
from facilitator.i18n import _
from facilitator.people.links import BADGE_LINK_KEY, BadgeLink, default_link
from facilitator.people.model import (
    AttendanceSummary,
    GroupCount,
    NotFoundError,
    Participant,
    search_words,
)
from facilitator.store import EventStore
from facilitator.store.db import Row
from facilitator.text import fold

_COLUMNS = (
    "id, ext_id, name, role, attributes, source, status, status_at, checked_in_at, active, "
    "badge_code, token, search_key"
)
_TOKEN_URL = re.compile(r"/v/([A-Za-z0-9_-]{16,})/?$")


def _from_row(row: Row) -> Participant:
    return Participant(
        id=row["id"],
        ext_id=row["ext_id"],
        name=row["name"],
        role=row["role"],
        attributes=json.loads(row["attributes"]),
        source=row["source"],
        status=row["status"],
        status_at=from_iso(row["status_at"]) if row["status_at"] else None,
        checked_in_at=from_iso(row["checked_in_at"]) if row["checked_in_at"] else None,
        active=bool(row["active"]),
        badge_code=row["badge_code"],
        token=row["token"],
        search_key=row["search_key"],
    )


def list_participants(store: EventStore, *, include_removed: bool = False) -> list[Participant]:
    where = "" if include_removed else "WHERE active = 1"
    rows = store.query(f"SELECT {_COLUMNS} FROM participants {where} ORDER BY id")
    return [_from_row(r) for r in rows]


def get(store: EventStore, participant_id: int) -> Participant:
    row = store.query_one(f"SELECT {_COLUMNS} FROM participants WHERE id = ?", (participant_id,))
    if row is None:
        raise NotFoundError(_("There is no participant number {id}.").format(id=participant_id))
    return _from_row(row)


def attribute_columns(store: EventStore) -> list[str]:
    """Demographic columns in the order the organiser's list had them."""
    columns: list[str] = store.meta_json("attribute_columns", [])
    return columns


def search(store: EventStore, text: str, limit: int = 50) -> list[Participant]:
    """Search-as-you-type: every word must appear in the name, ID or badge code."""
    words = search_words(text)
    return [p for p in list_participants(store) if p.matches(words)][:limit]


def find_by_scan(store: EventStore, scanned: str) -> Participant:
    """The person whose badge was scanned or typed: voting URL, token, badge code or ID."""
    text = scanned.strip()
    if not text:
        raise NotFoundError(_("Nothing was scanned."))
    match = _TOKEN_URL.search(text)
    token = match.group(1) if match else text
    row = store.query_one(f"SELECT {_COLUMNS} FROM participants WHERE token = ?", (token,))
    if row is None:
        code = codes.normalise(text)
        if codes.is_valid(code):
            row = store.query_one(
                f"SELECT {_COLUMNS} FROM participants WHERE badge_code = ?", (code,))
    if row is None:
        row = store.query_one(f"SELECT {_COLUMNS} FROM participants WHERE ext_id = ?", (text,))
    if row is None and match:  # a badge's voting link, but no one's current one
        raise NotFoundError(_("This badge's QR code is not current: the badge was reissued "
                              "or is from another event. Scan the new badge, or search by "
                              "name."))
    if row is None:
        raise NotFoundError(
            _("No one in this event has the badge or ID '{code}'.").format(code=text[:60]))
    return _from_row(row)


def badge_link(store: EventStore) -> BadgeLink:
    """Where badges point (the voting link in their QR code): the phone address the
    organiser set, else this laptop's local-network address now (``saved`` False)."""
    return BadgeLink.from_json(store.meta_json(BADGE_LINK_KEY, None)) or default_link()


def unique_badge_code(store: EventStore, taken: set[str] | None = None) -> str:
    """A new badge code that no one in the event has, nor any of ``taken`` (codes handed out
    in the same transaction; the new one is added to it). Import, walk-ins and a reissued
    phone badge (:func:`facilitator.lan.ops.reissue`) all draw their codes here."""
    taken = set() if taken is None else taken
    while True:
        code = codes.new_badge_code()
        if code in taken:
            continue
        if store.query_one("SELECT 1 FROM participants WHERE badge_code = ?", (code,)) is None:
            taken.add(code)
            return code


def attendance_summary(store: EventStore, attribute: str | None = None) -> AttendanceSummary:
    """Who is here: the one count the Participants page, the projector and the CLI show.
    Out of how many: the participants still expected or here; a no-show is counted apart
    (``no_show``), not in the total nor in a group's."""
    people = list_participants(store)
    everyone = [p for p in people if p.role == "participant"]
    members = [p for p in everyone if p.status != "no_show"]
    present = [p for p in members if p.present]
    others = Counter(p.role for p in people if p.role != "participant" and p.present)
    groups: list[GroupCount] = []
    if attribute:
        totals = Counter(p.attributes.get(attribute, "") or _("(blank)") for p in members)
        here = Counter(p.attributes.get(attribute, "") or _("(blank)") for p in present)
        groups = [
            GroupCount(value, here[value], total)
            for value, total in sorted(totals.items(), key=lambda kv: (-kv[1], fold(kv[0])))
        ]
    return AttendanceSummary(
        present=len(present),
        total=len(members),
        no_show=len(everyone) - len(members),
        others_present=dict(others),
        attribute=attribute,
        groups=groups,
    )
