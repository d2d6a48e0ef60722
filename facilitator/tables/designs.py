"""Seating schedules where no two people ever meet twice, built by construction, not search.

A schedule here seats *slots* ``0 .. slots-1``: ``rounds[r][s]`` is the table of slot ``s``
in round ``r``, and no two slots share a table in two rounds. People are put into slots
afterwards (:mod:`facilitator.tables.search` balances the tables by choosing who takes which
slot); relabelling people never creates a repeat meeting, so the balance search cannot spoil
the schedule.

Two sources:

- **Transversal designs over a finite field** GF(q), for ``q`` tables (``q`` a prime power:
  2, 3, 4, 5, 7, 8, 9, 11, 13, 16, 17, 19, 23, 25, 27, 29, 31, 32, …) of up to ``k ≤ q``
  people: slot ``(r, x)`` (row ``r < k``, ``x`` in GF(q)) sits at table ``x − m·a_r`` in
  round ``m``, with a different ``a_r`` per row. Two slots of different rows meet in exactly
  one round (``x − x' = m(a_r − a_r')`` has one solution), two of the same row never, so up
  to ``q`` rounds have no repeat; when ``k`` divides ``q`` and every seat is taken, one more
  round seats each row by itself (``q + 1`` rounds: the affine plane AG(2, q) when ``k = q``;
  9 rounds for the 32 social golfers in 8 tables of 4, over GF(8)). Fewer people than
  ``k·q`` leave *dummy* seats, all in the last row, so no table ever has two and table
  sizes differ by at most one.
- **Published schedules**: 32 people in 8 tables of 4 for 10 rounds (the social golfer
  problem's upper bound: 30 of each person's 31 possible partners). No finite-field
  construction gives it; :data:`GOLFER_32_10` is the solution published for T(32, 4) (the
  first ten rounds of the 11-round table in the Wolfram Demonstrations Project's "Social
  Golfer Problem", as collected in the Dagstuhl-tables literature notes), with the golfers
  A–P, a–p numbered 0–15, 16–31. ``tests/unit/tables/test_tables_designs.py`` checks that
  it has no repeat; up to 2 of its 32 seats may stay empty (slots 15 and 31 never meet).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Schedule = list[list[int]]
"""``schedule[r][slot]`` → table in round ``r``."""

MAX_FIELD = 256
"""Largest field built (its tables have q² entries)."""

GOLFER_32_10 = (
    "0,1,2,3 4,5,6,7 8,9,10,11 12,13,14,15 16,17,18,19 20,21,22,23 24,25,26,27 28,29,30,31",
    "0,4,8,28 1,18,22,7 3,5,10,31 19,21,26,15 16,20,24,12 17,2,6,23 25,11,13,30 9,27,29,14",
    "0,21,27,30 1,23,26,28 3,6,24,13 16,5,11,14 17,7,10,12 2,20,9,15 18,4,25,31 19,22,8,29",
    "0,18,24,11 1,19,25,10 17,3,9,26 5,22,30,15 21,6,14,31 16,2,8,27 4,23,12,29 20,7,28,13",
    "0,22,10,13 1,4,27,15 3,7,8,30 19,23,24,14 17,20,11,31 2,21,25,28 18,5,9,12 16,6,26,29",
    "0,23,9,31 1,5,24,29 18,3,28,14 17,21,8,13 20,6,10,27 2,19,12,30 4,22,26,11 16,7,25,15",
    "0,19,20,5 1,6,9,30 16,3,4,21 18,23,27,13 24,10,28,15 2,7,11,29 17,22,25,14 8,26,12,31",
    "0,17,29,15 16,1,13,31 3,22,27,12 18,20,26,30 21,7,24,9 2,4,10,14 5,23,8,25 19,6,11,28",
    "0,6,25,12 1,20,8,14 3,23,11,15 16,22,9,28 18,21,10,29 2,5,26,13 17,4,24,30 19,7,27,31",
    "0,7,26,14 1,21,11,12 3,20,25,29 17,5,27,28 18,6,8,15 2,22,24,31 19,4,9,13 16,23,10,30",
)


@dataclass(frozen=True)
class Design:
    """A schedule of slots, which of them stay empty, and where it comes from."""

    schedule: Schedule
    dummies: tuple[int, ...]
    source: str

    @property
    def slots(self) -> int:
        return len(self.schedule[0])


# -- finite fields ----------------------------------------------------------------------------


def prime_power(q: int) -> tuple[int, int] | None:
    """``(p, e)`` with ``q = p**e`` for a prime ``p``, or None."""
    if q < 2:
        return None
    p = next(d for d in range(2, q + 1) if q % d == 0)
    e, rest = 0, q
    while rest % p == 0:
        rest //= p
        e += 1
    return (p, e) if rest == 1 else None


def _poly_mulmod(a: list[int], b: list[int], mod: list[int], p: int) -> list[int]:
    out = [0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        if x:
            for j, y in enumerate(b):
                out[i + j] = (out[i + j] + x * y) % p
    e = len(mod) - 1  # mod is monic, degree e, lowest coefficient first
    for i in range(len(out) - 1, e - 1, -1):
        c = out[i]
        if c:
            for j in range(e + 1):
                out[i - e + j] = (out[i - e + j] - c * mod[j]) % p
    return (out + [0] * e)[:e]


def _digits(x: int, p: int, e: int) -> list[int]:
    return [(x // p**i) % p for i in range(e)]


def _number(digits: Sequence[int], p: int) -> int:
    return sum(d * p**i for i, d in enumerate(digits))


def _irreducible(p: int, e: int) -> list[int]:
    """A monic polynomial of degree ``e`` over GF(p) with no root in GF(p^e) below it."""
    for tail in range(p**e):
        mod = [*_digits(tail, p, e), 1]
        if mod[0] == 0:
            continue
        # Irreducible iff it has no monic factor of degree 1 .. e // 2.
        if all(_poly_rem(mod, [*_digits(f, p, d), 1], p) for d in range(1, e // 2 + 1)
               for f in range(p**d)):
            return mod
    raise AssertionError("no irreducible polynomial")  # pragma: no cover (always exists)


def _poly_rem(a: list[int], b: list[int], p: int) -> bool:
    """Whether ``b`` (monic) leaves a non-zero remainder dividing ``a``."""
    rem = list(a)
    db = len(b) - 1
    for i in range(len(rem) - 1, db - 1, -1):
        c = rem[i]
        if c:
            for j in range(db + 1):
                rem[i - db + j] = (rem[i - db + j] - c * b[j]) % p
    return any(rem[:db])


@dataclass(frozen=True)
class Field:
    """GF(q) with elements ``0 .. q-1`` (0 is zero), by addition and multiplication tables."""

    q: int
    add: tuple[tuple[int, ...], ...]
    mul: tuple[tuple[int, ...], ...]
    neg: tuple[int, ...]


def field(q: int) -> Field | None:
    """GF(q), or None when ``q`` is not a prime power (or above :data:`MAX_FIELD`)."""
    pe = prime_power(q)
    if pe is None or q > MAX_FIELD:
        return None
    p, e = pe
    if e == 1:
        add = tuple(tuple((a + b) % p for b in range(q)) for a in range(q))
        mul = tuple(tuple((a * b) % p for b in range(q)) for a in range(q))
    else:
        mod = _irreducible(p, e)
        digits = [_digits(x, p, e) for x in range(q)]
        add = tuple(tuple(_number([(x + y) % p for x, y in zip(digits[a], digits[b],
                                                                 strict=True)], p)
                          for b in range(q)) for a in range(q))
        mul = tuple(tuple(_number(_poly_mulmod(digits[a], digits[b], mod, p), p)
                          for b in range(q)) for a in range(q))
    neg = tuple(row.index(0) for row in add)
    return Field(q, add, mul, neg)


# -- designs ----------------------------------------------------------------------------------


def transversal(people: int, tables: int, rounds: int) -> Design | None:
    """The finite-field schedule for ``people`` at ``tables`` tables, or None if none exists."""
    gf = field(tables)
    if gf is None:
        return None
    q = tables
    k = math.ceil(people / q)
    extra = rounds == q + 1 and q % k == 0 and people == k * q
    if k > q or k < 2 or not (rounds <= q or extra):
        return None
    schedule: Schedule = []
    for m in range(min(rounds, q)):
        row: list[int] = []
        for r in range(k):
            step = gf.neg[gf.mul[m][r]]
            row.extend(gf.add[x][step] for x in range(q))
        schedule.append(row)
    if extra:
        per_row = q // k
        schedule.append([r * per_row + x // k for r in range(k) for x in range(q)])
    dummies = tuple(range(people, k * q))
    return Design(schedule, dummies, f"GF({q})")


def golfer_32(people: int, tables: int, rounds: int) -> Design | None:
    """The published 10-round schedule of 32 in 8 tables of 4 (30–32 people, ≤ 10 rounds)."""
    if tables != 8 or not 30 <= people <= 32 or rounds > len(GOLFER_32_10):
        return None
    schedule: Schedule = []
    for line in GOLFER_32_10[:rounds]:
        row = [0] * 32
        for t, group in enumerate(line.split()):
            for s in group.split(","):
                row[int(s)] = t
        schedule.append(row)
    dummies = (31, 15)[: 32 - people]
    return Design(schedule, tuple(sorted(dummies)), "published T(32,4)")


def design_for(people: int, tables: int, rounds: int) -> Design | None:
    """A schedule with no repeat meeting for this room, when one is known; else None.

    Table sizes in each round are ``people // tables`` or one more, as the search's.
    """
    if rounds < 1 or tables < 2 or people < 2 * tables:
        return None
    for build in (transversal, golfer_32):
        design = build(people, tables, rounds)
        if design is not None:
            return design
    return None


def repeats(schedule: Schedule, empty: Sequence[int] = ()) -> int:
    """Pairs of occupied slots that share a table more than once (0 for a good design)."""
    skip = set(empty)
    met: dict[tuple[int, int], int] = {}
    for row in schedule:
        at: dict[int, list[int]] = {}
        for s, t in enumerate(row):
            if s not in skip:
                at.setdefault(t, []).append(s)
        for members in at.values():
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    met[a, b] = met.get((a, b), 0) + 1
    return sum(1 for m in met.values() if m > 1)
