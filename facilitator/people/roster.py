"""Participants in the event file: import/merge, check-in, no-shows, walk-ins.

Every command runs in one transaction, writes its audit entries in that same transaction,
and returns what changed (HOUSE_STYLE 3). A refused command raises a :class:`UserError`
and changes nothing.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from facilitator import codes
from facilitator.changes import Changes
from facilitator.clock import from_iso, to_iso
from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.people.importer import ROLES, ParsedList
from facilitator.store import EventStore
from facilitator.text import fold

STATUSES = ("expected", "checked_in", "no_show")
_COLUMNS = (
    "id, ext_id, name, role, attributes, source, status, status_at, checked_in_at, active, "
    "badge_code, token, search_key"
)
_TOKEN_URL = re.compile(r"/v/([A-Za-z0-9_-]{16,})/?$")


@dataclass(frozen=True)
class Participant:
    id: int
    ext_id: str
    name: str
    role: str
    attributes: dict[str, str]
    source: str
    status: str
    status_at: datetime | None
    checked_in_at: datetime | None
    active: bool
    badge_code: str
    token: str
    search_key: str

    @property
    def present(self) -> bool:
        return self.status == "checked_in"

    @property
    def walk_in(self) -> bool:
        return self.source == "walk_in"


@dataclass(frozen=True)
class CommandResult:
    changes: Changes
    participant: Participant


@dataclass(frozen=True)
class FieldChange:
    ext_id: str
    name: str
    fields: dict[str, tuple[Any, Any]]


@dataclass(frozen=True)
class ImportReport:
    """What a (re-)import did, for the user to read."""

    file_name: str
    added: list[str] = field(default_factory=list)
    changed: list[FieldChange] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed_present: list[str] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)

    def summary(self) -> str:
        text = _("{file}: {added} added, {changed} changed, {removed} removed, "
                 "{unchanged} unchanged.").format(
            file=self.file_name, added=len(self.added) + len(self.restored),
            changed=len(self.changed), removed=len(self.removed), unchanged=self.unchanged)
        if self.removed_present:
            text += " " + _("Already checked in but no longer on the list: {names}.").format(
                names=", ".join(self.removed_present))
        return text


@dataclass(frozen=True)
class GroupCount:
    value: str
    present: int
    total: int


@dataclass(frozen=True)
class AttendanceSummary:
    """Who is here, among participants (facilitators, experts and staff counted apart)."""

    present: int
    total: int
    no_show: int
    others_present: dict[str, int]
    attribute: str | None
    groups: list[GroupCount]

    def text(self) -> str:
        line = _("present: {present} of {total}").format(present=self.present, total=self.total)
        if self.groups:
            line += "; " + ", ".join(f"{g.value} {g.present}" for g in self.groups)
        return line


class NotFoundError(UserError):
    pass


class AttendanceError(UserError):
    pass


def _from_row(row: Any) -> Participant:
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


def _search_key(ext_id: str, name: str, badge_code: str) -> str:
    return f"{fold(name)} {fold(ext_id)} {badge_code.lower()}"


# -- reading -------------------------------------------------------------------------------


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
    words = fold(text).split()
    people = list_participants(store)
    matches = [p for p in people if all(w in p.search_key for w in words)]
    return matches[:limit]


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
    if row is None:
        raise NotFoundError(
            _("No one in this event has the badge or ID '{code}'.").format(code=text[:60]))
    return _from_row(row)


def attendance_summary(store: EventStore, attribute: str | None = None) -> AttendanceSummary:
    people = list_participants(store)
    members = [p for p in people if p.role == "participant"]
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
        no_show=sum(1 for p in members if p.status == "no_show"),
        others_present=dict(others),
        attribute=attribute,
        groups=groups,
    )


# -- attendance commands ----------------------------------------------------------------------


def _set_status(
    store: EventStore, participant_id: int, new_status: str, action: str,
    allowed_from: tuple[str, ...], via: str | None, operator: str | None,
) -> CommandResult:
    with store.transaction():
        person = get(store, participant_id)
        if not person.active:
            raise AttendanceError(
                _("{name} was removed from the participant list; add them again as a walk-in "
                  "if they are here.").format(name=person.name))
        if person.status not in allowed_from:
            raise AttendanceError(_status_refusal(person, new_status))
        now = to_iso(store.clock.now())
        checked_in_at = now if new_status == "checked_in" else None
        store.execute(
            "UPDATE participants SET status = ?, status_at = ?, checked_in_at = ? WHERE id = ?",
            (new_status, now, checked_in_at, participant_id),
        )
        store.audit(
            action, "participant", participant_id,
            {"status": person.status, "checked_in_at": to_iso(person.checked_in_at)
             if person.checked_in_at else None},
            {"status": new_status, "checked_in_at": checked_in_at, "via": via},
            actor=operator,
        )
        updated = get(store, participant_id)
    return CommandResult(Changes(attendance=True, participant_ids=frozenset({participant_id})),
                         updated)


def _status_refusal(person: Participant, wanted: str) -> str:
    when = person.status_at.astimezone().strftime("%H:%M") if person.status_at else "?"
    if person.status == "checked_in" and wanted == "checked_in":
        return _("{name} is already checked in (since {time}).").format(
            name=person.name, time=when)
    if person.status == "checked_in":
        return _("{name} is checked in (since {time}); undo the check-in first.").format(
            name=person.name, time=when)
    if person.status == "no_show":
        if wanted == "checked_in":
            return _("{name} is marked as a no-show (at {time}); clear that first if they "
                     "have arrived after all.").format(name=person.name, time=when)
        return _("{name} is already marked as a no-show.").format(name=person.name)
    return _("{name} is not checked in.").format(name=person.name)


def check_in(
    store: EventStore, participant_id: int, *, via: str = "search", operator: str | None = None,
) -> CommandResult:
    """Mark someone as present now. Refused if they are already checked in."""
    return _set_status(store, participant_id, "checked_in", "check_in", ("expected",), via,
                       operator)


def undo_check_in(
    store: EventStore, participant_id: int, *, operator: str | None = None,
) -> CommandResult:
    return _set_status(store, participant_id, "expected", "undo_check_in", ("checked_in",), None,
                       operator)


def mark_no_show(
    store: EventStore, participant_id: int, *, operator: str | None = None,
) -> CommandResult:
    return _set_status(store, participant_id, "no_show", "no_show", ("expected",), None, operator)


def clear_no_show(
    store: EventStore, participant_id: int, *, operator: str | None = None,
) -> CommandResult:
    return _set_status(store, participant_id, "expected", "clear_no_show", ("no_show",), None,
                       operator)


def add_walk_in(
    store: EventStore,
    name: str,
    attributes: dict[str, str] | None = None,
    *,
    role: str = "participant",
    check_in_now: bool = True,
    operator: str | None = None,
) -> CommandResult:
    """Someone who is not on the list but is here: add them (and check them in)."""
    name = " ".join(name.split())
    if not name:
        raise UserError(_("A walk-in needs a name."))
    if role not in ROLES:
        raise UserError(_("'{role}' is not a role Facilitator knows.").format(role=role))
    attributes = {k: v.strip() for k, v in (attributes or {}).items()}
    with store.transaction():
        number = int(store.meta("walk_in_counter", "0") or 0)
        while True:  # a list from another event may already use walk-in-N IDs
            number += 1
            ext_id = f"walk-in-{number}"
            if store.query_one("SELECT 1 FROM participants WHERE ext_id = ?", (ext_id,)) is None:
                break
        store.set_meta("walk_in_counter", str(number))
        badge = _unique_badge_code(store, set())
        now = to_iso(store.clock.now())
        cursor = store.execute(
            "INSERT INTO participants (ext_id, name, role, attributes, source, status, status_at,"
            " checked_in_at, badge_code, token, search_key, created_at)"
            " VALUES (?, ?, ?, ?, 'walk_in', ?, ?, ?, ?, ?, ?, ?)",
            (ext_id, name, role, json.dumps(attributes, ensure_ascii=False),
             "checked_in" if check_in_now else "expected", now if check_in_now else None,
             now if check_in_now else None, badge, codes.new_token(),
             _search_key(ext_id, name, badge), now),
        )
        pid = int(cursor.lastrowid or 0)
        store.audit("add_walk_in", "participant", pid, None,
                    {"ext_id": ext_id, "name": name, "role": role, "attributes": attributes,
                     "checked_in": check_in_now}, actor=operator)
        person = get(store, pid)
    return CommandResult(
        Changes(participants=True, attendance=check_in_now, participant_ids=frozenset({pid})),
        person)


def _unique_badge_code(store: EventStore, taken: set[str]) -> str:
    while True:
        code = codes.new_badge_code()
        if code in taken:
            continue
        if store.query_one("SELECT 1 FROM participants WHERE badge_code = ?", (code,)) is None:
            taken.add(code)
            return code


# -- import and merge --------------------------------------------------------------------------


def import_people(store: EventStore, parsed: ParsedList, *, operator: str | None = None
                  ) -> ImportReport:
    """Merge a checked list by ID: add the new, update the changed, retire the missing.

    People are never deleted: someone missing from a new list is marked removed (with their
    check-in kept), and comes back if a later list has them again.
    """
    with store.transaction():
        existing = {
            row["ext_id"]: row
            for row in store.query(
                "SELECT id, ext_id, name, role, attributes, source, active, status, badge_code "
                "FROM participants")
        }
        walk_in_clash = [p for p in parsed.people
                         if p.ext_id in existing and existing[p.ext_id]["source"] == "walk_in"]
        if walk_in_clash:
            person = walk_in_clash[0]
            raise UserError(
                _("{file}, line {line}: the ID '{id}' is already used by a walk-in; give this "
                  "person another ID.").format(file=parsed.file_name, line=person.line,
                                               id=person.ext_id))
        taken_codes = {r["badge_code"] for r in store.query("SELECT badge_code FROM participants")}
        now = to_iso(store.clock.now())
        added: list[str] = []
        restored: list[str] = []
        changed: list[FieldChange] = []
        unchanged = 0
        inserts: list[tuple[Any, ...]] = []
        audits: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        seen: set[str] = set()
        for person in parsed.people:
            seen.add(person.ext_id)
            attrs_json = json.dumps(person.attributes, ensure_ascii=False)
            old = existing.get(person.ext_id)
            if old is None:
                badge = _unique_badge_code(store, taken_codes)
                inserts.append((person.ext_id, person.name, person.role, attrs_json, badge,
                                codes.new_token(),
                                _search_key(person.ext_id, person.name, badge), now))
                added.append(person.name)
                continue
            old_attrs = json.loads(old["attributes"])
            diff: dict[str, tuple[Any, Any]] = {}
            if old["name"] != person.name:
                diff["name"] = (old["name"], person.name)
            if old["role"] != person.role:
                diff["role"] = (old["role"], person.role)
            for key in sorted(set(old_attrs) | set(person.attributes)):
                if old_attrs.get(key) != person.attributes.get(key):
                    diff[key] = (old_attrs.get(key), person.attributes.get(key))
            if not old["active"]:
                restored.append(person.name)
            elif diff:
                changed.append(FieldChange(person.ext_id, person.name, diff))
            else:
                unchanged += 1
                continue
            updates.append((person.name, person.role, attrs_json,
                            _search_key(person.ext_id, person.name, old["badge_code"]),
                            old["id"]))
            audits.append((now, "import_restore" if not old["active"] else "import_change",
                           "participant", old["id"],
                           json.dumps({k: v[0] for k, v in diff.items()} | {"active": bool(
                               old["active"])}, ensure_ascii=False, sort_keys=True),
                           json.dumps({k: v[1] for k, v in diff.items()} | {"active": True},
                                      ensure_ascii=False, sort_keys=True)))
        removed: list[str] = []
        removed_present: list[str] = []
        retire: list[tuple[Any, ...]] = []
        for ext_id, row in existing.items():
            if ext_id in seen or row["source"] != "import" or not row["active"]:
                continue
            removed.append(row["name"])
            if row["status"] == "checked_in":
                removed_present.append(row["name"])
            retire.append((row["id"],))
            audits.append((now, "import_remove", "participant", row["id"],
                           json.dumps({"active": True}), json.dumps({"active": False})))
        store.executemany(
            "INSERT INTO participants (ext_id, name, role, attributes, source, badge_code, "
            "token, search_key, created_at) VALUES (?, ?, ?, ?, 'import', ?, ?, ?, ?)", inserts)
        if inserts:
            new_ids = {
                row["ext_id"]: row["id"]
                for row in store.execute(
                    "SELECT id, ext_id FROM participants WHERE created_at = ? AND source = "
                    "'import'", (now,))
            }
            audits.extend(
                (now, "import_add", "participant", str(new_ids[ext_id]), None,
                 json.dumps({"ext_id": ext_id, "name": name, "role": role,
                             "attributes": json.loads(attrs)}, ensure_ascii=False,
                            sort_keys=True))
                for ext_id, name, role, attrs, *_rest in inserts)
        store.executemany(
            "UPDATE participants SET name = ?, role = ?, attributes = ?, search_key = ?, "
            "active = 1 WHERE id = ?", updates)
        store.executemany("UPDATE participants SET active = 0 WHERE id = ?", retire)
        store.executemany(
            "INSERT INTO audit_log (at, action, object_type, object_id, old, new) "
            "VALUES (?, ?, ?, ?, ?, ?)", audits)
        store.execute(
            "INSERT INTO imports (at, file_name, sha256, id_column, name_columns, added, "
            "changed, removed, unchanged) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (now, parsed.file_name, parsed.sha256, parsed.id_column,
             json.dumps(parsed.name_columns), len(added) + len(restored), len(changed),
             len(removed), unchanged))
        store.audit("import", "participant_list", parsed.file_name, None,
                    {"sha256": parsed.sha256, "added": len(added) + len(restored),
                     "changed": len(changed), "removed": len(removed), "unchanged": unchanged,
                     "encoding": parsed.encoding, "id_column": parsed.id_column,
                     "name_columns": parsed.name_columns}, actor=operator)
        store.set_meta_json("attribute_columns", parsed.attribute_columns)
    touched = bool(added or restored or changed or removed)
    return ImportReport(
        file_name=parsed.file_name, added=added, changed=changed, removed=removed,
        restored=restored, unchanged=unchanged, removed_present=removed_present,
        changes=Changes(participants=touched, event=True),
    )
