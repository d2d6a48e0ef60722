"""The phone page that sends an idea card (lan/theatre.py) over real HTTP on 127.0.0.1: the
card reaches the desk linked to what the person chose; an empty idea is refused in a
sentence and adds nothing; a forged field is a 400; no session, no page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from facilitator.changes import Changes
from facilitator.lan.server import LanServer
from facilitator.people import add_walk_in
from facilitator.store import EventStore
from facilitator.theatre import ops, queries

from ..lan.helpers import form_key, request


@pytest.fixture
def served(store: EventStore) -> Iterator[tuple[LanServer, list[Changes]]]:
    seen: list[Changes] = []
    server = LanServer(store, "127.0.0.1", 0, on_changes=seen.append)
    server.start()
    yield server, seen
    server.stop()


def test_idea_from_a_phone(store: EventStore,
                           served: tuple[LanServer, list[Changes]]) -> None:
    server, seen = served
    person = add_walk_in(store, "Ana Phone", actor="t").participant
    base = server.badge_url(person.token)
    path = base[base.index("/v/"):]
    root = base[:base.index("/v/")]
    assert request(root, "GET", f"{path}/idea").status == 404  # no session yet
    ops.start_session(store, "Play", actor="t")
    scene = ops.add_scene(store, "The job centre", ["Jay"], actor="t").scene_id
    home = request(root, "GET", path)
    assert "Send an idea for change" in home.body
    page = request(root, "GET", f"{path}/idea")
    assert page.status == 200 and "Scene 1: The job centre" in page.body
    key = form_key(page.body)
    empty = request(root, "POST", f"{path}/idea", form={"k": key, "text": " ", "about": ""})
    assert empty.status == 422 and "The idea card is empty." in empty.body
    assert queries.cards(store) == []
    forged = request(root, "POST", f"{path}/idea",
                     form={"k": key, "text": "x", "about": "drop table"})
    assert forged.status == 400
    sent = request(root, "POST", f"{path}/idea",
                   form={"k": key, "text": "Named advisors", "about": f"s{scene}"})
    assert sent.status == 303 and sent.headers["location"].endswith("/idea?sent=1")
    card = queries.cards(store)[0]
    assert (card.text, card.source, card.scene_id, card.participant_id) == (
        "Named advisors", "phone", scene, person.id)
    assert any(c.theatre for c in seen)
