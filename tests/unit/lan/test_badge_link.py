"""A badge's QR code is the person's voting link (issue 13): ``http://ADDRESS:PORT/v/TOKEN`` at
the phone address the event stores; the desk still checks people in from it (and from the
bare code); a server started elsewhere is told apart, with the fix."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from facilitator import lan
from facilitator.lan.model import badge_mismatch
from facilitator.people import (
    BadgeLink,
    BadgeLinkError,
    NotFoundError,
    badge_link,
    find_by_scan,
    list_participants,
    parse_link,
    set_badge_link,
)
from facilitator.people import links as links_module
from facilitator.reports.tables import badges_of, write_badges
from facilitator.store import EventStore

from ...badge_pdf import scanned_codes

PRINTED = datetime(2026, 11, 21, 10, 30, tzinfo=UTC)


@pytest.mark.parametrize(("typed", "host", "port"), [
    ("10.42.0.1", "10.42.0.1", 8080),
    ("10.42.0.1:8081", "10.42.0.1", 8081),
    (" http://192.168.137.1:9000/ ", "192.168.137.1", 9000),
])
def test_an_address_is_typed_in_any_usual_form(typed: str, host: str, port: int) -> None:
    link = parse_link(typed)
    assert (link.host, link.port) == (host, port)
    assert link.url("abc") == f"http://{host}:{port}/v/abc"


@pytest.mark.parametrize("typed", ["", "venue.local", "10.42.0.1:80", "10.42.0.1:99999",
                                   "https://10.42.0.1", "10.42.0.1/v/x", "0.0.0.0", "::1"])
def test_a_bad_address_gets_one_sentence(typed: str) -> None:
    with pytest.raises(BadgeLinkError) as caught:
        parse_link(typed)
    assert caught.value.message.endswith(".") and "\n" not in caught.value.message


def test_unset_the_link_defaults_to_this_laptops_address(
        demo: EventStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(links_module, "lan_address", lambda: "192.168.1.23")
    link = badge_link(demo)
    assert (link.base_url, link.saved) == ("http://192.168.1.23:8080", False)
    monkeypatch.setattr(links_module, "lan_address", lambda: None)
    assert badge_link(demo).host == "10.42.0.1"  # no network: the hotspot it can start


def test_the_organiser_sets_it_audited_and_can_unset_it(demo: EventStore) -> None:
    set_badge_link(demo, parse_link("10.42.0.1:8080"), actor="desk")
    assert badge_link(demo) == BadgeLink("10.42.0.1", 8080, saved=True)
    row = demo.query_one("SELECT actor, new FROM audit_log WHERE action = "
                         "'set_badge_link' ORDER BY id DESC")
    assert row is not None and row["actor"] == "desk" and "10.42.0.1" in row["new"]
    set_badge_link(demo, None, actor="desk")
    assert not badge_link(demo).saved


def test_badge_qr_is_the_voting_link_and_checks_in_at_the_desk(
        demo: EventStore, tmp_path: Path) -> None:
    set_badge_link(demo, parse_link("10.42.0.1:8080"), actor="test")
    people = sorted(list_participants(demo), key=lambda p: p.id)[:9]
    badges = badges_of(demo)
    chosen = type(badges)(badges.event_name, tuple(
        b for b in badges.people if any(b.badge_code == p.badge_code for p in people)),
        badges.plan, badges.phone_address)
    pdf = write_badges(tmp_path / "badges.pdf", chosen, layout="labels", printed_at=PRINTED)
    scanned = scanned_codes(pdf, tmp_path / "pages")
    by_token = {p.token: p for p in people}
    assert len(scanned) == len(people)
    for text in scanned:
        assert text.startswith("http://10.42.0.1:8080/v/"), text
        token = text.rsplit("/", 1)[-1]
        assert by_token[token].id == find_by_scan(demo, text).id  # the desk reads the link
    for person in people:  # and still the bare code, as typed or scanned from an old badge
        assert find_by_scan(demo, person.badge_code).id == person.id


def test_badges_with_a_plan_carry_the_link_too(demo: EventStore) -> None:
    from facilitator.tables import ops as tables_ops

    set_badge_link(demo, parse_link("10.42.0.1"), actor="test")
    tables_ops.allocate_and_save(demo, iterations=10, actor="test")
    badges = badges_of(demo)
    assert badges.plan is not None and badges.people
    assert all(b.qr_text.startswith("http://10.42.0.1:8080/v/") for b in badges.people)


def test_a_server_elsewhere_is_told_apart_with_the_fix() -> None:
    link = BadgeLink("10.42.0.1", 8080)
    assert badge_mismatch(link, "10.42.0.1", 8080) is None
    port = badge_mismatch(link, "10.42.0.1", 8090)
    assert port is not None and "http://10.42.0.1:8080" in port and "port 8080" in port
    other = badge_mismatch(link, "192.168.1.5", 8080)
    assert other is not None
    assert "will not open the ballot" in other and "10.42.0.1" in other
    assert "print them again" in other and "check-in still works" in other
    before = badge_mismatch(link, "192.168.1.5", 8080, running=False)
    assert before is not None and "would be served" in before


def test_a_reissued_badge_gets_a_new_link(demo: EventStore) -> None:
    set_badge_link(demo, parse_link("10.42.0.1"), actor="test")
    person = next(p for p in list_participants(demo) if p.present)
    old = next(b.link for b in badges_of(demo).people if b.badge_code == person.badge_code)
    new_person = lan.reissue(demo, person.id, actor="test").participant
    new = next(b.link for b in badges_of(demo).people if b.badge_code == new_person.badge_code)
    assert old != new and new.endswith(new_person.token)
    with pytest.raises(NotFoundError) as caught:  # the old badge at the desk: said so
        find_by_scan(demo, old)
    assert "not current" in caught.value.message
    assert find_by_scan(demo, new).id == person.id
