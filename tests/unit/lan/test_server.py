"""The phone server on 127.0.0.1: pages, votes, Q&A, hands, languages, security, fuzzing."""

from __future__ import annotations

import errno
import random
import socket
import string
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from facilitator import codes, lan
from facilitator.ballots import Answer, BallotRound, phone_answers
from facilitator.changes import Changes
from facilitator.lan.app import Limits
from facilitator.lan.server import LanServer, local_addresses
from facilitator.people import get
from facilitator.qa.ops import create_panel
from facilitator.qa.queries import latest_panel_id, questions
from facilitator.store import EventStore

from .conftest import absent, present
from .helpers import form_key, request

GENEROUS = Limits(requests_per_second=1000, request_burst=1000, failures_per_second=1000,
                  failure_burst=1000, global_failures_per_second=1000,
                  global_failure_burst=1000)


@pytest.fixture
def changes_seen() -> list[Changes]:
    return []


@pytest.fixture
def server(demo: EventStore, changes_seen: list[Changes]) -> Iterator[LanServer]:
    srv = LanServer(demo, "127.0.0.1", 0, on_changes=changes_seen.append, limits=GENEROUS)
    srv.start()
    yield srv
    srv.stop()
    assert not srv.running


def vote(server: LanServer, token: str, round_id: int, index: int,
         fields: dict[str, str]) -> tuple[int, str]:
    path = f"/v/{token}/q/{round_id}/{index}"
    page = request(server.base_url, "GET", path)
    assert page.status == 200, page.body
    reply = request(server.base_url, "POST", path, form={"k": form_key(page.body), **fields})
    if reply.status == 303:
        return 303, request(server.base_url, "GET", reply.headers["location"]).body
    return reply.status, reply.body


def test_healthz_and_static(server: LanServer) -> None:
    assert request(server.base_url, "GET", "/healthz").body == '{"ok": true}'
    css = request(server.base_url, "GET", "/static/phone.css")
    assert css.status == 200 and css.headers["content-type"].startswith("text/css")
    assert request(server.base_url, "GET", "/static/../../etc/passwd").status == 404


def test_every_kind_by_form(server: LanServer, demo: EventStore,
                            phone_round: BallotRound) -> None:
    for index in range(len(phone_round.questions)):
        lan.open_question(demo, phone_round.id, index, actor="test")
    token = present(demo)[0].token
    forms = [{"choice": "0"}, {"choice": "1"}, {"choice": "2"}, {"o0": "1", "o2": "1"},
             {"o0": "2", "o1": "1", "o2": "", "o3": "3"}, {"o0": "5", "o1": "0"},
             {"o0": "3", "o1": "2", "o2": ""}, {"o0": "1", "o1": "1"}, {"o0": "1", "o1": "4"}]
    for index, fields in enumerate(forms):
        status, body = vote(server, token, phone_round.id, index, fields)
        assert status == 303, body
        assert "Your vote is recorded" in body and "receipt" in body.lower()
    q = phone_round.questions
    assert phone_answers(demo, phone_round.id, 4) == [Answer((2, 1, None, 3))]
    assert phone_answers(demo, phone_round.id, 3) == [Answer.choose(q[3], 0, 2)]
    assert phone_answers(demo, phone_round.id, 8) == [Answer((1, 4))]


def test_second_vote_does_not_count(server: LanServer, demo: EventStore,
                                    phone_round: BallotRound,
                                    changes_seen: list[Changes]) -> None:
    lan.open_question(demo, phone_round.id, 0, actor="test")
    token = present(demo)[0].token
    assert vote(server, token, phone_round.id, 0, {"choice": "0"})[0] == 303
    assert changes_seen and changes_seen[-1].phones
    path = f"/v/{token}/q/{phone_round.id}/0"
    page = request(server.base_url, "GET", path)
    assert "Send my vote" not in page.body  # no form once voted (changes not allowed)
    again = request(server.base_url, "POST", path, form={"k": form_key(page.body),
                                                         "choice": "1"})
    assert again.status == 409 and "already voted" in again.body
    assert phone_answers(demo, phone_round.id, 0) == [
        Answer.choose(phone_round.questions[0], 0)]


def test_an_invalid_answer_is_explained_and_kept(server: LanServer, demo: EventStore,
                                                 phone_round: BallotRound) -> None:
    lan.open_question(demo, phone_round.id, 3, actor="test")
    status, body = vote(server, present(demo)[0].token, phone_round.id, 3,
                        {"o0": "1", "o1": "1", "o2": "1"})
    assert status == 422 and "over-marked" in body
    assert body.count("checked") == 3  # the voter's choices are still ticked
    status, body = vote(server, present(demo)[0].token, phone_round.id, 3, {})
    assert status == 422 and "Vote blank" in body
    assert phone_answers(demo, phone_round.id, 3) == []
    status, _body = vote(server, present(demo)[0].token, phone_round.id, 3, {"blank": "1"})
    assert status == 303
    assert phone_answers(demo, phone_round.id, 3) == [Answer((None,) * 4)]


def test_join_with_the_badge_code(server: LanServer, demo: EventStore) -> None:
    person = present(demo)[0]
    reply = request(server.base_url, "POST", "/join", form={"code": person.badge_code.lower()})
    assert reply.status == 303 and reply.headers["location"] == f"/v/{person.token}"
    unknown = "Z" * 11 + codes.check_char("Z" * 11)
    wrong = request(server.base_url, "POST", "/join", form={"code": unknown})
    assert wrong.status == 400 and "not recognised" in wrong.body
    short = request(server.base_url, "POST", "/join", form={"code": "ZZZZZZZ"})
    assert short.status == 400 and "12 letters and digits" in short.body
    home = request(server.base_url, "GET", "/")
    assert home.status == 200 and 'name="code"' in home.body


def test_people_not_checked_in_or_revoked_are_told(server: LanServer,
                                                   demo: EventStore) -> None:
    reply = request(server.base_url, "GET", f"/v/{absent(demo)[0].token}")
    assert reply.status == 403 and "check in" in reply.body
    person = present(demo)[0]
    lan.revoke(demo, person.id, actor="test")
    assert request(server.base_url, "GET", f"/v/{person.token}").status == 403
    lan.reissue(demo, person.id, actor="test")
    server.tokens_changed()
    assert request(server.base_url, "GET", f"/v/{get(demo, person.id).token}").status == 200


def test_language_from_the_page_and_the_badge(server: LanServer, demo: EventStore) -> None:
    person = present(demo)[0]
    base = f"/v/{person.token}"
    page = request(server.base_url, "GET", base)
    reply = request(server.base_url, "POST", f"{base}/lang",
                    form={"k": form_key(page.body), "lang": "ar"})
    assert reply.status == 303
    arabic = request(server.base_url, "GET", base)
    assert 'lang="ar" dir="rtl"' in arabic.body
    assert 'lang="cy"' in request(server.base_url, "GET", "/?lang=cy").body
    welsh = request(server.base_url, "GET", "/", headers={"Accept-Language": "cy-GB,en;q=0.5"})
    assert 'lang="cy" dir="ltr"' in welsh.body


def test_qa_from_a_phone(server: LanServer, demo: EventStore) -> None:
    if latest_panel_id(demo) is None:
        create_panel(demo, "Experts", actor="test")
    panel = latest_panel_id(demo)
    assert panel is not None
    alice, bob = present(demo)[:2]
    page = request(server.base_url, "GET", f"/v/{alice.token}/ask")
    sent = request(server.base_url, "POST", f"/v/{alice.token}/ask",
                   form={"k": form_key(page.body), "text": "<b>Why</b> not trams?"})
    assert sent.status == 303
    mine = [q for q in questions(demo, panel) if q.text == "<b>Why</b> not trams?"]
    assert len(mine) == 1 and mine[0].source == "phone" and mine[0].status == "pending"
    from facilitator.qa.ops import approve

    approve(demo, mine[0].id, actor="test")
    page = request(server.base_url, "GET", f"/v/{bob.token}/ask")
    assert "&lt;b&gt;Why&lt;/b&gt;" in page.body and "<b>Why" not in page.body
    path = f"/v/{bob.token}/upvote/{mine[0].id}"
    assert request(server.base_url, "POST", path,
                   form={"k": form_key(page.body)}).status == 303
    again = request(server.base_url, "POST", path, form={"k": form_key(page.body)})
    assert again.status == 200 and "already support" in again.body
    votes = next(q for q in questions(demo, panel) if q.id == mine[0].id).votes
    assert votes == 1
    assert {r["actor"] for r in demo.query("SELECT actor FROM audit_log WHERE action IN "
                                            "('add_question', 'upvote_question')")} == {"phone"}


def test_raise_hand_from_a_phone(server: LanServer, demo: EventStore) -> None:
    person = present(demo)[0]
    page = request(server.base_url, "GET", f"/v/{person.token}")
    reply = request(server.base_url, "POST", f"/v/{person.token}/hand",
                    form={"k": form_key(page.body)})
    assert reply.status == 303
    assert [h.participant.id for h in lan.hands(demo)] == [person.id]
    assert "Lower my hand" in request(server.base_url, "GET", f"/v/{person.token}").body


def test_forged_posts_are_refused(server: LanServer, demo: EventStore,
                                  phone_round: BallotRound) -> None:
    lan.open_question(demo, phone_round.id, 0, actor="test")
    token = present(demo)[0].token
    path = f"/v/{token}/q/{phone_round.id}/0"
    key = form_key(request(server.base_url, "GET", path).body)
    no_key = request(server.base_url, "POST", path, form={"choice": "0"})
    other_site = request(server.base_url, "POST", path, form={"k": key, "choice": "0"},
                         headers={"Origin": "http://evil.example"})
    cross = request(server.base_url, "POST", path, form={"k": key, "choice": "0"},
                    headers={"Sec-Fetch-Site": "cross-site"})
    wrong_type = request(server.base_url, "POST", path, body=b"k=" + key.encode(),
                         headers={"Content-Type": "text/plain"})
    assert (no_key.status, other_site.status, cross.status, wrong_type.status) == (
        403, 403, 403, 415)
    assert phone_answers(demo, phone_round.id, 0) == []


def test_pages_escape_and_set_security_headers(server: LanServer, demo: EventStore) -> None:
    from facilitator.ballots import Question, create_round

    ballot_round = create_round(demo, "<script>alert(1)</script>", [
        Question.choose_one('Pick "one" <img src=x onerror=alert(1)>', ["<i>A</i>", "B&C"])
    ], actor="test").round
    lan.open_question(demo, ballot_round.id, 0, actor="test")
    page = request(server.base_url, "GET", f"/v/{present(demo)[0].token}/q/{ballot_round.id}/0")
    assert "<script>alert" not in page.body and "<img src=x" not in page.body
    assert "&lt;i&gt;A&lt;/i&gt;" in page.body and "B&amp;C" in page.body
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"


def test_rate_limit_on_guessing(demo: EventStore) -> None:
    strict = Limits(failures_per_second=0.01, failure_burst=3)
    srv = LanServer(demo, "127.0.0.1", 0, limits=strict)
    srv.start()
    try:
        statuses = [request(srv.base_url, "GET", f"/v/{'A' * 27}{i}").status
                    for i in range(6)]
        assert statuses[:3] == [403, 403, 403] and set(statuses[3:]) == {429}
        assert request(srv.base_url, "GET", "/healthz").status == 200
    finally:
        srv.stop()


def _raw(server: LanServer, data: bytes) -> bytes:
    """What the server answers to ``data`` (b"" if it reset the connection instead). It may
    answer and close before all of ``data`` is sent (a header too large): the connection is
    then reset under the sender, which may see it at its send or at its shutdown."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as conn:
        try:
            conn.sendall(data)
            conn.shutdown(socket.SHUT_WR)
        except (ConnectionResetError, BrokenPipeError):
            pass
        except OSError as exc:  # ENOTCONN: the reset arrived before the shutdown
            if exc.errno != errno.ENOTCONN:
                raise
        chunks = []
        while True:
            try:
                chunk = conn.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def test_fuzzing_accepts_nothing_and_keeps_serving(server: LanServer, demo: EventStore,
                                                   phone_round: BallotRound) -> None:
    for index in range(len(phone_round.questions)):
        lan.open_question(demo, phone_round.id, index, actor="test")
    rng = random.Random(8)
    people = present(demo)
    real = people[0].token
    key = form_key(request(server.base_url, "GET", f"/v/{real}").body)
    alphabet = string.ascii_letters + string.digits + "-_%/.?&=<>\"'"
    for _ in range(150):
        token = "".join(rng.choice(string.ascii_letters + string.digits + "-_")
                        for _ in range(rng.choice([1, 20, 27, 43, 64, 99])))
        path = rng.choice([f"/v/{token}", f"/v/{token}/q/{phone_round.id}/0",
                           f"/v/{token}/ask", "/" + "".join(rng.choice(alphabet)
                                                             for _ in range(rng.randint(1, 80)))])
        method = rng.choice(["GET", "POST", "PUT", "DELETE"])
        reply = request(server.base_url, method, path.replace(" ", ""),
                        form={"k": key, "choice": "0"} if method == "POST" else None)
        page_without_token = urlsplit(path).path in ("/", "/join", "/healthz")
        assert reply.status in (400, 403, 404, 405, 415) or (
            page_without_token and reply.status in (200, 303)), (method, path, reply.status)
    # Malformed forms from a real voter.
    path = f"/v/{real}/q/{phone_round.id}/4"
    bad_forms = [{"k": key, "o0": "-1"}, {"k": key, "o0": "1e3"}, {"k": key, "o0": "99999"},
                 {"k": key, "choice": "x"}, {"k": key, "o0": "\x00"},
                 {"k": key, "o0": "٣"}]
    for fields in bad_forms:
        assert request(server.base_url, "POST", path, form=fields).status == 400
    assert request(server.base_url, "POST", f"/v/{real}/q/{phone_round.id}/0",
                   form={"k": key, "choice": "7"}).status == 400
    oversized = request(server.base_url, "POST", path, body=b"k=" + b"x" * 20000,
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert oversized.status == 413
    broken = request(server.base_url, "POST", path, body=b"\xff\xfe=%%%",
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert broken.status == 400
    # Raw garbage on the socket, a huge header, a lying Content-Length.
    for data in (b"\x00\x01\x02garbage\r\n\r\n", b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n",
                 b"POST /join HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\nabc",
                 b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X: y\r\n" * 5000 + b"\r\n"):
        answer = _raw(server, data)
        assert answer == b"" or answer.split(b" ")[1].startswith(b"4"), answer[:80]
    # Nothing was accepted, and the server still serves.
    assert all(phone_answers(demo, phone_round.id, i) == []
               for i in range(len(phone_round.questions)))
    assert request(server.base_url, "GET", "/healthz").status == 200
    assert vote(server, people[1].token, phone_round.id, 0, {"choice": "0"})[0] == 303


def test_local_addresses_end_with_loopback() -> None:
    addresses = local_addresses()
    assert addresses[-1].address == "127.0.0.1"
