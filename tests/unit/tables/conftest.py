"""Independent checks for the allocation tests: rules and figures recomputed from scratch.

Nothing here uses facilitator.tables' own checking or metric code, so a bug there cannot
hide itself: a plan is checked against the problem's constraints directly, and the quality
figures are recomputed the long way. Tests get these helpers as fixtures (the suite runs
with ``--import-mode=importlib``, so test modules cannot import each other).
"""

from __future__ import annotations

import csv
import math
import random
from collections import Counter
from collections.abc import Callable
from itertools import combinations
from pathlib import Path

import pytest

from facilitator.tables import (
    Attribute,
    Cluster,
    Constraints,
    Person,
    Pin,
    Plan,
    Problem,
    Unavailable,
)

PROJECT_ROOT = Path(__file__).resolve().parents[3]
TABLES_DATA = PROJECT_ROOT / "tests" / "data" / "tables"
POOL_100 = "100i_4j_3k_3d_data.csv"
POOL_30 = "30i_4j_3k_3d_data.csv"


def _read_pool(name: str, id_column: str = "ID") -> list[Person]:
    """A GroupSelect sample pool from tests/data/tables; fails if missing."""
    path = TABLES_DATA / name
    if not path.is_file():
        pytest.fail(
            f"Reference data not found: {path}\nThe allocation tests read GroupSelect's "
            "sample pools from tests/data/tables (see its README.md).",
            pytrace=False,
        )
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [
        Person(row[id_column], {k: v for k, v in row.items() if k and k != id_column})
        for row in rows
    ]


def _check_plan(problem: Problem, plan: Plan, from_round: int = 0) -> list[str]:
    """Every hard rule ``plan`` breaks, recomputed without the package's own checker."""
    errors: list[str] = []
    c = problem.constraints
    ids = [p.id for p in problem.people]
    n_tables = problem.tables
    assert len(plan.rounds) == problem.rounds
    clusters = [
        [p.id for p in problem.people
         if str(p.attributes.get(k.attribute, "")).strip() == str(k.value).strip()]
        for k in c.clusters
    ]
    for r in range(from_round, problem.rounds):
        tables = plan.rounds[r]
        assert len(tables) == n_tables
        seated = [pid for table in tables for pid in table]
        counts = Counter(seated)
        if sorted(counts) != sorted(ids) or any(v != 1 for v in counts.values()):
            errors.append(f"round {r}: not everyone seated exactly once")
        closed = {u.table for u in c.unavailable if u.round == r}
        open_sizes = [len(t) for i, t in enumerate(tables) if i not in closed]
        if any(tables[i] for i in closed):
            errors.append(f"round {r}: someone at a closed table")
        if max(open_sizes) - min(open_sizes) > 1:
            errors.append(f"round {r}: sizes {open_sizes}")
        if problem.max_seats is not None and max(open_sizes) > problem.max_seats:
            errors.append(f"round {r}: more than {problem.max_seats} at a table")
        where = {pid: t for t, table in enumerate(tables) for pid in table}
        for pin in c.pins:
            if (pin.rounds is None or r in pin.rounds) and where.get(pin.person) != pin.table:
                errors.append(f"round {r}: pin {pin} broken")
        for a, b in c.apart:
            if where[a] == where[b]:
                errors.append(f"round {r}: {a} and {b} together")
        for a, b in c.together:
            if where[a] != where[b]:
                errors.append(f"round {r}: {a} and {b} apart")
        n_open = n_tables - len(closed)
        q, big = divmod(len(ids), n_open)
        for members in clusters:
            if not members:
                continue
            # Seats for the members and whoever is kept together with them.
            seats = set(members)
            grew = True
            while grew:
                grew = False
                for a, b in c.together:
                    if (a in seats) != (b in seats):
                        seats |= {a, b}
                        grew = True
            # Tables the cluster is pinned to come first (less seats pinned to others
            # there), then the emptiest others; the first `big` of them seat q + 1.
            pins_now = {
                pin.person: pin.table for pin in c.pins if pin.rounds is None or r in pin.rounds
            }
            pinned = sorted({pins_now[m] for m in seats if m in pins_now})
            foreign = Counter(t for pid, t in pins_now.items() if pid not in seats)
            rest = sorted((t for t in range(n_tables) if t not in closed and t not in pinned),
                          key=lambda t: foreign[t])
            order = pinned + rest
            room = [q + (1 if i < big else 0) - foreign[t] for i, t in enumerate(order)]
            need = next(
                k for k in range(len(pinned), n_open + 1)
                if sum(room[:k]) >= len(seats) or k == n_open
            )
            split = any(a in seats and b in seats for a, b in c.apart)
            need = max(need, 2 if split else 1)
            used = {where[m] for m in members}
            if len(used) > need:
                errors.append(f"round {r}: cluster over {len(used)} tables, {need} would do")
    return errors


def _figures(plan: Plan, people: list[Person], attributes: list[str]) -> dict[str, float]:
    """Repeats, most meetings, Σ(times met)² and mean L1, computed the long way."""
    met: Counter[frozenset[str]] = Counter()
    for tables in plan.rounds:
        for table in tables:
            for a, b in combinations(table, 2):
                met[frozenset((a, b))] += 1
    attrs = {p.id: p.attributes for p in people}
    l1s: list[float] = []
    for tables in plan.rounds:
        room = [pid for table in tables for pid in table]
        for table in tables:
            if not table:
                continue
            for name in attributes:
                values = {str(attrs[pid].get(name, "")).strip() for pid in room}
                l1s.append(sum(
                    abs(sum(1 for pid in table if str(attrs[pid].get(name, "")).strip() == v)
                        / len(table)
                        - sum(1 for pid in room if str(attrs[pid].get(name, "")).strip() == v)
                        / len(room))
                    for v in values
                ))
    return {
        "repeat_pairs": sum(1 for m in met.values() if m > 1),
        "max_meetings": max(met.values(), default=0),
        "mixing": sum(m * m for m in met.values()),
        "mean_l1": sum(l1s) / len(l1s) if l1s else 0.0,
    }


def _random_problem(seed: int, n: int | None = None) -> Problem:
    """A small room with every kind of constraint, feasible by construction most times."""
    rng = random.Random(seed)
    n = n or rng.randint(18, 45)
    people = [
        Person(f"p{i}", {
            "gender": rng.choice(["f", "m", "m", "x"]),
            "area": rng.choice(["north", "south", "east", "west"]),
            "age": str(rng.randint(16, 90)),
            "language": "cy" if rng.random() < 0.15 else "en",
        })
        for i in range(n)
    ]
    ids = [p.id for p in people]
    rounds = rng.randint(2, 4)
    table_size = rng.randint(4, 7)
    n_tables = math.ceil(n / table_size)
    unavailable = []
    if n_tables > 3:
        for r in range(rounds):
            if rng.random() < 0.5:
                unavailable.append(Unavailable(rng.randrange(n_tables), r))
    closed = {(u.round, u.table) for u in unavailable}
    shuffled = ids[:]
    rng.shuffle(shuffled)
    together = [(shuffled[0], shuffled[1])]
    if rng.random() < 0.5:
        together.append((shuffled[1], shuffled[2]))
    apart = [(shuffled[3], shuffled[4]), (shuffled[3], shuffled[5]), (shuffled[6], shuffled[0])]
    pins = []
    for pid in shuffled[7:9]:
        table = rng.randrange(n_tables)
        rounds_pinned = frozenset(r for r in range(rounds) if (r, table) not in closed)
        if rng.random() < 0.5 and rounds_pinned == frozenset(range(rounds)):
            pins.append(Pin(pid, table))
        elif rounds_pinned:
            pins.append(Pin(pid, table, frozenset(rng.sample(sorted(rounds_pinned), 1))))
    clusters = (Cluster("language", "cy"),) if rng.random() < 0.7 else ()
    return Problem(
        people,
        rounds=rounds,
        table_size=table_size,
        diversify=[Attribute("gender"), Attribute("area", weight=2.0), Attribute("age", bins=3)],
        constraints=Constraints(
            pins=tuple(pins), clusters=clusters, apart=tuple(apart),
            together=tuple(together), unavailable=tuple(unavailable),
        ),
    )


CheckPlan = Callable[..., list[str]]
Figures = Callable[[Plan, list[Person], list[str]], dict[str, float]]
RandomProblem = Callable[..., Problem]


@pytest.fixture
def check_plan() -> CheckPlan:
    return _check_plan


@pytest.fixture
def figures() -> Figures:
    return _figures


@pytest.fixture
def random_problem() -> RandomProblem:
    return _random_problem


@pytest.fixture(scope="session")
def pool_100() -> list[Person]:
    return _read_pool(POOL_100)


@pytest.fixture(scope="session")
def pool_30() -> list[Person]:
    return _read_pool(POOL_30)
