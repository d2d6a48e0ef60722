"""What an allocation is asked for, and what it returns.

Everything here is plain data. A :class:`Problem` checks itself when it is built, so a bad
input (an unknown person in a pin, a pair both kept together and apart, more people than
seats) fails at once with a message naming the problem, before any search starts.

Tables and rounds are numbered from 0 in this API; messages meant for people number them
from 1, as the printed sheets do.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from facilitator.errors import UserError
from facilitator.i18n import _

AttributeValue = str | int | float


class AllocationError(UserError):
    """The allocation input is malformed (unknown person, bad number, unknown column)."""


class InfeasibleError(AllocationError):
    """The constraints cannot all be met; the message says which one."""


@dataclass(frozen=True)
class Person:
    """Someone to seat; ``id`` is stable across re-balances, ``attributes`` are raw values."""

    id: str
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)


@dataclass(frozen=True)
class Attribute:
    """A column whose mix each table should mirror.

    ``bins`` makes it numeric: values are cut into that many quantile bins over the pool, so
    "age" becomes e.g. four equally full age bands. Without it every distinct value is a
    category. ``weight`` scales its share of the balance objective.
    """

    name: str
    weight: float = 1.0
    bins: int | None = None


@dataclass(frozen=True)
class Pin:
    """``person`` sits at ``table`` in ``rounds`` (all rounds when ``None``)."""

    person: str
    table: int
    rounds: frozenset[int] | None = None

    def applies(self, round_: int) -> bool:
        return self.rounds is None or round_ in self.rounds


@dataclass(frozen=True)
class Cluster:
    """Everyone whose ``attribute`` equals ``value`` sits at as few tables as can hold them.

    E.g. ``Cluster("language", "Welsh")`` so that one interpreter per table is enough.
    """

    attribute: str
    value: AttributeValue


@dataclass(frozen=True)
class Unavailable:
    """``table`` is not in use in ``round`` (the room is needed for something else)."""

    table: int
    round: int


@dataclass(frozen=True)
class Constraints:
    """Hard rules: no plan returned by this package ever breaks one of them."""

    pins: tuple[Pin, ...] = ()
    clusters: tuple[Cluster, ...] = ()
    apart: tuple[tuple[str, str], ...] = ()
    together: tuple[tuple[str, str], ...] = ()
    unavailable: tuple[Unavailable, ...] = ()


@dataclass(frozen=True)
class Problem:
    """A room to seat: people, tables, rounds, what to mix and what must hold.

    Give either ``n_tables`` or ``table_size``; with ``table_size`` the room gets
    ``ceil(people / table_size)`` tables. In each round the people are spread over the tables
    in use so that sizes differ by at most one. ``max_seats`` (chairs per table), when given,
    turns a round that would need more chairs into an error instead of a crowded table.
    """

    people: Sequence[Person]
    rounds: int
    n_tables: int | None = None
    table_size: int | None = None
    diversify: Sequence[Attribute] = ()
    constraints: Constraints = field(default_factory=Constraints)
    max_seats: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "people", tuple(self.people))
        object.__setattr__(self, "diversify", tuple(self.diversify))
        _validate(self)

    @property
    def tables(self) -> int:
        """How many tables the room has (some may be unavailable in a round)."""
        if self.n_tables is not None:
            return self.n_tables
        assert self.table_size is not None
        return max(1, math.ceil(len(self.people) / self.table_size))

    def available(self, round_: int) -> list[int]:
        """The tables in use in ``round_``, in order."""
        closed = {u.table for u in self.constraints.unavailable if u.round == round_}
        return [t for t in range(self.tables) if t not in closed]

    def sizes(self, round_: int) -> tuple[int, int]:
        """``(q, big)``: every table in use seats ``q`` or ``q + 1``; ``big`` seat ``q + 1``."""
        return divmod(len(self.people), len(self.available(round_)))


@dataclass(frozen=True)
class Plan:
    """Who sits where: ``rounds[r][t]`` lists the ids at table ``t`` in round ``r``.

    Unavailable tables are present as empty tuples so that table numbers never shift. The
    shape is exactly the ``rounds`` of PLAN.json.
    """

    rounds: tuple[tuple[tuple[str, ...], ...], ...]

    @classmethod
    def from_lists(cls, rounds: Iterable[Iterable[Iterable[str]]]) -> Plan:
        """Build a plan from nested lists (PLAN.json, or a plan a person edited)."""
        return cls(tuple(tuple(tuple(str(p) for p in table) for table in rnd) for rnd in rounds))

    def as_lists(self) -> list[list[list[str]]]:
        return [[list(table) for table in rnd] for rnd in self.rounds]

    def table_of(self, person: str, round_: int) -> int | None:
        """The table ``person`` sits at in ``round_``, or ``None`` if not seated then."""
        for t, table in enumerate(self.rounds[round_]):
            if person in table:
                return t
        return None

    def seating(self, round_: int) -> dict[str, int]:
        """Person id → table for one round."""
        return {p: t for t, table in enumerate(self.rounds[round_]) for p in table}


def _round_name(round_: int) -> str:
    return _("round {n}").format(n=round_ + 1)


def _validate(problem: Problem) -> None:
    """Refuse input that cannot describe a real room, naming the first thing wrong."""
    people = problem.people
    if not people:
        raise AllocationError(_("There is no one to seat."))
    ids: set[str] = set()
    for person in people:
        if not isinstance(person.id, str) or not person.id:
            raise AllocationError(_("Every person needs a non-empty id."))
        if person.id in ids:
            raise AllocationError(_("The id {id} is used twice.").format(id=person.id))
        ids.add(person.id)
    if problem.rounds < 1:
        raise AllocationError(_("There must be at least one round."))
    if (problem.n_tables is None) == (problem.table_size is None):
        raise AllocationError(_("Give either the number of tables or the table size, not both."))
    if problem.n_tables is not None and problem.n_tables < 1:
        raise AllocationError(_("There must be at least one table."))
    if problem.table_size is not None and problem.table_size < 1:
        raise AllocationError(_("The table size must be at least 1."))
    if problem.max_seats is not None and problem.max_seats < 1:
        raise AllocationError(_("A table must have at least one seat."))
    _validate_attributes(problem)

    c = problem.constraints
    n_tables = problem.tables
    for u in c.unavailable:
        _check_table(u.table, n_tables)
        _check_round(u.round, problem.rounds)
    for r in range(problem.rounds):
        available = problem.available(r)
        if not available:
            raise InfeasibleError(
                _("Every table is unavailable in {round}.").format(round=_round_name(r))
            )
        need = math.ceil(len(people) / len(available))
        if problem.max_seats is not None and need > problem.max_seats:
            raise InfeasibleError(
                _(
                    "More people than seats in {round}: {people} people, {tables} tables "
                    "of {seats} seats."
                ).format(
                    round=_round_name(r), people=len(people), tables=len(available),
                    seats=problem.max_seats,
                )
            )

    for pin in c.pins:
        _check_person(pin.person, ids)
        _check_table(pin.table, n_tables)
        for r in pin.rounds or ():
            _check_round(r, problem.rounds)
    for pair in (*c.apart, *c.together):
        if len(pair) != 2:
            raise AllocationError(_("A pair must name exactly two people."))
        a, b = pair
        _check_person(a, ids)
        _check_person(b, ids)
        if a == b:
            raise AllocationError(_("{id} is paired with themself.").format(id=a))
    for cluster in c.clusters:
        if not any(cluster.attribute in p.attributes for p in people):
            raise AllocationError(
                _("Unknown column {name} in a cluster.").format(name=cluster.attribute)
            )
    _validate_pins(problem)
    _validate_groups(problem)


def _validate_attributes(problem: Problem) -> None:
    seen: set[str] = set()
    for attribute in problem.diversify:
        if attribute.name in seen:
            raise AllocationError(
                _("The column {name} is listed twice.").format(name=attribute.name)
            )
        seen.add(attribute.name)
        if not any(attribute.name in p.attributes for p in problem.people):
            raise AllocationError(_("Unknown column {name}.").format(name=attribute.name))
        if not (math.isfinite(attribute.weight) and attribute.weight >= 0):
            raise AllocationError(
                _("The weight of {name} must be a number of at least 0.").format(
                    name=attribute.name
                )
            )
        if attribute.bins is not None and attribute.bins < 2:
            raise AllocationError(
                _("{name} needs at least 2 bins.").format(name=attribute.name)
            )


def _check_person(person: str, ids: Collection[str]) -> None:
    if person not in ids:
        raise AllocationError(_("Unknown person {id} in a constraint.").format(id=person))


def _check_table(table: int, n_tables: int) -> None:
    if not 0 <= table < n_tables:
        raise AllocationError(
            _("There is no table {n} (the room has {count}).").format(n=table + 1, count=n_tables)
        )


def _check_round(round_: int, rounds: int) -> None:
    if not 0 <= round_ < rounds:
        raise AllocationError(
            _("There is no round {n} (there are {count}).").format(n=round_ + 1, count=rounds)
        )


def pinned_table(problem: Problem, round_: int) -> dict[str, int]:
    """Person → pinned table in ``round_``; conflicting pins were refused by validation."""
    return {p.person: p.table for p in problem.constraints.pins if p.applies(round_)}


def _validate_pins(problem: Problem) -> None:
    """Pins must agree with each other, with closed tables, and fit the table sizes."""
    for r in range(problem.rounds):
        where: dict[str, int] = {}
        for pin in problem.constraints.pins:
            if not pin.applies(r):
                continue
            if where.setdefault(pin.person, pin.table) != pin.table:
                raise InfeasibleError(
                    _("{id} is pinned to both table {a} and table {b} in {round}.").format(
                        id=pin.person, a=where[pin.person] + 1, b=pin.table + 1,
                        round=_round_name(r),
                    )
                )
        available = set(problem.available(r))
        q, big = problem.sizes(r)
        per_table: dict[int, int] = {}
        for person, table in where.items():
            if table not in available:
                raise InfeasibleError(
                    _("{id} is pinned to table {t}, which is unavailable in {round}.").format(
                        id=person, t=table + 1, round=_round_name(r)
                    )
                )
            per_table[table] = per_table.get(table, 0) + 1
        full = 0
        for table, count in sorted(per_table.items()):
            if count > q + (1 if big else 0):
                raise InfeasibleError(
                    _("{count} people are pinned to table {t} in {round}, which seats "
                      "{seats}.").format(
                        count=count, t=table + 1, round=_round_name(r),
                        seats=q + (1 if big else 0),
                    )
                )
            if count > q:
                full += 1
        if full > big:
            raise InfeasibleError(
                _("Too many pins in {round}: {full} tables would need {seats} seats but "
                  "only {big} can have them.").format(
                    round=_round_name(r), full=full, seats=q + 1, big=big
                )
            )


def components(ids: Sequence[str], pairs: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Keep-together groups: connected components of the pairs, in input order."""
    parent = {i: i for i in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra
    groups: dict[str, list[str]] = {}
    for i in ids:
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def _validate_groups(problem: Problem) -> None:
    """Keep-together groups must not contain an apart pair, a split pin, or outgrow a table."""
    c = problem.constraints
    ids = [p.id for p in problem.people]
    groups = components(ids, c.together)
    group_of = {m: i for i, g in enumerate(groups) for m in g}
    together = {frozenset(p) for p in c.together}
    for a, b in c.apart:
        if frozenset((a, b)) in together:
            raise InfeasibleError(
                _("{a} and {b} are both kept together and kept apart.").format(a=a, b=b)
            )
        if group_of[a] == group_of[b]:
            raise InfeasibleError(
                _("{a} and {b} must sit apart, but keep-together pairs link them.").format(
                    a=a, b=b
                )
            )
    for r in range(problem.rounds):
        pins = pinned_table(problem, r)
        q, big = problem.sizes(r)
        seats = q + (1 if big else 0)
        for group in groups:
            tables = sorted({pins[m] for m in group if m in pins})
            if len(tables) > 1:
                raise InfeasibleError(
                    _("{ids} are kept together but pinned to different tables in "
                      "{round}.").format(ids=", ".join(group), round=_round_name(r))
                )
            if len(group) > seats:
                raise InfeasibleError(
                    _("{ids} are kept together but a table seats {seats} in {round}.").format(
                        ids=", ".join(group), seats=seats, round=_round_name(r)
                    )
                )
