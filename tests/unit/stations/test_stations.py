"""Stations on the main laptop: pairing, exactly-once items, conflicts, refusals (issue 18)."""

from __future__ import annotations

import http.client
import json
import ssl
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from facilitator.ballots import Answer
from facilitator.ballots.queries import entries, list_rounds, paper_codes, rejected_counts
from facilitator.clock import FakeClock
from facilitator.people.queries import get, list_participants
from facilitator.qa.queries import latest_panel_id, questions
from facilitator.stations import ops, queries
from facilitator.stations.client import OfflineError, StationClient, WrongCertificateError
from facilitator.stations.model import (
    NotAllowedError,
    PairingCode,
    PairingCodeError,
    StationError,
    parse_item,
)
from facilitator.stations.outbox import CONFIRMED, QUEUED, REFUSED, Outbox
from facilitator.stations.server import StationServer
from facilitator.store import EventStore

from .conftest import Join


def _ballot(event: EventStore, serial: int = 0, choice: int = 0) -> dict[str, object]:
    ballot_round = list_rounds(event)[0]
    code = paper_codes(event, ballot_round.id)[serial].code
    yes_no, where = ballot_round.questions
    answers = [Answer.choose(yes_no, choice % 2).to_json(),
               Answer.choose(where, choice % 3).to_json()]
    return {"round": ballot_round.id, "code": code, "answers": answers}


def _audit(event: EventStore, action: str) -> list[dict[str, object]]:
    return [dict(r) for r in event.query("SELECT * FROM audit_log WHERE action = ?", (action,))]


def test_a_paired_station_checks_in_and_the_audit_log_names_station_and_person(
        event: EventStore, join: Join) -> None:
    desk = join("Desk 2", person="Ann")
    person = list_participants(event)[3]
    item = desk.queue("check_in", {"participant": person.id})
    assert desk.outbox.get_item(item).state == QUEUED  # on disk before anything is sent
    report = desk.sync()
    assert (report.confirmed, report.refused, report.waiting) == (1, 0, 0)
    assert get(event, person.id).present
    assert desk.outbox.get_item(item).state == CONFIRMED
    assert [a["actor"] for a in _audit(event, "check_in")] == ["Desk 2 · Ann"]
    assert json.loads(str(_audit(event, "station_item")[0]["new"]))["item"] == item
    station = queries.stations(event)[0]
    assert (station.name, station.person, station.paired) == ("Desk 2", "Ann", True)


def test_an_item_sent_again_is_applied_once(event: EventStore, join: Join) -> None:
    desk = join()
    item = desk.queue("ballot", _ballot(event))
    desk.sync()
    # The answer was lost: the station still thinks it is waiting and sends it again.
    desk.outbox._conn.execute("UPDATE items SET state = 'sent' WHERE id = ?", (item,))
    again = desk.sync()
    assert (again.sent, again.confirmed) == (1, 1)
    ballot_round = list_rounds(event)[0]
    assert len(entries(event, ballot_round.id)) == 1
    assert len(_audit(event, "ballot_enter")) == 1


def test_the_same_paper_on_two_stations_offline_the_second_is_refused_with_the_reason(
        event: EventStore, join: Join) -> None:
    one, two = join("Desk 1", person="Ann"), join("Desk 2", person="Bob")
    first = one.queue("ballot", _ballot(event, 4, choice=1))
    second = two.queue("ballot", _ballot(event, 4, choice=1))
    one.sync()
    report = two.sync()
    assert (report.confirmed, report.refused) == (0, 1)
    refused = two.outbox.get_item(second)
    assert refused.state == REFUSED
    assert refused.reason and "already" in refused.reason
    assert one.outbox.get_item(first).state == CONFIRMED
    ballot_round = list_rounds(event)[0]
    assert len(entries(event, ballot_round.id)) == 1
    assert rejected_counts(event, ballot_round.id).get("duplicate") == 1


def test_double_entry_across_two_stations(event: EventStore, join: Join) -> None:
    from facilitator.ballots.ops import set_double_entry

    ballot_round = list_rounds(event)[0]
    set_double_entry(event, ballot_round.id, True, actor="test")
    one, two = join("Desk 1", person="Ann"), join("Desk 2", person="Bob")
    one.queue("ballot", {**_ballot(event, 2), "pass": 1})
    one.sync()
    mine = one.queue("ballot", {**_ballot(event, 2), "pass": 2})
    one.sync()  # the same person may not key both passes
    assert one.outbox.get_item(mine).state == REFUSED
    theirs = two.queue("ballot", {**_ballot(event, 2), "pass": 2})
    two.sync()
    done = two.outbox.get_item(theirs)
    assert done.state == CONFIRMED and done.result["matches"] is True


def test_walk_in_and_question(event: EventStore, join: Join) -> None:
    desk = join()
    walk = desk.queue("walk_in", {"name": "Dana New", "attributes": {}})
    asked = desk.queue("question", {"panel": latest_panel_id(event), "table": "4",
                                    "text": "Who pays for the trams?"})
    desk.sync()
    pid = desk.outbox.get_item(walk).result["participant"]
    assert get(event, int(pid)).present
    assert desk.outbox.get_item(asked).state == CONFIRMED
    texts = [q.text for q in questions(event, latest_panel_id(event) or 0)]
    assert texts == ["Who pays for the trams?"]


def test_a_station_may_do_only_what_it_was_allowed(event: EventStore, join: Join) -> None:
    desk = join("Check-in only", may=("check_in",))
    item = desk.queue("ballot", _ballot(event))
    desk.sync()
    refused = desk.outbox.get_item(item)
    assert refused.state == REFUSED and "may not do ballot entry" in (refused.reason or "")
    snapshot = desk.refresh()
    assert "participants" in snapshot and "rounds" not in snapshot
    assert desk.snapshot() == snapshot  # cached for when the network is down


def test_offline_items_wait_and_are_sent_when_the_main_laptop_is_back(
        event: EventStore, join: Join, server: StationServer) -> None:
    desk = join()
    people = list_participants(event)
    server.stop()
    for person in people[:3]:
        desk.queue("check_in", {"participant": person.id})
    with pytest.raises(OfflineError, match="3 items wait here"):
        desk.sync()
    assert desk.outbox.waiting_count == 3
    assert desk.online is False
    restarted = StationServer(event, "127.0.0.1", server.port)
    restarted.start()
    try:
        assert desk.sync().confirmed == 3
    finally:
        restarted.stop()
    assert all(get(event, p.id).present for p in people[:3])


# -- hostile ------------------------------------------------------------------------------------


def test_a_pairing_code_works_once_and_expires(event: EventStore, server: StationServer,
                                               tmp_path: Path, clock: FakeClock) -> None:
    offer = ops.offer(event, "Desk 1", ["check_in"], actor="test")
    code = PairingCode("127.0.0.1", server.port, offer.secret, server.pin).text()
    clients = [StationClient(Outbox(tmp_path / name)) for name in "abc"]
    try:
        clients[0].pair(code)
        with pytest.raises(PairingCodeError, match="not valid"):
            clients[1].pair(code)
        late = ops.offer(event, "Desk 2", ["check_in"], actor="test")
        clock.advance(31 * 60)
        with pytest.raises(PairingCodeError, match="expired"):
            clients[2].pair(
                PairingCode("127.0.0.1", server.port, late.secret, server.pin).text())
    finally:
        for client in clients:
            client.close()
            client.outbox.close()
    with pytest.raises(PairingCodeError, match="mistyped"):
        PairingCode.parse(code[:-3] + "!!!")


def test_a_station_without_its_secret_is_refused(event: EventStore, join: Join) -> None:
    desk = join()
    person = list_participants(event)[0]
    desk.outbox.put(token="forged-" + "x" * 30)
    desk.queue("check_in", {"participant": person.id})
    with pytest.raises(NotAllowedError, match="not paired"):
        desk.sync()
    assert not get(event, person.id).present
    desk.outbox.put(station=999)
    with pytest.raises(NotAllowedError, match="not paired"):
        desk.refresh()


def test_a_revoked_station_is_refused(event: EventStore, join: Join) -> None:
    desk = join()
    ops.revoke(event, queries.stations(event)[0].id, actor="test")
    person = list_participants(event)[0]
    desk.queue("check_in", {"participant": person.id})
    with pytest.raises(NotAllowedError, match="revoked"):
        desk.sync()
    assert not get(event, person.id).present
    assert desk.outbox.waiting_count == 1  # kept, for a person to see


def test_a_wrong_certificate_is_refused_before_anything_is_sent(
        event: EventStore, join: Join, tmp_path: Path) -> None:
    desk = join()
    # Another laptop answers at the main laptop's address with a certificate of its own.
    other = EventStore.create(tmp_path / "other.facilitator", "Impostor")
    impostor = StationServer(other, "127.0.0.1", 0)
    impostor.start()
    try:
        desk.outbox.put(port=impostor.port)
        desk.close()
        desk.queue("check_in", {"participant": list_participants(event)[0].id})
        with pytest.raises(WrongCertificateError, match="not the main laptop"):
            desk.sync()
        assert other.query("SELECT * FROM station_items") == []
    finally:
        impostor.stop()
        other.close()


def test_plain_http_and_a_replayed_pairing_get_nothing(event: EventStore,
                                                      server: StationServer) -> None:
    plain = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    with pytest.raises((http.client.HTTPException, OSError)):
        plain.request("GET", "/snapshot")
        plain.getresponse().read()
    plain.close()
    # TLS, but without credentials: 401 and one sentence.
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    conn = http.client.HTTPSConnection("127.0.0.1", server.port, timeout=5, context=context)
    conn.request("POST", "/items", body=b'{"items": []}',
                 headers={"Authorization": "Station 1:guess"})
    response = conn.getresponse()
    assert response.status == 401
    assert "not paired" in json.loads(response.read())["error"]
    conn.close()


def test_pairing_code_round_trip() -> None:
    code = PairingCode("192.168.1.20", 8766, "ABCDEFGHIJKLMNOP", "A" * 26)
    assert PairingCode.parse(code.text().lower()) == code
    with pytest.raises(PairingCodeError, match="not a station pairing code"):
        PairingCode.parse("http://example/v/abc")


def test_pairing_asked_again_after_a_lost_answer_gets_the_same_station(
        event: EventStore) -> None:
    offer = ops.offer(event, "Desk 1", ["qa"], actor="test")
    own = "s" * 40
    first = ops.pair(event, offer.secret, own, person="Ann")
    again = ops.pair(event, offer.secret.lower(), own, person="Ann")
    assert again.station.id == first.station.id
    assert len(_audit(event, "station_pair")) == 1
    with pytest.raises(PairingCodeError, match="used already"):
        ops.pair(event, offer.secret, "t" * 40, person="Mallory")


def test_who_is_at_a_station_is_noted(event: EventStore, join: Join) -> None:
    desk = join(person="Ann")
    desk.set_person("Bob  Smith")
    desk.hello()
    assert queries.stations(event)[0].person == "Bob Smith"
    assert [a["actor"] for a in _audit(event, "station_person")] == ["Desk 1 · Bob Smith"]


def test_malformed_items_get_a_sentence_never_a_traceback(event: EventStore,
                                                           join: Join) -> None:
    desk = join()
    odd = desk.queue("check_in", {"participant": "Person 3"})
    broken = desk.queue("ballot", {"round": list_rounds(event)[0].id, "code": "nonsense",
                                   "answers": "yes"})
    desk.sync()
    for item in (odd, broken):
        refused = desk.outbox.get_item(item)
        assert refused.state == REFUSED and refused.reason
    station = queries.stations(event)[0]
    with pytest.raises(StationError, match="no valid id"):
        parse_item({"id": "x", "kind": "check_in", "data": {}})
    # Not JSON at all: 400 with one sentence.
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    conn = http.client.HTTPSConnection("127.0.0.1", desk.outbox.get("port"), timeout=5,
                                       context=context)
    conn.request("POST", "/items", body=b"{not json",
                 headers={"Authorization": f"Station {station.id}:{desk.outbox.get('token')}"})
    response = conn.getresponse()
    assert response.status == 400
    assert json.loads(response.read())["error"] == "The request is not readable."
    conn.close()


def test_a_badge_scanned_at_a_station_is_found_on_the_main_laptop(
        event: EventStore, join: Join) -> None:
    desk = join()
    person = list_participants(event)[7]
    by_link = desk.queue("check_in", {"scan": f"http://10.42.0.1:8765/v/{person.token}"})
    unknown = desk.queue("check_in", {"scan": "NOBODY-HERE"})
    desk.sync()
    assert desk.outbox.get_item(by_link).result == {"participant": person.id,
                                                    "name": person.name}
    assert get(event, person.id).present
    assert "No one in this event" in (desk.outbox.get_item(unknown).reason or "")


def test_a_station_sends_each_request_without_waiting_for_an_ack(event: EventStore,
                                                                  join: Join) -> None:
    """http.client writes a request's headers and body in two sends: with Nagle's algorithm
    on, the body waited for the main laptop's delayed ACK (40 ms an item, the benchmark's
    whole median), so the station's socket has TCP_NODELAY."""
    import socket

    desk = join()
    desk.queue("ballot", _ballot(event))
    desk.sync()
    assert desk._conn is not None and desk._conn.sock is not None
    assert desk._conn.sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_a_decision_lost_with_its_write_comes_back_the_same(event: EventStore,
                                                             join: Join) -> None:
    """A decision is written without forcing it to disk (the main laptop keeps it for good):
    the outbox is back to full durability for the next item, and a decision lost in a power
    cut (the item still reads "sent") is asked again and comes back the same."""
    desk = join()
    item = desk.queue("ballot", _ballot(event))
    desk.sync()
    assert desk.outbox._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    desk.outbox._conn.execute("UPDATE items SET state = 'sent', result = NULL WHERE id = ?",
                              (item,))
    again = desk.sync()
    assert (again.sent, again.confirmed) == (1, 1)
    assert desk.outbox.get_item(item).state == CONFIRMED
    assert len(entries(event, list_rounds(event)[0].id)) == 1


def _until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Wait (for other threads) until ``condition`` holds; a guard, not a speed bound."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        pause.wait(0.002)


def test_items_arriving_together_are_committed_together(event: EventStore,
                                                        server: StationServer,
                                                        join: Join) -> None:
    """Four stations send while the event file is busy: their items are applied in one or
    two transactions (one disk flush each, not four), each still exactly once, and every
    station is answered after its commit. Their secrets are checked meanwhile: a read never
    waits for the writer."""
    desks = [join(f"Desk {n}") for n in range(4)]
    items = [desk.queue("ballot", _ballot(event, n, n)) for n, desk in enumerate(desks)]
    commits: list[str] = []
    threads = [threading.Thread(target=desk.sync) for desk in desks]
    event._conn.set_trace_callback(
        lambda sql: commits.append(sql) if sql.strip().upper() == "COMMIT" else None)
    try:
        with event.transaction():  # the GUI thread (say) is writing
            for thread in threads:
                thread.start()
            _until(lambda: server.app.together.arrived == 4)
        for thread in threads:
            thread.join()
    finally:
        event._conn.set_trace_callback(None)
    assert 2 <= len(commits) <= 3  # ours, then one or two groups (it was one per item)
    for desk, item in zip(desks, items, strict=True):
        assert desk.outbox.get_item(item).state == CONFIRMED
    assert len(entries(event, list_rounds(event)[0].id)) == 4
    assert len(_audit(event, "station_item")) == 4


def test_a_failing_request_in_a_group_is_undone_alone(event: EventStore,
                                                      server: StationServer,
                                                      join: Join) -> None:
    """While the file is busy: a revoked station's request is refused (401) and leaves
    nothing; the two others' items are applied in one group, where the paper keyed twice is
    refused (the second one's entry undone, its refusal recorded)."""
    good, revoked, other = join("Good"), join("Revoked"), join("Other")
    good.queue("ballot", _ballot(event, 0))
    other.queue("ballot", _ballot(event, 0, 1))  # the same paper: refused, kept as refused
    gone = revoked.queue("ballot", _ballot(event, 1))
    ops.revoke(event, queries.stations(event)[1].id, actor="test")
    results: dict[str, object] = {}

    def send(name: str, desk: StationClient) -> None:
        try:
            results[name] = desk.sync()
        except (NotAllowedError, OfflineError) as exc:
            results[name] = exc

    threads = [threading.Thread(target=send, args=(name, desk))
               for name, desk in (("good", good), ("revoked", revoked), ("other", other))]
    with event.transaction():
        for thread in threads:
            thread.start()
        # (the revoked one is answered at once: its secret is checked before it joins)
        _until(lambda: server.app.together.arrived == 2 and "revoked" in results)
    for thread in threads:
        thread.join()
    assert isinstance(results["revoked"], NotAllowedError), results
    assert server.app.together.arrived == 2
    assert revoked.outbox.get_item(gone).state != CONFIRMED
    # whichever of the two came first has the paper; the other is refused, with the reason
    states = sorted(desk.outbox.items()[0].state for desk in (good, other))
    assert states == [CONFIRMED, REFUSED], results
    assert "already" in next(q.reason or "" for desk in (good, other)
                             for q in desk.outbox.items() if q.state == REFUSED)
    codes = {e.code for e in entries(event, list_rounds(event)[0].id)}
    assert codes == {_ballot(event, 0)["code"]}
    assert event.integrity_check() == "ok"
