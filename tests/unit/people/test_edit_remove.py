"""Editing a person (name, role, columns) and taking them off the list, then back: each one
audited with old and new values and its actor; a refusal changes nothing; never deleted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from facilitator.changes import Changes
from facilitator.errors import UserError
from facilitator.lan.model import LanError
from facilitator.lan.queries import voter
from facilitator.people import ops, queries
from facilitator.people.importer import parse_people
from facilitator.people.model import AttendanceError
from facilitator.store import EventStore

ACTOR = "desk 2"


@pytest.fixture
def ids(store: EventStore, tmp_path: Path) -> dict[str, int]:
    path = tmp_path / "list.csv"
    path.write_text("ID,Name,Area\n1,Ann Jonse,North\n2,Bob Hale,South\n", encoding="utf-8")
    ops.import_people(store, parse_people(path), actor=ACTOR)
    return {p.name: p.id for p in queries.list_participants(store)}


def audit(store: EventStore, action: str) -> list[dict[str, object]]:
    return [{"id": r["object_id"], "old": json.loads(r["old"]), "new": json.loads(r["new"]),
             "actor": r["actor"]}
            for r in store.query("SELECT object_id, old, new, actor FROM audit_log "
                                 "WHERE action = ? ORDER BY id", (action,))]


def audit_count(store: EventStore) -> int:
    return int(store.query("SELECT count(*) AS n FROM audit_log")[0]["n"])


def test_edit_changes_name_role_and_columns_and_audits_old_and_new(
        store: EventStore, ids: dict[str, int]) -> None:
    ann = ids["Ann Jonse"]
    result = ops.edit_participant(store, ann, name="  Ann   Jones ", role="expert",
                                  attributes={"Area": " South "}, actor=ACTOR)
    assert result.changes == Changes(participants=True, participant_ids=frozenset({ann}))
    person = queries.get(store, ann)
    assert (person.name, person.role, person.attributes) == ("Ann Jones", "expert",
                                                             {"Area": "South"})
    assert [p.name for p in queries.search(store, "jones")] == ["Ann Jones"]
    assert queries.search(store, "jonse") == []
    assert audit(store, "edit_participant") == [{
        "id": str(ann), "actor": ACTOR,
        "old": {"name": "Ann Jonse", "role": "participant", "attributes": {"Area": "North"}},
        "new": {"name": "Ann Jones", "role": "expert", "attributes": {"Area": "South"}}}]


def test_edit_of_one_field_leaves_the_others_and_no_change_is_not_audited(
        store: EventStore, ids: dict[str, int]) -> None:
    bob = ids["Bob Hale"]
    ops.edit_participant(store, bob, role="observer", actor=ACTOR)
    person = queries.get(store, bob)
    assert (person.name, person.role, person.attributes) == ("Bob Hale", "observer",
                                                             {"Area": "South"})
    assert audit(store, "edit_participant")[0]["old"] == {"role": "participant"}
    before = audit_count(store)
    assert not ops.edit_participant(store, bob, name="Bob Hale", actor=ACTOR).changes.any
    assert audit_count(store) == before


@pytest.mark.parametrize(("fields", "message"), [
    ({"name": "   "}, "needs a name"),
    ({"name": "Ann", "role": "chair"}, "'chair' is not a role"),
])
def test_a_refused_edit_changes_nothing(store: EventStore, ids: dict[str, int],
                                        fields: dict[str, str], message: str) -> None:
    ann = ids["Ann Jonse"]
    before, count = queries.get(store, ann), audit_count(store)
    with pytest.raises(UserError, match=message):
        ops.edit_participant(store, ann, actor=ACTOR, **fields)  # type: ignore[arg-type]
    assert queries.get(store, ann) == before and audit_count(store) == count


def test_removed_person_keeps_their_check_in_but_cannot_check_in_or_use_a_phone(
        store: EventStore, ids: dict[str, int]) -> None:
    ann, bob = ids["Ann Jonse"], ids["Bob Hale"]
    ops.check_in(store, ann, actor=ACTOR)
    assert voter(store, ann).id == ann
    result = ops.remove_participant(store, ann, actor=ACTOR)
    assert result.changes.participants and not result.participant.active
    person = queries.get(store, ann)  # never deleted
    assert not person.active and person.present and person.checked_in_at is not None
    assert [p.name for p in queries.list_participants(store)] == ["Bob Hale"]
    assert queries.attendance_summary(store).present == 0
    with pytest.raises(LanError, match="removed"):
        voter(store, ann)
    ops.remove_participant(store, bob, actor=ACTOR)
    with pytest.raises(AttendanceError, match="removed from the participant list"):
        ops.check_in(store, bob, actor=ACTOR)
    assert audit(store, "remove_participant")[0] == {
        "id": str(ann), "actor": ACTOR, "old": {"active": True},
        "new": {"active": False, "status": "checked_in"}}


def test_restore_puts_them_back_as_they_were(store: EventStore, ids: dict[str, int]) -> None:
    ann = ids["Ann Jonse"]
    ops.check_in(store, ann, actor=ACTOR)
    ops.remove_participant(store, ann, actor=ACTOR)
    ops.restore_participant(store, ann, actor=ACTOR)
    person = queries.get(store, ann)
    assert person.active and person.present
    assert voter(store, ann).id == ann
    assert audit(store, "restore_participant")[0]["new"] == {"active": True,
                                                             "status": "checked_in"}
    assert audit(store, "restore_participant")[0]["actor"] == ACTOR


def test_removing_twice_or_restoring_someone_on_the_list_is_refused_and_changes_nothing(
        store: EventStore, ids: dict[str, int]) -> None:
    ann = ids["Ann Jonse"]
    count = audit_count(store)
    with pytest.raises(UserError, match="already on the list"):
        ops.restore_participant(store, ann, actor=ACTOR)
    ops.remove_participant(store, ann, actor=ACTOR)
    count = audit_count(store)
    with pytest.raises(UserError, match="already removed"):
        ops.remove_participant(store, ann, actor=ACTOR)
    assert audit_count(store) == count and not queries.get(store, ann).active
    with pytest.raises(UserError, match="no participant number 999"):
        ops.remove_participant(store, 999, actor=ACTOR)
