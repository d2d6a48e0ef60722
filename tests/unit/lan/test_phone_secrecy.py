"""A phone vote is secret in the event file: who voted is kept apart from what was voted,
nothing links them once a question closes (nor while it is open when changing votes is off),
and the phone page never shows a past vote.

The file is searched the way someone holding it could: its tables, views and indexes with
plain sqlite3, its raw bytes, its free pages, the byte layout of its pages, and its WAL.
"""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from facilitator import lan
from facilitator.ballots import (
    Answer,
    close_round,
    create_round,
    paper_refusal,
    phone_answers,
    phone_voters,
)
from facilitator.ballots.questions import Question
from facilitator.clock import FakeClock
from facilitator.lan.app import PhoneApp
from facilitator.people import Participant
from facilitator.store import EventStore
from facilitator.store.db import APPLICATION_ID
from facilitator.store.migrations import MIGRATIONS

from . import sqlite_pages
from .conftest import every_kind, present

# -- the phone pages, through the WSGI application ------------------------------------------------


def call(app: PhoneApp, method: str, url: str, form: dict[str, str] | None = None
         ) -> tuple[int, dict[str, str], str]:
    parts = urlsplit(url)
    body = urlencode(form).encode() if form is not None else b""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method, "PATH_INFO": parts.path, "QUERY_STRING": parts.query,
        "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:8080",
        "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/x-www-form-urlencoded" if form is not None else ""}
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"], seen["headers"] = int(status.split()[0]), dict(headers)

    text = b"".join(app(environ, start_response)).decode()
    return seen["status"], seen["headers"], text


def phone_vote(app: PhoneApp, person: Participant, round_id: int, index: int,
               fields: dict[str, str]) -> tuple[int, str]:
    """Vote as the phone page does; returns the status and the page shown after it."""
    url = f"/v/{person.token}/q/{round_id}/{index}"
    status, _h, page = call(app, "GET", url)
    assert status == 200, page
    key = re.search(r'name="k" value="([0-9a-f]+)"', page)
    assert key is not None
    status, headers, page = call(app, "POST", url, {"k": key.group(1), **fields})
    if status == 303:
        return call(app, "GET", headers["Location"])[::2]
    return status, page


def receipt_on(page: str) -> str | None:
    found = re.search(r'class="receipt">([A-Z0-9-]+)<', page)
    return found.group(1).replace("-", "") if found else None


def test_the_phone_page_never_shows_a_past_vote(demo: EventStore) -> None:
    q = Question.choose_one("Where should the next assembly meet?",
                            ["Town hall", "Library", "School"])
    ballot_round = create_round(demo, "Secret", (q, q), channel="phones", actor="test").round
    app = PhoneApp(demo)
    person = present(demo)[0]
    lan.save_settings(demo, lan.LanSettings(allow_change=True), actor="test")
    lan.open_question(demo, ballot_round.id, 0, actor="test")
    status, page = phone_vote(app, person, ballot_round.id, 0, {"choice": "1"})
    receipt = receipt_on(page)
    assert status == 200 and receipt is not None  # shown once, when the vote is cast
    assert "Your vote" in page and "Library" in page
    url = f"/v/{person.token}/q/{ballot_round.id}/0"
    page = call(app, "GET", url)[2]
    assert receipt_on(page) is None and receipt not in page  # never again
    assert "Your vote" in page and "Library" in page  # open, and may be changed: shown
    status, page = phone_vote(app, person, ballot_round.id, 0, {"choice": "2"})
    changed = receipt_on(page)
    assert changed is not None and changed != receipt and "School" in page
    home = call(app, "GET", f"/v/{person.token}")[2]
    assert "Voted" in home and changed not in home and "School" not in home
    lan.close_question(demo, ballot_round.id, 0, actor="test")
    page = call(app, "GET", url)[2]
    assert "You have voted on this question." in page
    assert "Your vote" not in page and 'class="summary"' not in page
    assert changed not in page and receipt not in page
    # Changing off: the vote is secret at once; the page knows the person voted, not what.
    lan.save_settings(demo, lan.LanSettings(allow_change=False), actor="test")
    lan.open_question(demo, ballot_round.id, 1, actor="test")
    status, page = phone_vote(app, person, ballot_round.id, 1, {"choice": "0"})
    assert receipt_on(page) is not None and "Town hall" in page
    page = call(app, "GET", f"/v/{person.token}/q/{ballot_round.id}/1")[2]
    assert "You have voted on this question." in page
    assert "Your vote" not in page and 'class="summary"' not in page
    assert 'class="ballot"' not in page  # no second vote offered
    # A reload of the receipt page does not bring the receipt back.
    page = call(app, "GET", f"/v/{person.token}/q/{ballot_round.id}/1?voted=1")[2]
    assert receipt_on(page) is None


@pytest.mark.parametrize(("index", "fields"), [
    (4, {"o0": "0", "o1": "", "o2": "", "o3": ""}),
    (4, {"o0": "1", "o1": "0", "o2": "", "o3": ""}),
    (4, {"o0": "00", "o1": "", "o2": "", "o3": ""}),
    (8, {"o0": "0", "o1": "1"}),
])
def test_a_rank_or_grade_of_zero_from_a_phone_is_refused_clearly(
        demo: EventStore, index: int, fields: dict[str, str]) -> None:
    """A hostile form: the page offers ranks and grades from 1, so a 0 was typed by hand.
    It used to be stored as a blank vote; now it is refused with a sentence saying why."""
    ballot_round = create_round(demo, "Hostile", every_kind(), channel="phones", actor="test").round
    lan.open_question(demo, ballot_round.id, index, actor="test")
    person = present(demo)[0]
    status, page = phone_vote(PhoneApp(demo), person, ballot_round.id, index, fields)
    assert status == 422
    assert re.search(r"(rank|grade) 0; (ranks|grades) start at 1", page)
    assert phone_answers(demo, ballot_round.id, index) == []
    assert not lan.has_voted(demo, person.id, ballot_round.id, index)


# -- the event file, read by someone holding it ---------------------------------------------------


def _wal(path: Path) -> Path:
    return Path(f"{path}-wal")


def _answer_bytes(answer: Answer) -> bytes:
    return json.dumps(answer.to_json()).encode()


def _key_ordered(cells: list[sqlite_pages.Cell]) -> bool:
    """Cells (in key order) sit at falling offsets: the page was built in key order, so
    its layout says nothing about when each arrived."""
    offsets = [c.offset for c in cells]
    return offsets == sorted(offsets, reverse=True)


def test_the_closed_event_file_links_no_voter_to_a_choice(demo: EventStore, tmp_path: Path,
                                                          clock: FakeClock) -> None:
    people = present(demo)[:12]
    kinds = every_kind()
    first = create_round(demo, "Morning", kinds, channel="phones", actor="test").round
    replaced: list[tuple[str, Answer]] = []
    receipts: dict[str, Answer] = {}

    def cast(person: Participant, round_id: int, index: int, answer: Answer) -> None:
        result = lan.cast_vote(demo, person.id, round_id, index, answer, actor="phone")
        receipts[result.vote.receipt] = answer
        clock.advance(7)

    # Changing allowed: votes on a yes/no and a score question; five people change theirs.
    lan.save_settings(demo, lan.LanSettings(allow_change=True), actor="test")
    lan.open_question(demo, first.id, 0, actor="test")
    lan.open_question(demo, first.id, 5, actor="test")
    for n, person in enumerate(people):
        cast(person, first.id, 0, Answer.choose(kinds[0], n % 2))
        # the five who change first give answers no final ballot has: (0, 0) … (4, 0)
        cast(person, first.id, 5, Answer((n, 0)) if n < 5 else Answer((n % 4, 1)))
    for n, person in enumerate(people[:5]):
        earlier = lan.my_vote(demo, person.id, first.id, 5)
        assert earlier is not None
        replaced.append((earlier.receipt, earlier.answer))
        cast(person, first.id, 5, Answer((5, 5 - n % 2)))  # the final answers end in 5 or 4
    # A distinctive answer that is replaced at once: it must leave no trace at all.
    lan.open_question(demo, first.id, 4, actor="test")
    lan.cast_vote(demo, people[0].id, first.id, 4, Answer((3, 1, 4, 2)), actor="phone")
    gone = lan.my_vote(demo, people[0].id, first.id, 4)
    assert gone is not None
    replaced.append((gone.receipt, gone.answer))
    cast(people[0], first.id, 4, Answer((1, 2, None, None)))
    assert demo.query("SELECT count(*) FROM lan_links")[0][0] == 2 * 12 + 1
    lan.close_question(demo, first.id, 0, actor="test")

    # Changing switched off: the links go at once; from now on votes are secret while open,
    # and the write-ahead log is emptied after each one.
    lan.save_settings(demo, lan.LanSettings(allow_change=False), actor="test")
    assert demo.query("SELECT count(*) FROM lan_links")[0][0] == 0
    lan.open_question(demo, first.id, 2, actor="test")
    for n, person in enumerate(reversed(people)):
        cast(person, first.id, 2, Answer.choose(kinds[2], n % 3))
        assert _wal(demo.path).stat().st_size == 0
    question_two = [c for leaf in sqlite_pages.index_leaf_cells(
        demo.path.read_bytes(), _root(demo, "lan_ballots")) for c in leaf
        if c.values[1:3] == [first.id, 2]]
    assert len(question_two) == 12 and not _key_ordered(question_two), \
        "the test would see arrival order if the file kept it"
    close_round(demo, first.id, note="secrecy test", actor="test")

    # A second round stays open, votes secret while open.
    second = create_round(demo, "Afternoon", kinds[:3], channel="phones", actor="test").round
    lan.open_question(demo, second.id, 0, actor="test")
    for n, person in enumerate(people[3:9]):
        cast(person, second.id, 0, Answer.choose(kinds[0], n % 3 == 0))
    voters = {(r, q): {p.id for p in people} for r, q in
              ((first.id, 0), (first.id, 5), (first.id, 2))}
    voters[(first.id, 4)] = {people[0].id}
    voters[(second.id, 0)] = {p.id for p in people[3:9]}
    live = {r[0] for r in demo.query("SELECT receipt FROM lan_ballots")}
    assert live == set(receipts) - {r for r, _a in replaced}
    path = demo.path
    demo.close()

    # 1. Tables, views and indexes, with plain sqlite3.
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view')")]
    holding: set[str] = set()
    for name in names:
        columns = [c[1] for c in conn.execute(f'PRAGMA table_info("{name}")')]
        rows = conn.execute(f'SELECT * FROM "{name}"').fetchall()
        text = " ".join(str(v) for row in rows for v in row)
        if any(receipt in text for receipt in receipts):
            holding.add(name)
            assert not any("participant" in c or "person" in c for c in columns), name
    assert holding == {"lan_ballots"}
    assert conn.execute("SELECT count(*) FROM lan_links").fetchone()[0] == 0
    assert [c[1] for c in conn.execute("PRAGMA table_info(lan_ballots)")] == [
        "receipt", "round_id", "question_index", "answer"]
    assert {(r, q): set(json.loads(p)) for r, q, p in conn.execute(
        "SELECT round_id, question_index, participants FROM lan_voter_lists")} == voters
    indexes = conn.execute("SELECT name, tbl_name, sql FROM sqlite_schema WHERE type = 'index' "
                           "AND tbl_name LIKE 'lan_%' AND sql IS NOT NULL").fetchall()
    assert not [i for i in indexes if i[1] in ("lan_ballots", "lan_links", "lan_voter_lists")]
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    freelist_count = conn.execute("PRAGMA freelist_count").fetchone()[0]
    clean = tmp_path / "clean.sqlite"
    conn.execute("VACUUM INTO ?", (str(clean),))  # the same rows, with no history at all
    conn.close()

    # 2. The raw bytes: nothing of a replaced vote; nothing more of any vote than a freshly
    # rebuilt copy of the same rows holds (a leftover link, an old page, a deleted row).
    data = path.read_bytes()
    fresh = clean.read_bytes()
    wal = _wal(path)
    assert not wal.exists() or wal.stat().st_size == 0
    for receipt, answer in replaced:
        assert receipt.encode() not in data and receipt.encode() not in fresh
        assert _answer_bytes(answer) not in data, answer
    for receipt in receipts:
        assert data.count(receipt.encode()) <= fresh.count(receipt.encode()), receipt
    assert b"replaced_at" not in data and b"cast_at" not in data

    # 3. Free pages: zeroed (secure_delete), only the freelist's own page numbers remain.
    trunks, leaves = sqlite_pages.freelist(data)
    assert len(trunks) + len(leaves) == freelist_count
    for number in leaves:
        assert sqlite_pages.page(data, number) == bytes(sqlite_pages.page_size(data)), number

    # 4. The layout: the closed round's ballots sit in key order (the file was rebuilt when
    # it closed), so the byte offsets no longer tell which ballot came when; the list of
    # voters is one row per question, so there is no per-voter arrival order to pair with.
    for leaf in sqlite_pages.index_leaf_cells(data, _root_in(path, "lan_ballots")):
        closed = [c for c in leaf if c.values[1] == first.id]
        assert _key_ordered(closed), [c.offset for c in closed]
    lists = [c for leaf in sqlite_pages.index_leaf_cells(data, _root_in(path, "lan_voter_lists"))
             for c in leaf]
    assert len(lists) == len(voters)


def _root(store: EventStore, table: str) -> int:
    return int(store.query("SELECT rootpage FROM sqlite_schema WHERE name = ?", (table,))[0][0])


def _root_in(path: Path, table: str) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return int(conn.execute("SELECT rootpage FROM sqlite_schema WHERE name = ?",
                                (table,)).fetchone()[0])


# -- a file from before (schema 6: one lan_votes row per vote, replaced ones kept) ------------


def _v6_event(path: Path) -> dict[str, Any]:
    q = Question.choose_one("Where next?", ["Town hall", "Library", "School"])
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("BEGIN")
    for step in MIGRATIONS[:6]:
        step(conn)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 6")
    now = "2030-05-04T09:00:00.000000+00:00"
    conn.execute("INSERT INTO meta (key, value) VALUES ('name', 'Old event'), "
                 "('lan_settings', '{\"allow_change\": true, \"results_live\": false, "
                 "\"port\": 8080, \"host\": \"\"}')")
    for n in (1, 2, 3):
        conn.execute(
            "INSERT INTO participants (id, ext_id, name, role, attributes, source, status, "
            "checked_in_at, badge_code, token, search_key, created_at) VALUES "
            "(?, ?, ?, 'participant', '{}', 'import', 'checked_in', ?, ?, ?, '', ?)",
            (n, f"P{n}", f"Person {n}", now, f"BADGE{n}X", f"token-{n}", now))
    conn.execute("INSERT INTO ballot_rounds (id, title, status, created_at, opened_at) "
                 "VALUES (1, 'Old round', 'open', ?, ?)", (now, now))
    for position in (0, 1):
        conn.execute("INSERT INTO ballot_questions (round_id, position, spec) VALUES (1, ?, ?)",
                     (position, json.dumps(q.to_json())))
    conn.execute("INSERT INTO lan_questions VALUES (1, 0, 'closed', ?, ?), (1, 1, 'open', ?, "
                 "NULL)", (now, now, now))
    votes = [  # participant, question, answer, receipt, cast at, replaced at
        (1, 0, '{"m": [null, null, 1]}', "OLDRCPT1", "2030-05-04T09:01:01.000000+00:00",
         "2030-05-04T09:02:02.000000+00:00"),
        (1, 0, '{"m": [1, null, null]}', "LIVERCP1", "2030-05-04T09:02:02.000000+00:00", None),
        (2, 0, '{"m": [null, 1, null]}', "LIVERCP2", "2030-05-04T09:03:03.000000+00:00", None),
        (1, 1, '{"m": [null, 1, null]}', "LIVERCP3", "2030-05-04T09:04:04.000000+00:00", None),
    ]
    conn.executemany("INSERT INTO lan_votes (participant_id, question_index, answer, receipt, "
                     "cast_at, replaced_at, round_id) VALUES (?, ?, ?, ?, ?, ?, 1)", votes)
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return {"votes": votes}


def test_an_older_file_is_migrated_and_its_history_zeroed(tmp_path: Path,
                                                          clock: FakeClock) -> None:
    path = tmp_path / "old.facilitator"
    _v6_event(path)
    before = path.read_bytes()
    assert b"OLDRCPT1" in before and b"09:01:01" in before  # what the old file gave away
    with EventStore.open(path, clock) as store:
        assert store.query("SELECT name FROM sqlite_schema WHERE name = 'lan_votes'") == []
        # gone from the file as soon as it is opened, not only once it is closed
        assert b"OLDRCPT1" not in path.read_bytes() and _wal(path).stat().st_size == 0
        ballots = {r["receipt"]: json.loads(r["answer"]) for r in store.query(
            "SELECT * FROM lan_ballots")}
        assert ballots == {"LIVERCP1": {"m": [1, None, None]}, "LIVERCP2": {"m": [None, 1, None]},
                           "LIVERCP3": {"m": [None, 1, None]}}
        assert [tuple(r) for r in store.query(
            "SELECT round_id, question_index, participants FROM lan_voter_lists "
            "ORDER BY question_index")] == [(1, 0, "[1,2]"), (1, 1, "[1]")]
        # Only the open question keeps the link, since changing votes was allowed.
        assert [tuple(r) for r in store.query("SELECT * FROM lan_links")] == [
            (1, 1, 1, "LIVERCP3")]
        vote = lan.my_vote(store, 1, 1, 1)
        assert vote is not None and vote.receipt == "LIVERCP3"
        assert lan.my_vote(store, 1, 1, 0) is None
        assert paper_refusal(store, 1, 2) is not None and phone_voters(store, 1) == {1, 2}
        assert store.integrity_check() == "ok"
    data = path.read_bytes()
    assert b"OLDRCPT1" not in data and b'{"m": [null, null, 1]}' not in data
    for stamp in (b"09:01:01", b"09:02:02", b"09:03:03", b"09:04:04"):
        assert stamp not in data, stamp  # the times of the votes are gone
    assert b"replaced_at" not in data
    _trunks, leaves = sqlite_pages.freelist(data)
    for number in leaves:
        assert sqlite_pages.page(data, number) == bytes(sqlite_pages.page_size(data))
    assert not _wal(path).exists() or os.path.getsize(_wal(path)) == 0
