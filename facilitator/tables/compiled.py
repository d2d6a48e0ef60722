"""A problem turned into integers: the form the search and the metrics work on.

People become indices, attribute values become category numbers (one global numbering over
all diversified attributes, so a table's mix is one flat count vector), keep-together pairs
become units that always move as one. Strings stay out of the inner loops.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass

from facilitator.i18n import _
from facilitator.tables.model import (
    AllocationError,
    Attribute,
    AttributeValue,
    Person,
    Problem,
    components,
    pinned_table,
)

BLANK = ""


def _label(value: AttributeValue | None) -> str:
    if value is None:
        return BLANK
    return str(value).strip()


def encode(
    people: Sequence[Person], attributes: Sequence[Attribute]
) -> tuple[list[list[int]], list[list[str]]]:
    """Category index of each person for each attribute, and each attribute's labels.

    Categorical labels are sorted so the numbering does not depend on input order. A numeric
    attribute is cut into ``bins`` quantile bins over ``people`` (equal values always share a
    bin); a blank value is a category of its own, a non-number is an error naming the person.
    """
    codes: list[list[int]] = [[] for _ in people]
    labels: list[list[str]] = []
    for attribute in attributes:
        raw = [_label(p.attributes.get(attribute.name)) for p in people]
        if attribute.bins is None:
            names = sorted(set(raw))
            where = {name: i for i, name in enumerate(names)}
            for row, value in zip(codes, raw, strict=True):
                row.append(where[value])
            labels.append(names)
            continue
        numbers: list[float | None] = []
        for person, value in zip(people, raw, strict=True):
            if value == BLANK:
                numbers.append(None)
                continue
            try:
                number = float(value)
            except ValueError:
                number = math.nan
            if not math.isfinite(number):
                raise AllocationError(
                    _("{name} of {id} is {value!r}, not a number.").format(
                        name=attribute.name, id=person.id, value=value
                    )
                )
            numbers.append(number)
        present = sorted(x for x in numbers if x is not None)
        n, bins = len(present), attribute.bins
        edges = sorted({present[(i * n) // bins] for i in range(1, bins)}) if n else []
        if edges and edges[0] == present[0]:
            edges = edges[1:]
        band = [
            -1 if x is None else bisect.bisect_right(edges, x) for x in numbers
        ]
        used = sorted({b for b in band if b >= 0})
        renumber = {b: i for i, b in enumerate(used)}
        names = []
        for b in used:
            members = [x for x, k in zip(numbers, band, strict=True) if k == b and x is not None]
            names.append(f"{min(members):g}–{max(members):g}")
        if -1 in band:
            renumber[-1] = len(names)
            names.append(BLANK)
        for row, b in zip(codes, band, strict=True):
            row.append(renumber[b])
        labels.append(names)
    return codes, labels


def cluster_tables(problem: Problem, round_: int, members: Sequence[str]) -> int:
    """The fewest tables that can seat a cluster in ``round_`` (its allowance of tables).

    The cluster needs seats for its members and for anyone kept together with them. Tables
    some of them are pinned to are used first, less the seats pinned to others there; then
    the biggest other tables. Never fewer than two if two of them must sit apart.
    """
    if not members:
        return 0
    c = problem.constraints
    groups = components([p.id for p in problem.people], c.together)
    inside = set(members)
    seats = {m for g in groups if inside.intersection(g) for m in g}
    q, big = problem.sizes(round_)
    pins = pinned_table(problem, round_)
    taken: dict[int, int] = {}
    for person, table in pins.items():
        if person not in seats:
            taken[table] = taken.get(table, 0) + 1
    pinned = sorted({pins[m] for m in seats if m in pins})
    others = sorted(
        (t for t in problem.available(round_) if t not in pinned),
        key=lambda t: taken.get(t, 0),
    )
    need, room = 0, 0
    for i, table in enumerate(pinned + others):
        if room >= len(seats) and i >= len(pinned):
            break
        room += q + (1 if i < big else 0) - taken.get(table, 0)
        need += 1
    split = any(a in seats and b in seats for a, b in c.apart)
    return max(need, 2 if split else 1)


def cluster_members(problem: Problem) -> list[list[str]]:
    """Ids in each cluster, in input order (an empty cluster asks nothing)."""
    return [
        [
            p.id
            for p in problem.people
            if cluster.attribute in p.attributes
            and _label(p.attributes[cluster.attribute]) == _label(cluster.value)
        ]
        for cluster in problem.constraints.clusters
    ]


@dataclass
class Compiled:
    """Integer view of a problem; people ``0..n_active-1`` are the problem's own.

    People after them (``former``) sat in rounds already done but have left; they count for
    the metrics of those rounds and are never seated again.
    """

    problem: Problem
    ids: list[str]
    index: dict[str, int]
    n_active: int
    cats: list[list[int]]
    labels: list[list[str]]
    offsets: list[int]
    n_cats: int
    weights: list[float]
    available: list[list[int]]
    q: list[int]
    big: list[int]
    units: list[list[int]]
    unit_of: list[int]
    apart_of: list[list[int]]
    clusters: list[list[int]]
    clusters_of: list[list[int]]
    cluster_k: list[list[int]]
    pins: list[dict[int, int]]

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def n_attr(self) -> int:
        return len(self.weights)

    @property
    def tables(self) -> int:
        return self.problem.tables

    @property
    def rounds(self) -> int:
        return self.problem.rounds

    def global_cats(self, person: int) -> list[int]:
        """The person's category in the flat numbering, one per attribute."""
        return [o + c for o, c in zip(self.offsets, self.cats[person], strict=True)]


def compile_problem(problem: Problem, former: Sequence[Person] = ()) -> Compiled:
    people = list(problem.people)
    known = {p.id for p in people}
    extra = [p for p in former if p.id not in known]
    everyone = people + extra
    ids = [p.id for p in everyone]
    index = {pid: i for i, pid in enumerate(ids)}
    if len(index) != len(ids):
        raise AllocationError(_("A former participant's id is used twice."))
    cats, labels = encode(everyone, problem.diversify)
    offsets: list[int] = []
    total = 0
    for names in labels:
        offsets.append(total)
        total += len(names)
    n_active = len(people)
    c = problem.constraints

    groups = components([p.id for p in people], c.together)
    units = [[index[m] for m in g] for g in groups]
    unit_of = [-1] * len(ids)
    for u, members in enumerate(units):
        for m in members:
            unit_of[m] = u
    apart_of: list[list[int]] = [[] for _ in ids]
    for a, b in c.apart:
        ia, ib = index[a], index[b]
        if ib not in apart_of[ia]:
            apart_of[ia].append(ib)
            apart_of[ib].append(ia)
    member_ids = cluster_members(problem)
    clusters = [[index[m] for m in ms] for ms in member_ids]
    clusters_of: list[list[int]] = [[] for _ in ids]
    for k, members in enumerate(clusters):
        for m in members:
            clusters_of[m].append(k)
    rounds = range(problem.rounds)
    sizes = [problem.sizes(r) for r in rounds]
    return Compiled(
        problem=problem,
        ids=ids,
        index=index,
        n_active=n_active,
        cats=cats,
        labels=labels,
        offsets=offsets,
        n_cats=total,
        weights=[a.weight for a in problem.diversify],
        available=[problem.available(r) for r in rounds],
        q=[s[0] for s in sizes],
        big=[s[1] for s in sizes],
        units=units,
        unit_of=unit_of,
        apart_of=apart_of,
        clusters=clusters,
        clusters_of=clusters_of,
        cluster_k=[[cluster_tables(problem, r, ms) for ms in member_ids] for r in rounds],
        pins=[{index[p]: t for p, t in pinned_table(problem, r).items()} for r in rounds],
    )
