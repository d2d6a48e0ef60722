"""The phone page that sends an idea card (lan/theatre.py) over real HTTP on 127.0.0.1: the
card reaches the desk linked to what the person chose; an empty idea is refused in a
sentence and adds nothing; a forged field is a 400; no session, no page."""

from __future__ import annotations

import gettext
from collections.abc import Iterator

import pytest

from facilitator.changes import Changes
from facilitator.lan import theatre as lan_theatre
from facilitator.lan.server import LanServer
from facilitator.lan.text import PageText
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
    assert empty.status == 422 and "Write your idea first." in empty.body
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


class _Marked(gettext.NullTranslations):
    """A catalogue that translates every phone string into "«…»"."""

    def gettext(self, message: str) -> str:
        return f"«{message}»"


def test_refusals_are_in_the_phones_language(store: EventStore) -> None:
    """The idea page refuses in the language the phone chose (its own translation ``t``),
    never in the desk's: empty, too long, a scene or moment gone; and nothing is added."""
    person = add_walk_in(store, "Ana Phone", actor="t").participant
    ops.start_session(store, "Play", actor="t")
    scene = ops.add_scene(store, "The job centre", ["Jay"], actor="t").scene_id
    t = PageText("cy", _Marked())
    replies: list[tuple[str, str, int]] = []

    def html(title: str, body: str, status: int) -> tuple[int, list[tuple[str, str]], bytes]:
        replies.append((title, body, status))
        return status, [], body.encode()

    def post(text: str, about: str) -> tuple[int, str]:
        reply = lan_theatre.route(store, t, person, "/v/x", "key", [], "POST",
                                  {"text": text, "about": about}, "", html, lambda c: None)
        assert reply is not None
        return reply[0], reply[2].decode()

    status, body = post("  ", "")
    assert status == 422 and "«Write your idea first.»" in body
    status, body = post("x" * 2001, f"s{scene}")
    assert status == 422 and "«Your idea is longer than {n} characters; make it shorter.»"\
        .replace("{n}", "2000") in body
    for gone in (f"s{scene + 5}", "i99"):
        status, body = post("Named advisors", gone)
        assert status == 422 and "«What you chose under “Prompted by” is no longer there; " \
            "choose again.»" in body
    assert queries.cards(store) == []
    assert all(title == "«Your idea for change»" for title, _body, _status in replies)
    status, _body = post("Named advisors", f"s{scene}")
    assert status == 303 and len(queries.cards(store)) == 1
