"""Join codes: guessing is limited per address and overall, a day's guessing at the most the
limits allow hits no badge (below one in a million), typos cost nothing, one address cannot
lock another out, and old short codes still check in at the desk but do not join.

Clients bind to different loopback addresses (127.0.0.2, 127.0.0.3, ...) to stand for
different phones; the server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import http.client
import sys
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from facilitator import codes, lan
from facilitator.ballots import scan
from facilitator.ballots.errors import CodeError
from facilitator.lan.app import Limits
from facilitator.lan.security import (
    ASSUMED_MAX_BADGES,
    DAY_SECONDS,
    GuessBudget,
    hit_chance,
    most_guesses,
)
from facilitator.lan.server import LanServer
from facilitator.people import find_by_scan, get
from facilitator.store import EventStore

from .conftest import present

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="needs 127.0.0.2 and friends on the loopback")


def post_code(server: LanServer, code: str, source: str) -> tuple[int, str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10,
                                      source_address=(source, 0))
    try:
        conn.request("POST", "/join", body=urlencode({"code": code}).encode(),
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        response = conn.getresponse()
        return (response.status, response.getheader("Location") or "",
                response.read().decode("utf-8", "replace"))
    finally:
        conn.close()


def wrong_code(number: int) -> str:
    """A well-formed badge code (right length, right check) that no badge has."""
    body = f"{number:011d}".replace("0", "Z")[:codes.BADGE_BODY_LENGTH]
    return body + codes.check_char(body)


# Guesses refill so slowly that a test never sees a refill.
STRICT = Limits(requests_per_second=1000, request_burst=1000, failures_per_second=0.0001,
                failure_burst=3, global_failures_per_second=0.0001, global_failure_burst=9)


@pytest.fixture
def strict(demo: EventStore) -> Iterator[LanServer]:
    server = LanServer(demo, "127.0.0.1", 0, limits=STRICT)
    server.start()
    yield server
    server.stop()


# -- the arithmetic ------------------------------------------------------------------------------


def test_a_days_guessing_at_the_limits_hits_no_badge() -> None:
    limits = Limits()
    # Every look-up takes from the shared bucket, so however many addresses guess, a day
    # allows at most burst + rate x 86,400 look-ups.
    guesses = most_guesses(DAY_SECONDS, limits.global_failures_per_second,
                           limits.global_failure_burst)
    assert guesses == 300 + 10 * 86_400
    chance = hit_chance(guesses, ASSUMED_MAX_BADGES, codes.BADGE_BODY_LENGTH)
    assert chance == pytest.approx(864_300 * 10_000 / 32 ** 11)
    assert chance < 1e-6
    # One address alone cannot empty the shared bucket.
    assert limits.failures_per_second * 10 <= limits.global_failures_per_second
    assert limits.failure_burst * 10 <= limits.global_failure_burst
    # Before: 6 random characters and 5 guesses a second overall gave a 1-7 % chance on an
    # assembly of 30 to 150, and old short codes could never be made safe at a usable rate.
    before = hit_chance(most_guesses(DAY_SECONDS, 5, 200), 150, 6)
    assert before > 0.05
    # Old short codes: 11 guesses a day against 100 of them already pass one in a million.
    assert hit_chance(11, 100, 6) > 1e-6


def test_the_budget_is_per_address_with_a_shared_ceiling() -> None:
    now = [0.0]
    budget = GuessBudget(0.2, 10, 10, 300, monotonic=lambda: now[0])
    taken = sum(budget.take("attacker") for _ in range(1000))
    assert taken == 10  # its burst, then nothing
    assert all(budget.take(f"phone-{i}") for i in range(10))  # others are not locked out
    now[0] += 5.0  # five seconds: one more guess for the attacker
    assert budget.take("attacker") and not budget.take("attacker")
    # Many addresses together are held by the shared bucket: at most burst + rate x time.
    now[0] = 1000.0
    fresh = GuessBudget(0.2, 10, 10, 300, monotonic=lambda: now[0])
    total = sum(fresh.take(f"a{i}") for i in range(200) for _ in range(10))
    assert total == 300
    now[0] += 1.0
    assert sum(fresh.take(f"b{i}") for i in range(100)) == 10
    # A hit gives its guess back.
    now[0] += 1000.0
    one = GuessBudget(0.0001, 1, 10, 300, monotonic=lambda: now[0])
    assert one.take("x")
    one.refund("x")
    assert one.take("x") and not one.take("x")


# -- through the phone server ------------------------------------------------------------------


@linux_only
def test_a_guess_beyond_the_budget_is_not_looked_up(strict: LanServer, demo: EventStore) -> None:
    person = present(demo)[0]
    statuses = [post_code(strict, wrong_code(i), "127.0.0.2")[0] for i in range(3)]
    assert statuses == [400, 400, 400]
    # Out of guesses: even the right code is refused, unseen (else the limit limits nothing).
    status, location, body = post_code(strict, person.badge_code, "127.0.0.2")
    assert status == 429 and not location and "Too many wrong codes" in body
    # Another phone joins.
    status, location, _body = post_code(strict, person.badge_code, "127.0.0.3")
    assert status == 303 and location == f"/v/{person.token}"


@linux_only
def test_typos_cost_no_guess_and_say_so(strict: LanServer, demo: EventStore) -> None:
    person = present(demo)[0]
    code = person.badge_code
    typo = code[:5] + ("0" if code[5] != "0" else "1") + code[6:]
    for _ in range(20):
        status, _location, body = post_code(strict, codes.pretty(typo), "127.0.0.4")
        assert status == 400 and "typing mistake" in body
    assert post_code(strict, code[:-2], "127.0.0.4")[2].count("12 letters and digits") == 1
    for _ in range(2):  # honest misses that pass the check still have their budget
        assert post_code(strict, wrong_code(7), "127.0.0.4")[0] == 400
    status, location, _body = post_code(strict, codes.pretty(code).lower(), "127.0.0.4")
    assert status == 303 and location == f"/v/{person.token}"


@linux_only
def test_many_attackers_do_not_lock_out_typos(strict: LanServer, demo: EventStore) -> None:
    # Three addresses spend the whole shared budget (3 x 3 = 9).
    for address in ("127.0.0.5", "127.0.0.6", "127.0.0.7"):
        for i in range(4):
            post_code(strict, wrong_code(100 + i), address)
    person = present(demo)[1]
    typo = person.badge_code[:-1] + ("0" if person.badge_code[-1] != "0" else "1")
    status, _location, body = post_code(strict, typo, "127.0.0.8")
    assert status == 400 and "typing mistake" in body  # told at once, not "too many"
    # A well-formed code now waits for the shared budget (the bound on any number of
    # addresses); the phone is told to wait a minute.
    status, _location, body = post_code(strict, person.badge_code, "127.0.0.8")
    assert status == 429 and "Wait a minute" in body


@linux_only
def test_an_old_short_code_checks_in_but_does_not_join(strict: LanServer,
                                                       demo: EventStore) -> None:
    person = present(demo)[2]
    old = codes.new_code(6)
    with demo.transaction():  # as in an event file from before codes were lengthened
        demo.execute("UPDATE participants SET badge_code = ? WHERE id = ?", (old, person.id))
    for typed in (old, codes.pretty(old), codes.pretty(old).lower()):
        assert find_by_scan(demo, typed).id == person.id  # the desk still reads it
    for _ in range(5):  # refused without a look-up, and without costing a guess
        status, location, body = post_code(strict, codes.pretty(old), "127.0.0.9")
        assert status == 400 and not location and "older badge" in body
    with pytest.raises(lan.LanError) as refused:
        lan.join(demo, old)
    assert refused.value.reason == "old_code"
    # A new badge for them joins.
    renewed = lan.reissue(demo, person.id, actor="test").participant
    assert len(renewed.badge_code) == codes.BADGE_LENGTH
    status, location, _body = post_code(strict, codes.pretty(renewed.badge_code), "127.0.0.9")
    assert status == 303 and location == f"/v/{renewed.token}"


def test_new_badges_have_long_codes_the_desk_reads(demo: EventStore) -> None:
    from facilitator.people import add_walk_in

    walk_in = add_walk_in(demo, "Walk In", check_in_now=True, actor="test").participant
    for person in [*present(demo)[:5], walk_in, get(demo, walk_in.id)]:
        code = person.badge_code
        assert len(code) == codes.BADGE_LENGTH and codes.check_badge_code(code) == "ok"
        # What a scanner or a person types: raw (the QR), grouped, lower case, spaced.
        for typed in (code, codes.pretty(code), codes.pretty(code).lower(),
                      " ".join(codes.pretty(code).split("-"))):
            assert find_by_scan(demo, typed).id == person.id
    assert len({p.badge_code for p in present(demo)}) == len(present(demo))


def test_a_badge_scanned_at_ballot_entry_is_named(demo: EventStore) -> None:
    from facilitator.ballots import Question, create_round

    round_id = create_round(demo, "R", [Question.yes_no("Q?")], actor="test").round.id
    for code in (present(demo)[0].badge_code, codes.new_code(6)):
        with pytest.raises(CodeError, match="participant's badge"):
            scan(demo, round_id, codes.pretty(code))
