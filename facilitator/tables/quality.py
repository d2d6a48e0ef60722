"""How good a plan is, and whether it keeps the rules, for any plan.

The same functions judge a plan the search made and one a facilitator edited by hand, so the
quality panel, the printed sheets and the benchmarks all quote the same figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from facilitator.i18n import _
from facilitator.tables.compiled import (
    Compiled,
    cluster_members,
    cluster_tables,
    compile_problem,
    encode,
)
from facilitator.tables.model import (
    AllocationError,
    Attribute,
    Person,
    Plan,
    Problem,
    components,
    pinned_table,
)

IndexRounds = list[list[list[int]]]


@dataclass(frozen=True)
class PlanQuality:
    """The figures a facilitator compares plans by.

    ``mixing`` is the sum over pairs of (times met)²: repeats cost more the more they pile
    on one pair. ``balance`` is the weighted sum over tables, rounds and diversified
    attributes of the L1 distance between the table's category shares and the room's.
    ``mean_l1`` is the unweighted mean of that L1 over tables × rounds × attributes (the
    figure GroupSelect comparisons quote); ``l1_by_attribute`` breaks it down.
    """

    mixing: int
    balance: float
    repeat_pairs: int
    max_meetings: int
    mean_l1: float
    l1_by_attribute: Mapping[str, float]


def quality_of(cp: Compiled, rounds: IndexRounds) -> PlanQuality:
    """Quality of a plan given as person indices into ``cp``."""
    return _quality(rounds, cp.cats, [len(x) for x in cp.labels], cp.weights,
                    [a.name for a in cp.problem.diversify])


def _quality(
    rounds: IndexRounds,
    cats: list[list[int]],
    n_labels: list[int],
    weights: list[float],
    names: list[str],
) -> PlanQuality:
    met: dict[tuple[int, int], int] = {}
    for tables in rounds:
        for table in tables:
            members = sorted(table)
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    met[a, b] = met.get((a, b), 0) + 1
    mixing = sum(m * m for m in met.values())
    repeats = sum(1 for m in met.values() if m > 1)
    most = max(met.values(), default=0)

    n_attr = len(weights)
    sums = [0.0] * n_attr
    counted = 0
    balance = 0.0
    for tables in rounds:
        seated = [p for table in tables for p in table]
        if not seated:
            continue
        room = [[0] * k for k in n_labels]
        for p in seated:
            for a in range(n_attr):
                room[a][cats[p][a]] += 1
        for table in tables:
            if not table:
                continue
            counted += 1
            size = len(table)
            for a in range(n_attr):
                here = [0] * n_labels[a]
                for p in table:
                    here[cats[p][a]] += 1
                l1 = sum(
                    abs(h / size - w / len(seated)) for h, w in zip(here, room[a], strict=True)
                )
                sums[a] += l1
                balance += weights[a] * l1
    by_attr = {name: (s / counted if counted else 0.0) for name, s in zip(names, sums, strict=True)}
    mean = sum(sums) / (counted * n_attr) if counted and n_attr else 0.0
    return PlanQuality(
        mixing=mixing,
        balance=balance,
        repeat_pairs=repeats,
        max_meetings=most,
        mean_l1=mean,
        l1_by_attribute=by_attr,
    )


def evaluate(plan: Plan, people: Sequence[Person], diversify: Sequence[Attribute]) -> PlanQuality:
    """Quality of any plan; ``people`` must include everyone the plan seats.

    Room shares are taken per round from the people seated in that round, so a plan that
    was re-balanced (latecomers, leavers) is judged against the room as it was each round.
    Numeric attributes are binned over ``people``.
    """
    index = {p.id: i for i, p in enumerate(people)}
    rounds: IndexRounds = []
    for r, tables in enumerate(plan.rounds):
        seen: set[str] = set()
        round_rows: list[list[int]] = []
        for table in tables:
            row = []
            for pid in table:
                if pid not in index:
                    raise AllocationError(
                        _("The plan seats {id}, who is not in the list.").format(id=pid)
                    )
                if pid in seen:
                    raise AllocationError(
                        _("{id} is seated twice in round {n}.").format(id=pid, n=r + 1)
                    )
                seen.add(pid)
                row.append(index[pid])
            round_rows.append(row)
        rounds.append(round_rows)
    cats, labels = encode(people, diversify)
    return _quality(rounds, cats, [len(x) for x in labels], [a.weight for a in diversify],
                    [a.name for a in diversify])


def violations(problem: Problem, plan: Plan, from_round: int = 0) -> list[str]:
    """Every rule ``plan`` breaks for ``problem``, as sentences; empty when it keeps them all.

    Checks the shape (rounds, tables), that everyone is seated exactly once per round, table
    sizes, closed tables, seats, pins, keep-apart, keep-together and clusters, in rounds
    ``from_round`` onwards (earlier rounds of a re-balanced plan seated a different room).
    Meant for plans edited by hand; the search never returns a plan with violations.
    """
    out: list[str] = []
    if len(plan.rounds) != problem.rounds:
        return [_("The plan has {got} rounds, not {want}.").format(
            got=len(plan.rounds), want=problem.rounds)]
    ids = [p.id for p in problem.people]
    known = set(ids)
    c = problem.constraints
    groups = components(ids, c.together)
    clusters = cluster_members(problem)
    for r, tables in enumerate(plan.rounds):
        if r < from_round:
            continue
        name = _("round {n}").format(n=r + 1)
        if len(tables) != problem.tables:
            out.append(_("In {round} the plan has {got} tables, not {want}.").format(
                round=name, got=len(tables), want=problem.tables))
            continue
        seat: dict[str, int] = {}
        for t, table in enumerate(tables):
            for pid in table:
                if pid not in known:
                    out.append(_("{id} at table {t} in {round} is not in the list.").format(
                        id=pid, t=t + 1, round=name))
                elif pid in seat:
                    out.append(_("{id} is seated twice in {round}.").format(id=pid, round=name))
                else:
                    seat[pid] = t
        out.extend(
            _("{id} has no seat in {round}.").format(id=pid, round=name)
            for pid in ids if pid not in seat
        )
        available = set(problem.available(r))
        for t, table in enumerate(tables):
            if table and t not in available:
                out.append(_("Table {t} is unavailable in {round} but seats people.").format(
                    t=t + 1, round=name))
        used = [len(tables[t]) for t in sorted(available)]
        if used and max(used) - min(used) > 1:
            out.append(_("Table sizes in {round} differ by more than one ({lo} to {hi}).").format(
                round=name, lo=min(used), hi=max(used)))
        if problem.max_seats is not None and used and max(used) > problem.max_seats:
            out.append(_("A table in {round} has more people than seats.").format(round=name))
        for pid, t in sorted(pinned_table(problem, r).items()):
            if pid in seat and seat[pid] != t:
                out.append(_("{id} is pinned to table {t} but sits at table {s} in {round}.")
                           .format(id=pid, t=t + 1, s=seat[pid] + 1, round=name))
        for a, b in c.apart:
            if a in seat and seat.get(a) == seat.get(b):
                out.append(_("{a} and {b} must sit apart but share table {t} in {round}.")
                           .format(a=a, b=b, t=seat[a] + 1, round=name))
        for group in groups:
            where = {seat[m] for m in group if m in seat}
            if len(where) > 1:
                out.append(_("{ids} must sit together but are split in {round}.").format(
                    ids=", ".join(group), round=name))
        for cluster, members in zip(c.clusters, clusters, strict=True):
            where = {seat[m] for m in members if m in seat}
            allowed = cluster_tables(problem, r, members)
            if len(where) > allowed:
                out.append(_("{attr}={value} is spread over {got} tables in {round}; "
                             "{want} would do.").format(
                    attr=cluster.attribute, value=cluster.value, got=len(where),
                    want=allowed, round=name))
    return out


def reference_mean_l1(problem: Problem, round_: int = 0) -> float:
    """The attribute-by-attribute reference: about the best any plan can do on balance.

    For each diversified attribute alone, sort people by it and deal them round-robin to the
    tables in use in ``round_``; return the mean over attributes of the deals' mean
    per-table L1. A plan's ``mean_l1`` divided by this says how close to ideal it is.
    """
    cp = compile_problem(problem)
    tables = cp.available[round_]
    n_attr = cp.n_attr
    if not n_attr:
        return 0.0
    total = 0.0
    for a in range(n_attr):
        order = sorted(range(cp.n_active), key=lambda p: cp.cats[p][a])
        dealt: list[list[int]] = [[] for _ in tables]
        for i, p in enumerate(order):
            dealt[i % len(tables)].append(p)
        quality = _quality([dealt], [[row[a]] for row in cp.cats], [len(cp.labels[a])],
                           [1.0], ["x"])
        total += quality.mean_l1
    return total / n_attr



def repeat_lower_bound(problem: Problem) -> int:
    """Repeat pairs no plan can avoid: a floor the benchmarks measure plans against.

    Each person meets at least ``q_r − 1`` others in round ``r`` (``q_r`` the smaller table
    size), but only ``n − 1`` different people exist; every meeting beyond that is a repeat.
    A pair that meets ``m`` times gives ``m − 1`` of them to each of its two people, and
    ``m ≤ rounds``, so at least ``⌈excess / (2 (rounds − 1))⌉`` pairs repeat. And by
    pigeonhole, a table of ``s`` people drawn from the ``T`` tables of round 1 seats two who
    met there whenever ``s > T``: the fewest such pairs (people spread as evenly as they can
    be over those tables), summed over a later round's tables, repeat too.
    """
    n = len(problem.people)
    if problem.rounds < 2:
        return 0
    meets = sum(max(0, problem.sizes(r)[0] - 1) for r in range(problem.rounds))
    excess = n * max(0, meets - (n - 1))
    counting = -(-excess // (2 * (problem.rounds - 1)))
    first = len(problem.available(0))
    pigeonhole = 0
    for r in range(1, problem.rounds):
        q, big = problem.sizes(r)
        tables = len(problem.available(r))
        forced = 0
        for size, count in ((q + 1, big), (q, tables - big)):
            each, extra = divmod(size, first)
            forced += count * (extra * (each + 1) * each // 2
                               + (first - extra) * each * (each - 1) // 2)
        pigeonhole = max(pigeonhole, forced)
    return max(counting, pigeonhole)
