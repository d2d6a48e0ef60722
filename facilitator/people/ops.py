"""Every change to the participants: check-in, undo, no-shows, walk-ins, edit and remove,
import and merge.

Each op runs in one transaction, writes its audit entries (naming the actor: ``app``,
``cli``, ``phone``, a desk…) in that same transaction, and returns what changed: a
:class:`~facilitator.people.model.ParticipantResult` or an
:class:`~facilitator.people.model.ImportReport`, each carrying ``.changes``. A refused op
raises a :class:`~facilitator.errors.UserError` and changes nothing.
"""

from __future__ import annotations

import json
from typing import Any

from facilitator import codes
from facilitator.changes import NO_CHANGES, Changes
from facilitator.clock import to_iso
from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.people.importer import ParsedList
from facilitator.people.links import BADGE_LINK_KEY, BadgeLink
from facilitator.people.model import (
    ROLES,
    AttendanceError,
    FieldChange,
    ImportReport,
    ParticipantResult,
    search_key,
    status_refusal,
)
from facilitator.people.queries import get, unique_badge_code
from facilitator.store import EventStore

# -- attendance --------------------------------------------------------------------------------


def _set_status(
    store: EventStore, participant_id: int, new_status: str, action: str,
    allowed_from: tuple[str, ...], via: str | None, actor: str,
) -> ParticipantResult:
    with store.transaction():
        person = get(store, participant_id)
        if not person.active:
            raise AttendanceError(
                _("{name} was removed from the participant list; add them again as a walk-in "
                  "if they are here.").format(name=person.name))
        if person.status not in allowed_from:
            raise AttendanceError(status_refusal(person, new_status))
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
            actor=actor,
        )
        updated = get(store, participant_id)
    return ParticipantResult(
        Changes(attendance=True, participant_ids=frozenset({participant_id})), updated)


def check_in(store: EventStore, participant_id: int, *, via: str = "search",
             actor: str) -> ParticipantResult:
    """Mark someone as present now (``via``: scan, search, cli…). Refused if already here."""
    return _set_status(store, participant_id, "checked_in", "check_in", ("expected",), via,
                       actor)


def undo_check_in(store: EventStore, participant_id: int, *, actor: str) -> ParticipantResult:
    return _set_status(store, participant_id, "expected", "undo_check_in", ("checked_in",), None,
                       actor)


def mark_no_show(store: EventStore, participant_id: int, *, actor: str) -> ParticipantResult:
    return _set_status(store, participant_id, "no_show", "no_show", ("expected",), None, actor)


def clear_no_show(store: EventStore, participant_id: int, *, actor: str) -> ParticipantResult:
    return _set_status(store, participant_id, "expected", "clear_no_show", ("no_show",), None,
                       actor)


def add_walk_in(
    store: EventStore,
    name: str,
    attributes: dict[str, str] | None = None,
    *,
    role: str = "participant",
    check_in_now: bool = True,
    actor: str,
) -> ParticipantResult:
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
        badge = unique_badge_code(store)
        now = to_iso(store.clock.now())
        cursor = store.execute(
            "INSERT INTO participants (ext_id, name, role, attributes, source, status, status_at,"
            " checked_in_at, badge_code, token, search_key, created_at)"
            " VALUES (?, ?, ?, ?, 'walk_in', ?, ?, ?, ?, ?, ?, ?)",
            (ext_id, name, role, json.dumps(attributes, ensure_ascii=False),
             "checked_in" if check_in_now else "expected", now if check_in_now else None,
             now if check_in_now else None, badge, codes.new_token(),
             search_key(ext_id, name, badge), now),
        )
        pid = int(cursor.lastrowid or 0)
        store.audit("add_walk_in", "participant", pid, None,
                    {"ext_id": ext_id, "name": name, "role": role, "attributes": attributes,
                     "checked_in": check_in_now}, actor=actor)
        person = get(store, pid)
    return ParticipantResult(
        Changes(participants=True, attendance=check_in_now, participant_ids=frozenset({pid})),
        person)


# -- edit and remove --------------------------------------------------------------------------


def edit_participant(
    store: EventStore,
    participant_id: int,
    *,
    name: str | None = None,
    role: str | None = None,
    attributes: dict[str, str] | None = None,
    actor: str,
) -> ParticipantResult:
    """Correct a person's name, role or columns (``None``: leave as is); audited old → new.

    Validated as the importer does: a name that is not blank, a role Facilitator knows. A
    role changed after the person voted leaves the votes already cast as they are (a ballot
    is not re-judged by who its voter is now); only what they may do from now on changes.
    """
    with store.transaction():
        person = get(store, participant_id)
        new_name = person.name if name is None else " ".join(name.split())
        if not new_name:
            raise UserError(_("A person needs a name; {name} keeps theirs.").format(
                name=person.name))
        new_role = person.role if role is None else role
        if new_role not in ROLES:
            raise UserError(_("'{role}' is not a role Facilitator knows.").format(role=new_role))
        new_attrs = dict(person.attributes) if attributes is None else {
            k: v.strip() for k, v in attributes.items()}
        old: dict[str, Any] = {}
        new: dict[str, Any] = {}
        if new_name != person.name:
            old["name"], new["name"] = person.name, new_name
        if new_role != person.role:
            old["role"], new["role"] = person.role, new_role
        if new_attrs != person.attributes:
            old["attributes"], new["attributes"] = person.attributes, new_attrs
        if not new:
            return ParticipantResult(NO_CHANGES, person)
        store.execute(
            "UPDATE participants SET name = ?, role = ?, attributes = ?, search_key = ? "
            "WHERE id = ?",
            (new_name, new_role, json.dumps(new_attrs, ensure_ascii=False),
             search_key(person.ext_id, new_name, person.badge_code), participant_id))
        store.audit("edit_participant", "participant", participant_id, old, new, actor=actor)
        updated = get(store, participant_id)
    return ParticipantResult(
        Changes(participants=True, participant_ids=frozenset({participant_id})), updated)


def _set_active(store: EventStore, participant_id: int, active: bool, action: str,
                actor: str) -> ParticipantResult:
    with store.transaction():
        person = get(store, participant_id)
        if person.active == active:
            raise UserError(
                (_("{name} is already on the list.") if active else
                 _("{name} was already removed from the list.")).format(name=person.name))
        store.execute("UPDATE participants SET active = ? WHERE id = ?",
                      (int(active), participant_id))
        store.audit(action, "participant", participant_id, {"active": person.active},
                    {"active": active, "status": person.status}, actor=actor)
        updated = get(store, participant_id)
    return ParticipantResult(
        Changes(participants=True, attendance=True, participant_ids=frozenset({participant_id})),
        updated)


def remove_participant(store: EventStore, participant_id: int, *,
                       actor: str) -> ParticipantResult:
    """Take someone off the list (never deleted): they can no longer check in or use a phone.

    Their check-in, votes, raised hands and history stay as they are; a table plan that
    seats them reports them as a leaver. :func:`restore_participant` undoes it.
    """
    return _set_active(store, participant_id, False, "remove_participant", actor)


def restore_participant(store: EventStore, participant_id: int, *,
                        actor: str) -> ParticipantResult:
    """Put a removed person back on the list, with the status they had."""
    return _set_active(store, participant_id, True, "restore_participant", actor)


# -- the badges' voting link ------------------------------------------------------------------


def set_badge_link(store: EventStore, link: BadgeLink | None, *, actor: str) -> Changes:
    """Set the phone address badges point to (``None``: back to this laptop's address at
    printing time). Badges printed before keep the old address: print them again."""
    with store.transaction():
        old = store.meta_json(BADGE_LINK_KEY, None)
        new = None if link is None else link.to_json()
        store.set_meta_json(BADGE_LINK_KEY, new)
        store.audit("set_badge_link", "event", None, old, new, actor=actor)
    return Changes(event=True)


# -- import and merge --------------------------------------------------------------------------


def import_people(store: EventStore, parsed: ParsedList, *, actor: str) -> ImportReport:
    """Merge a checked list by ID: add the new, update the changed, retire the missing.

    People are never deleted: someone missing from a new list is marked removed (with their
    check-in kept), and comes back if a later list has them again. Every person's audit entry
    names ``actor``, as the entry for the whole import does.
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
                badge = unique_badge_code(store, taken_codes)
                inserts.append((person.ext_id, person.name, person.role, attrs_json, badge,
                                codes.new_token(),
                                search_key(person.ext_id, person.name, badge), now))
                added.append(person.name)
                continue
            old_attrs = json.loads(old["attributes"])
            diff: dict[str, tuple[str | None, str | None]] = {}
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
                            search_key(person.ext_id, person.name, old["badge_code"]),
                            old["id"]))
            audits.append((now, "import_restore" if not old["active"] else "import_change",
                           "participant", old["id"],
                           json.dumps({k: v[0] for k, v in diff.items()} | {"active": bool(
                               old["active"])}, ensure_ascii=False, sort_keys=True),
                           json.dumps({k: v[1] for k, v in diff.items()} | {"active": True},
                                      ensure_ascii=False, sort_keys=True), actor))
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
                           json.dumps({"active": True}), json.dumps({"active": False}), actor))
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
                            sort_keys=True), actor)
                for ext_id, name, role, attrs, *_rest in inserts)
        store.executemany(
            "UPDATE participants SET name = ?, role = ?, attributes = ?, search_key = ?, "
            "active = 1 WHERE id = ?", updates)
        store.executemany("UPDATE participants SET active = 0 WHERE id = ?", retire)
        store.executemany(
            "INSERT INTO audit_log (at, action, object_type, object_id, old, new, actor) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", audits)
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
                     "name_columns": parsed.name_columns}, actor=actor)
        store.set_meta_json("attribute_columns", parsed.attribute_columns)
    touched = bool(added or restored or changed or removed)
    return ImportReport(
        changes=Changes(participants=touched, event=True),
        file_name=parsed.file_name, added=added, changed=changed, removed=removed,
        restored=restored, unchanged=unchanged, removed_present=removed_present,
    )
