"""A closed poll's file does not let anyone read a named person's answers.

While the poll is open, a person's answers are stored under HMAC(poll key, badge token), so
their waves pair up and their phone can show "answered". Closing the poll deletes the key;
the file is then read the way someone holding it could (tables, raw bytes, free pages, WAL,
the byte layout of the answers' pages) and nothing ties a code to a badge any more.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import sqlite3
from pathlib import Path

import pytest

from facilitator.people import add_walk_in
from facilitator.polls import ops, queries
from facilitator.polls.model import PollError
from facilitator.store import EventStore

from ..lan import sqlite_pages
from .conftest import participants, small_questionnaire


def fill(rng: random.Random, wave: int) -> dict[str, object]:
    return {"cars": rng.randint(0, 10), "buses": rng.choice([1, 2, 3, 4, 5, "dk"]),
            "bikes": rng.randint(0, 10), "tram": rng.randint(0, 1),
            "know1": rng.choice([0, 1, "dk"]), "know2": rng.randint(0, 1)}


def _root_in(path: Path, table: str) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return int(conn.execute("SELECT rootpage FROM sqlite_schema WHERE name = ?",
                                (table,)).fetchone()[0])


def test_closing_a_poll_leaves_no_way_to_a_named_persons_answers(
        event: EventStore, tmp_path: Path) -> None:
    add_walk_in(event, "Rare Person", {"Gender": "Other", "Age band": "65+"}, actor="test")
    people = participants(event)
    poll_id = ops.create_poll(event, small_questionnaire(), actor="test").poll_id
    rng = random.Random(16)
    ops.open_wave(event, poll_id, actor="test")
    key = bytes(event.query("SELECT key FROM poll_keys")[0][0])
    codes = {p.id: hmac.new(key, b"poll-pair:" + p.token.encode(), hashlib.sha256
                            ).hexdigest()[:24] for p in people}
    assert codes[people[0].id] == queries.pair_code(event, poll_id, people[0].token)
    order = people[:]
    rng.shuffle(order)
    for person in order:
        ops.answer(event, poll_id, person.id, fill(rng, 1), actor="phone")
    # Arrival order is in the page layout while the poll is open (so the test can see it).
    cells = [c for leaf in sqlite_pages.index_leaf_cells(
        _checkpointed(event), _root_in(event.path, "poll_responses")) for c in leaf]
    offsets = [c.offset for c in cells]
    assert offsets != sorted(offsets, reverse=True), "the test would not see arrival order"
    ops.close_wave(event, poll_id, actor="test")
    ops.open_wave(event, poll_id, actor="test")
    rng.shuffle(order)
    for person in order[:-3]:
        ops.answer(event, poll_id, person.id, fill(rng, 2), actor="phone")
    mine = queries.own_response(event, poll_id, 2, order[0].token)
    assert mine is not None and mine.code == codes[order[0].id]
    ops.close_poll(event, poll_id, actor="test")

    # Closed: no key, no pairing by badge, no more answers; the analysis still pairs.
    with pytest.raises(PollError, match="not open"):
        queries.pair_code(event, poll_id, people[0].token)
    with pytest.raises(PollError):
        ops.answer(event, poll_id, people[0].id, {"cars": 1}, actor="phone")
    with pytest.raises(sqlite3.IntegrityError), event.transaction():
        event.execute("UPDATE polls SET status = 'open' WHERE id = ?", (poll_id,))
    assert queries.analysis(event, poll_id).n_pairs == len(people) - 3
    groups = {r.groups.get("Gender") for r in queries.responses(event, poll_id)}
    assert groups == {"Woman", "Man", None}  # "Other" (one person) was dropped at close
    path = event.path
    event.close()

    # 1. Tables with plain sqlite3: the codes are only in poll_responses, beside no person.
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    assert conn.execute("SELECT count(*) FROM poll_keys").fetchone()[0] == 0
    holding = set()
    for (name,) in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'"):
        text = " ".join(str(v) for row in conn.execute(f'SELECT * FROM "{name}"') for v in row)
        if any(code in text for code in codes.values()):
            holding.add(name)
    assert holding == {"poll_responses"}
    columns = [c[1] for c in conn.execute("PRAGMA table_info(poll_responses)")]
    assert not any("participant" in c or "token" in c or "_at" in c for c in columns)
    answered = conn.execute("SELECT object_id, old, new, actor FROM audit_log "
                            "WHERE action = 'poll_answer'").fetchall()
    assert len(answered) == 2 * len(people) - 3
    assert {(o, old, new, a) for o, old, new, a in answered} == {
        (str(poll_id), None, '{"channel": "phone", "wave": 1}', "phone"),
        (str(poll_id), None, '{"channel": "phone", "wave": 2}', "phone")}
    freelist_count = conn.execute("PRAGMA freelist_count").fetchone()[0]
    conn.close()

    # 2. The raw bytes: the key is nowhere, in any spelling; the WAL is empty.
    data = path.read_bytes()
    for spelling in (key, key.hex().encode(), key.hex().upper().encode()):
        assert spelling not in data
    wal = Path(f"{path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0

    # 3. Free pages are zeroed.
    trunks, leaves = sqlite_pages.freelist(data)
    assert len(trunks) + len(leaves) == freelist_count
    for number in leaves:
        assert sqlite_pages.page(data, number) == bytes(sqlite_pages.page_size(data))

    # 4. The layout: answers sit in code order (the file was rebuilt at close), so the byte
    # offsets no longer give the order people answered in.
    for leaf in sqlite_pages.index_leaf_cells(data, _root_in(path, "poll_responses")):
        offsets = [c.offset for c in leaf]
        assert offsets == sorted(offsets, reverse=True)


def _checkpointed(store: EventStore) -> bytes:
    store.scrub(rebuild=False)
    return store.path.read_bytes()
