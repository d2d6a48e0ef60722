"""Stations' server under attack from the venue's Wi-Fi: forged pairings and station secrets
cost a per-address budget (refused, once spent, before anything is checked; logged once, not
a line per attempt), and one address cannot hold more than a few connections or stall the
server with connections that never finish their TLS handshake."""

from __future__ import annotations

import http.client
import json
import logging
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from facilitator.stations import ops
from facilitator.stations.client import StationClient
from facilitator.stations.model import PairingCode, new_secret
from facilitator.stations.outbox import Outbox
from facilitator.stations.server import AuthLimits, StationServer
from facilitator.store import EventStore

ATTACKER = "127.0.0.2"  # the whole of 127/8 is loopback on Linux: another address


def _tls() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    return context


def _post(port: int, path: str, body: dict[str, object], *, source: str = "127.0.0.1",
          auth: str | None = None) -> tuple[int, dict[str, object]]:
    conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=5, context=_tls(),
                                       source_address=(source, 0))
    headers = {"Content-Type": "application/json"}
    if auth:
        headers["Authorization"] = auth
    try:
        conn.request("POST", path, body=json.dumps(body).encode(), headers=headers)
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


@pytest.fixture
def guarded(event: EventStore) -> Iterator[StationServer]:
    running = StationServer(event, "127.0.0.1", 0,
                            auth=AuthLimits(per_address_rate=0.0, per_address_burst=5),
                            monotonic=lambda: 1000.0)
    running.start()
    yield running
    running.stop()


def _log_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name.startswith("facilitator.stations") and r.levelno >= logging.WARNING]


def test_a_burst_of_forged_pairings_is_refused_after_the_budget_and_logged_once(
        event: EventStore, guarded: StationServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    audit_before = event.query("SELECT COUNT(*) AS n FROM audit_log")[0]["n"]
    statuses = []
    for _n in range(20):
        status, body = _post(guarded.port, "/pair", {"secret": new_secret(),
                                                     "token": "t" * 40, "person": ""},
                             source=ATTACKER)
        statuses.append(status)
        assert isinstance(body.get("error"), str) and body["error"]
    assert statuses == [400] * 5 + [429] * 15
    assert "Too many failed attempts" in body["error"]
    lines = _log_lines(caplog)
    assert len(lines) == 1 and ATTACKER in lines[0], lines
    # Even the right code is refused from that address now (nothing is checked) ...
    offer = ops.offer(event, "Desk 1", ["check_in"], actor="test")
    status, _body = _post(guarded.port, "/pair", {"secret": offer.secret, "token": "t" * 40},
                          source=ATTACKER)
    assert status == 429
    assert event.query("SELECT paired_at FROM stations")[0]["paired_at"] is None
    # ... and an honest station at another address pairs as usual.
    status, body = _post(guarded.port, "/pair", {"secret": offer.secret, "token": "h" * 40})
    assert status == 200 and body["name"] == "Desk 1"
    assert event.query("SELECT COUNT(*) AS n FROM audit_log")[0]["n"] == audit_before + 2
    assert len(_log_lines(caplog)) == 1


def test_forged_station_secrets_are_refused_after_the_budget(
        event: EventStore, guarded: StationServer, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    offer = ops.offer(event, "Desk 1", ["check_in"], actor="test")
    desk = StationClient(Outbox(tmp_path / "desk"))
    try:
        desk.pair(PairingCode("127.0.0.1", guarded.port, offer.secret, guarded.pin).text())
        station = int(desk.outbox.get("station"))
        statuses = [_post(guarded.port, "/hello", {}, source=ATTACKER,
                          auth=f"Station {station}:forged{n:030d}")[0] for n in range(12)]
        assert statuses == [401] * 5 + [429] * 7
        assert len(_log_lines(caplog)) == 1
        # The honest station (its own address, its own secret) is not locked out, however
        # often it asks.
        for _turn in range(10):
            assert desk.hello()["name"] == "Desk 1"
    finally:
        desk.close()
        desk.outbox.close()


def test_a_revoked_station_asking_again_and_again_still_hears_it_is_revoked(
        event: EventStore, guarded: StationServer, tmp_path: Path) -> None:
    offer = ops.offer(event, "Desk 1", ["check_in"], actor="test")
    desk = StationClient(Outbox(tmp_path / "desk"))
    try:
        desk.pair(PairingCode("127.0.0.1", guarded.port, offer.secret, guarded.pin).text())
        ops.revoke(event, offer.station.id, actor="test")
        auth = f"Station {desk.outbox.get('station')}:{desk.outbox.get('token')}"
        for _turn in range(10):  # its right secret: not a guess, never out of budget
            status, body = _post(guarded.port, "/hello", {}, auth=auth)
            assert status == 401 and "revoked" in str(body["error"])
    finally:
        desk.close()
        desk.outbox.close()


def test_many_connections_from_one_address_are_capped_and_stations_still_served(
        event: EventStore, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from facilitator.lan.server import ConnectionLimits

    caplog.set_level(logging.INFO)
    server = StationServer(event, "127.0.0.1", 0,
                           connections=ConnectionLimits(per_address=4, header_timeout=30))
    server.start()
    offer = ops.offer(event, "Desk 1", ["check_in"], actor="test")
    desk = StationClient(Outbox(tmp_path / "desk"), timeout=3.0)
    silent: list[socket.socket] = []
    try:
        desk.pair(PairingCode("127.0.0.1", server.port, offer.secret, server.pin).text())
        desk.close()
        # One address opens 40 connections and never starts TLS on any of them.
        for _n in range(40):
            sock = socket.socket()
            sock.bind((ATTACKER, 0))
            sock.connect(("127.0.0.1", server.port))
            silent.append(sock)
        # A station connecting after them is served at once (a handshake waited for on the
        # server's accepting thread would hold it up for the header timeout, 30 s, each).
        assert desk.hello()["name"] == "Desk 1"
        assert server.connections_from(ATTACKER) == 4
        assert server.refused_connections == 36
        silent[-1].settimeout(5)
        assert silent[-1].recv(1) == b""  # closed by the server
        lines = _log_lines(caplog)
        assert len(lines) == 1 and ATTACKER in lines[0], lines
    finally:
        for sock in silent:
            sock.close()
        desk.close()
        desk.outbox.close()
        server.stop()
