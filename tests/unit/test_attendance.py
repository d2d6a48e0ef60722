"""Check-in, undo, no-shows, walk-ins, scans and the attendance summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from facilitator import codes
from facilitator.clock import FakeClock
from facilitator.errors import UserError
from facilitator.people import (
    AttendanceError,
    NotFoundError,
    add_walk_in,
    attendance_summary,
    check_in,
    clear_no_show,
    find_by_scan,
    get,
    import_people,
    list_participants,
    mark_no_show,
    parse_people,
    search,
    undo_check_in,
)
from facilitator.store import EventStore

PEOPLE = """ID,Name,Gender,Area,Role
1,Siân Jones,Woman,North,
2,Tomás Ó Súilleabháin,Man,South,
3,Zoë Łukasik,Woman,South,participant
4,Alex Kim,Non-binary,North,
5,Helen Marsh,,,facilitator
"""


@pytest.fixture
def event(store: EventStore, tmp_path: Path) -> EventStore:
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE, encoding="utf-8")
    import_people(store, parse_people(path), actor="test")
    return store


def person_id(store: EventStore, ext_id: str) -> int:
    return next(p.id for p in list_participants(store) if p.ext_id == ext_id)


def audit_actions(store: EventStore) -> list[str]:
    return [r["action"] for r in store.query("SELECT action FROM audit_log ORDER BY id")]


def test_check_in_records_time_audit_and_changes(event: EventStore, clock: FakeClock) -> None:
    pid = person_id(event, "1")
    clock.advance(125)
    result = check_in(event, pid, via="scan", actor="desk 1")
    assert result.changes.attendance and not result.changes.participants
    assert result.changes.participant_ids == {pid}
    assert result.participant.present
    assert result.participant.checked_in_at == clock.now()
    row = event.query("SELECT * FROM audit_log WHERE action = 'check_in'")[0]
    assert row["object_id"] == str(pid) and row["actor"] == "desk 1"
    assert json.loads(row["new"])["via"] == "scan"
    assert json.loads(row["old"])["status"] == "expected"


def test_second_check_in_is_refused_with_first_time(event: EventStore, clock: FakeClock) -> None:
    pid = person_id(event, "1")
    check_in(event, pid, actor="test")
    before = event.query("SELECT count(*) FROM audit_log")[0][0]
    clock.advance(600)
    with pytest.raises(AttendanceError) as info:
        check_in(event, pid, actor="test")
    first = get(event, pid).checked_in_at
    assert first is not None
    assert "already checked in" in info.value.message
    assert first.astimezone().strftime("%H:%M") in info.value.message
    assert event.query("SELECT count(*) FROM audit_log")[0][0] == before
    assert get(event, pid).checked_in_at == first


def test_undo_check_in_then_check_in_again(event: EventStore, clock: FakeClock) -> None:
    pid = person_id(event, "2")
    check_in(event, pid, actor="test")
    undone = undo_check_in(event, pid, actor="test")
    assert not undone.participant.present and undone.participant.checked_in_at is None
    with pytest.raises(AttendanceError, match="not checked in"):
        undo_check_in(event, pid, actor="test")
    clock.advance(30)
    again = check_in(event, pid, actor="test")
    assert again.participant.checked_in_at == clock.now()
    assert audit_actions(event)[-3:] == ["check_in", "undo_check_in", "check_in"]


def test_no_show_blocks_check_in_until_cleared(event: EventStore) -> None:
    pid = person_id(event, "3")
    mark_no_show(event, pid, actor="test")
    with pytest.raises(AttendanceError, match="no-show"):
        check_in(event, pid, actor="test")
    clear_no_show(event, pid, actor="test")
    assert check_in(event, pid, actor="test").participant.present
    with pytest.raises(AttendanceError, match="undo the check-in first"):
        mark_no_show(event, pid, actor="test")


def test_unknown_participant(event: EventStore) -> None:
    with pytest.raises(NotFoundError, match="no participant number 999"):
        check_in(event, 999, actor="test")


def test_walk_in_is_added_checked_in_with_badge_and_token(event: EventStore) -> None:
    result = add_walk_in(event, "  Nia   Roberts ", {"Gender": "Woman", "Area": "North"},
                         actor="test")
    person = result.participant
    assert person.name == "Nia Roberts" and person.walk_in and person.present
    assert result.changes.participants and result.changes.attendance
    assert codes.is_valid(person.badge_code) and len(person.token) >= 27
    second = add_walk_in(event, "Another Person", check_in_now=False, actor="test").participant
    assert second.ext_id != person.ext_id and not second.present
    with pytest.raises(UserError, match="needs a name"):
        add_walk_in(event, "   ", actor="test")
    with pytest.raises(UserError, match="not a role"):
        add_walk_in(event, "X", role="king", actor="test")


def test_badges_and_tokens_are_unique(event: EventStore) -> None:
    people = list_participants(event)
    assert len({p.badge_code for p in people}) == len(people)
    assert len({p.token for p in people}) == len(people)
    assert all(codes.is_valid(p.badge_code) for p in people)


def test_find_by_scan_accepts_url_token_code_and_id(event: EventStore) -> None:
    person = next(p for p in list_participants(event) if p.ext_id == "2")
    url = f"http://192.168.1.10:8080/v/{person.token}"
    assert find_by_scan(event, url).id == person.id
    assert find_by_scan(event, person.token).id == person.id
    typed = codes.pretty(person.badge_code).lower().replace("0", "o")
    assert find_by_scan(event, typed).id == person.id
    assert find_by_scan(event, " 2 ").id == person.id
    with pytest.raises(NotFoundError, match="QR code is not current"):  # a link, but no one's
        find_by_scan(event, "http://192.168.1.10:8080/v/" + "A" * 27)
    with pytest.raises(NotFoundError):
        find_by_scan(event, "")


def test_search_ignores_case_accents_and_word_order(event: EventStore) -> None:
    assert [p.ext_id for p in search(event, "sian")] == ["1"]
    assert [p.ext_id for p in search(event, "SUILLEABHAIN tomas")] == ["2"]
    assert [p.ext_id for p in search(event, "lukasik")] == ["3"]
    assert {p.ext_id for p in search(event, "")} == {"1", "2", "3", "4", "5"}


def test_attendance_summary_counts_participants_by_attribute(event: EventStore) -> None:
    check_in(event, person_id(event, "1"), actor="test")
    check_in(event, person_id(event, "2"), actor="test")
    check_in(event, person_id(event, "5"), actor="test")  # a facilitator: counted apart
    mark_no_show(event, person_id(event, "4"), actor="test")
    summary = attendance_summary(event, "Gender")
    # a no-show is counted apart, not in the total (issue 13: "Present 60 of 64")
    assert (summary.present, summary.total, summary.no_show) == (2, 3, 1)
    assert summary.others_present == {"facilitator": 1}
    groups = {g.value: (g.present, g.total) for g in summary.groups}
    assert groups == {"Woman": (1, 2), "Man": (1, 1)}
    assert summary.text() == "present: 2 of 3; Woman 1, Man 1"


def test_removed_person_cannot_be_checked_in(event: EventStore, tmp_path: Path) -> None:
    shorter = tmp_path / "v2.csv"
    shorter.write_text("\n".join(PEOPLE.splitlines()[:-1]) + "\n", encoding="utf-8")
    pid = person_id(event, "5")
    report = import_people(event, parse_people(shorter), actor="test")
    assert report.removed == ["Helen Marsh"]
    with pytest.raises(AttendanceError, match="removed from the participant list"):
        check_in(event, pid, actor="test")
