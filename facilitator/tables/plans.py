"""Table plans in the event, as plain values: settings and rules, stored plans, their views.

The engine's model (:mod:`facilitator.tables.model`) seats people by string ids and knows
nothing of the event file. This is the event's side: rules name participants by their id in
the participant list, a :class:`StoredPlan` is a plan as the event file holds it, and a
:class:`PlanView` is a plan with names, marks and repeat meetings, ready for the Tables page,
the printed sheets and the command line (each shows the facts the view holds, none recomputes
them). Everything here is pure: no database, no clock.

Tables and rounds are 0-based here as in the engine; people read them 1-based.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from facilitator.changes import Changes
from facilitator.errors import UserError
from facilitator.i18n import N_, _
from facilitator.people import Participant
from facilitator.tables.model import Attribute
from facilitator.tables.quality import PlanQuality

SCOPES = ("checked_in", "all")
MAX_ROUNDS = 50
MAX_SECONDS = 600

TRADEOFF_CHOICES: dict[str, str] = {
    "never": N_("Never meet twice"),
    "few": N_("Rarely meet twice"),
    "balanced": N_("Mostly balance"),
    "balance": N_("Best balance"),
}
"""The facilitator's choice between new faces and balanced tables, in plain words (the
engine's ``tradeoff`` keys, from "no pair meets twice" to "the best mix at every table")."""

TRADEOFF_HELP: dict[str, str] = {
    "never": N_("No two people share a table twice wherever that is possible; the tables "
                "mirror the room as well as that allows."),
    "few": N_("A few pairs may meet again if that makes the tables clearly more balanced."),
    "balanced": N_("Balance comes first; repeat meetings are kept low."),
    "balance": N_("Every table mirrors the room as closely as possible, even if more pairs "
                  "meet again."),
}

STOP_REASONS: dict[str, str] = {
    "finished": N_("The search ran its full course."),
    "target met": N_("The search stopped early: no one meets twice and every table is as "
                     "balanced as column-by-column dealing."),
    "no improvement": N_("The search stopped: several more tries found nothing better."),
    "time limit": N_("The search used all its time; this is the best plan it found."),
    "cancelled": N_("Stopped early: this is the best plan found so far."),
}


def stop_text(stopped: str) -> str:
    """Why a search ended, in a sentence a facilitator understands."""
    return _(STOP_REASONS[stopped]) if stopped in STOP_REASONS else stopped


class TablesError(UserError):
    """A table command was refused; nothing was changed."""


# -- settings and rules -----------------------------------------------------------------------


@dataclass(frozen=True)
class AttributeChoice:
    """A column to mirror at every table, its weight, and bins when it is numeric."""

    name: str
    weight: float = 1.0
    bins: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "weight": self.weight, "bins": self.bins}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AttributeChoice:
        bins = data.get("bins")
        return cls(str(data["name"]), float(data.get("weight", 1.0)),
                   None if bins is None else int(bins))


@dataclass(frozen=True)
class PinRule:
    """``participant_id`` sits at ``table`` in ``rounds`` (every round when ``None``)."""

    participant_id: int
    table: int
    rounds: tuple[int, ...] | None = None

    def applies(self, round_: int) -> bool:
        return self.rounds is None or round_ in self.rounds


@dataclass(frozen=True)
class SeatingRules:
    """The room's hard rules, by participant id; turned into engine constraints per run."""

    pins: tuple[PinRule, ...] = ()
    clusters: tuple[tuple[str, str], ...] = ()
    """(column, value): everyone with that value sits at as few tables as can hold them."""
    apart: tuple[tuple[int, int], ...] = ()
    together: tuple[tuple[int, int], ...] = ()
    closed: tuple[tuple[int, int], ...] = ()
    """(table, round): that table is not in use in that round."""

    @property
    def count(self) -> int:
        return (len(self.pins) + len(self.clusters) + len(self.apart) + len(self.together)
                + len(self.closed))

    def to_json(self) -> dict[str, Any]:
        return {
            "pins": [{"participant_id": p.participant_id, "table": p.table,
                      "rounds": None if p.rounds is None else list(p.rounds)}
                     for p in self.pins],
            "clusters": [list(c) for c in self.clusters],
            "apart": [list(p) for p in self.apart],
            "together": [list(p) for p in self.together],
            "closed": [list(c) for c in self.closed],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SeatingRules:
        return cls(
            pins=tuple(
                PinRule(int(p["participant_id"]), int(p["table"]),
                        None if p.get("rounds") is None
                        else tuple(sorted({int(r) for r in p["rounds"]})))
                for p in data.get("pins", [])),
            clusters=tuple((str(a), str(v)) for a, v in data.get("clusters", [])),
            apart=tuple((int(a), int(b)) for a, b in data.get("apart", [])),
            together=tuple((int(a), int(b)) for a, b in data.get("together", [])),
            closed=tuple((int(t), int(r)) for t, r in data.get("closed", [])),
        )


@dataclass(frozen=True)
class TableSettings:
    """What the organiser asks of the next plan (saved in the event, and with each plan)."""

    rounds: int = 3
    table_size: int | None = 8
    n_tables: int | None = None
    attributes: tuple[AttributeChoice, ...] = ()
    scope: str = "checked_in"
    """``checked_in``: people who are here; ``all``: everyone on the list but no-shows."""
    seed: int = 0
    rules: SeatingRules = field(default_factory=SeatingRules)
    tradeoff: str = "never"
    """How much balance a repeat meeting is worth: a key of :data:`TRADEOFF_CHOICES`."""
    search_seconds: float | None = None
    """Search on for up to this long after the standard search (None: the standard search
    alone, the same plan for the same seed on every machine)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "rounds": self.rounds, "table_size": self.table_size, "n_tables": self.n_tables,
            "attributes": [a.to_json() for a in self.attributes], "scope": self.scope,
            "seed": self.seed, "rules": self.rules.to_json(), "tradeoff": self.tradeoff,
            "search_seconds": self.search_seconds,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TableSettings:
        size = data.get("table_size")
        count = data.get("n_tables")
        return cls(
            rounds=int(data.get("rounds", 3)),
            table_size=None if size is None else int(size),
            n_tables=None if count is None else int(count),
            attributes=tuple(AttributeChoice.from_json(a) for a in data.get("attributes", [])),
            scope=str(data.get("scope", "checked_in")),
            seed=int(data.get("seed", 0)),
            rules=SeatingRules.from_json(data.get("rules", {})),
            tradeoff=str(data.get("tradeoff", "never")),
            search_seconds=None if data.get("search_seconds") is None
            else float(data["search_seconds"]),
        )

    def diversify(self) -> list[Attribute]:
        return [Attribute(a.name, a.weight, a.bins) for a in self.attributes]

    def table_count(self, people: int) -> int:
        """How many tables ``people`` need with these settings."""
        if self.n_tables is not None:
            return self.n_tables
        assert self.table_size is not None
        return max(1, math.ceil(people / self.table_size))


def check_settings(settings: TableSettings) -> None:
    """Refuse settings that cannot describe a room, naming the first thing wrong."""
    if not 1 <= settings.rounds <= MAX_ROUNDS:
        raise TablesError(_("Choose between 1 and {n} rounds.").format(n=MAX_ROUNDS))
    if (settings.table_size is None) == (settings.n_tables is None):
        raise TablesError(_("Give either the table size or the number of tables."))
    if settings.table_size is not None and settings.table_size < 2:
        raise TablesError(_("A table must seat at least 2 people."))
    if settings.n_tables is not None and settings.n_tables < 1:
        raise TablesError(_("There must be at least one table."))
    if settings.scope not in SCOPES:
        raise TablesError(_("Unknown choice of people: {scope}.").format(scope=settings.scope))
    if settings.seed < 0:
        raise TablesError(_("The seed must be a whole number of at least 0."))
    if settings.tradeoff not in TRADEOFF_CHOICES:
        raise TablesError(_("Unknown choice between balance and new faces: {name}.").format(
            name=settings.tradeoff))
    seconds = settings.search_seconds
    if seconds is not None and not (math.isfinite(seconds) and 1 <= seconds <= MAX_SECONDS):
        raise TablesError(_("Search for between 1 and {n} seconds.").format(n=MAX_SECONDS))
    names = [a.name for a in settings.attributes]
    if len(set(names)) != len(names):
        raise TablesError(_("A column is chosen twice."))
    for a in settings.attributes:
        if not (math.isfinite(a.weight) and a.weight >= 0):
            raise TablesError(_("The weight of {name} must be a number of at least 0.").format(
                name=a.name))
        if a.bins is not None and a.bins < 2:
            raise TablesError(_("{name} needs at least 2 bands.").format(name=a.name))
    rules = settings.rules
    for pin in rules.pins:
        if pin.table < 0 or any(r < 0 for r in pin.rounds or ()):
            raise TablesError(_("Tables and rounds are numbered from 1."))
        if pin.rounds is not None and not pin.rounds:
            raise TablesError(_("A pin needs at least one round."))
    for first, second in (*rules.apart, *rules.together):
        if first == second:
            raise TablesError(_("A pair needs two different people."))
    for table, round_ in rules.closed:
        if table < 0 or round_ < 0:
            raise TablesError(_("Tables and rounds are numbered from 1."))


# -- plans as stored ----------------------------------------------------------------------------

Seats = tuple[tuple[tuple[int, ...], ...], ...]


def quality_json(q: PlanQuality) -> dict[str, Any]:
    return {"mixing": q.mixing, "balance": q.balance, "repeat_pairs": q.repeat_pairs,
            "max_meetings": q.max_meetings, "mean_l1": q.mean_l1,
            "l1_by_attribute": dict(q.l1_by_attribute)}


def quality_from_json(data: Mapping[str, Any]) -> PlanQuality:
    return PlanQuality(
        mixing=int(data.get("mixing", 0)), balance=float(data.get("balance", 0.0)),
        repeat_pairs=int(data.get("repeat_pairs", 0)),
        max_meetings=int(data.get("max_meetings", 0)), mean_l1=float(data.get("mean_l1", 0.0)),
        l1_by_attribute={str(k): float(v) for k, v in data.get("l1_by_attribute", {}).items()},
    )


@dataclass(frozen=True)
class SeatMove:
    """Someone the re-balance moved (``from_table`` ``None``: a latecomer given a seat)."""

    participant_id: int
    round: int
    from_table: int | None
    to_table: int


@dataclass(frozen=True)
class StoredPlan:
    """A plan as the event file holds it: ``seats[round][table]`` are participant ids."""

    id: int
    created_at: datetime
    kind: str
    parent_id: int | None
    rounds: int
    tables: int
    seats: Seats
    locked: frozenset[tuple[int, int]]
    """(round, participant id) of every locked seat."""
    settings: TableSettings
    quality: PlanQuality
    result: Mapping[str, Any]
    """The search's JSON record: iterations, timing, notes, and a re-balance's moves."""
    edits: int

    @property
    def from_round(self) -> int:
        """The first round a re-balance re-seated (0 for a fresh plan)."""
        return int(self.result.get("from_round", 0))

    @property
    def reference(self) -> float:
        return float(self.result.get("reference_mean_l1", 0.0))

    @property
    def stopped(self) -> str:
        return str(self.result.get("stopped", "finished"))

    @property
    def moves(self) -> list[SeatMove]:
        return [SeatMove(int(p), int(r), None if f is None else int(f), int(t))
                for p, r, f, t in self.result.get("moves", [])]

    def seating(self, round_: int) -> dict[int, int]:
        """Participant id → table for one round."""
        return {pid: t for t, table in enumerate(self.seats[round_]) for pid in table}

    def table_of(self, participant_id: int, round_: int) -> int | None:
        return self.seating(round_).get(participant_id)

    def people(self) -> list[int]:
        """Everyone seated in any round, in order of first appearance."""
        return list(dict.fromkeys(p for rnd in self.seats for table in rnd for p in table))

    def closed(self, round_: int) -> set[int]:
        return {t for t, r in self.settings.rules.closed if r == round_}


@dataclass(frozen=True)
class PlanSummary:
    id: int
    created_at: datetime
    kind: str
    rounds: int
    tables: int
    people: int
    quality: PlanQuality
    edits: int


@dataclass(frozen=True)
class SavedPlan:
    """What saving a new current plan did; ``previous_id`` is the plan it replaced (undo)."""

    changes: Changes
    plan_id: int
    previous_id: int | None


@dataclass(frozen=True)
class Drift:
    """How the room differs from the current plan: who arrived, who left since."""

    arrived: tuple[Participant, ...]
    departed: tuple[Participant, ...]

    @property
    def any(self) -> bool:
        return bool(self.arrived or self.departed)


# -- views for the page, the sheets and PLAN.json --------------------------------------------------


@dataclass(frozen=True)
class Meeting:
    """Someone at the same table who also shares a table with this person in another round."""

    participant_id: int
    name: str
    rounds: tuple[int, ...]
    """Every round (0-based) the two share a table, this one included."""


@dataclass(frozen=True)
class Seat:
    participant_id: int
    name: str
    ext_id: str
    role: str
    badge_code: str
    attributes: Mapping[str, str]
    locked: bool = False
    moved_from: int | None = None
    """The table this person sat at in this round before the last re-balance."""
    new: bool = False
    """Seated in this round by the last re-balance (a latecomer, or no seat before)."""
    categories: tuple[int, ...] = ()
    """Per mirrored column of the plan, the index of this person's value in
    :attr:`PlanView.labels` (numeric columns cut into the plan's bands)."""
    meets_again: tuple[Meeting, ...] = ()
    """The people at this table this person meets in more than one round."""

    @property
    def mark(self) -> str:
        """``moved``, ``new`` or ``""``: what the last re-balance did to this seat."""
        return "moved" if self.moved_from is not None else "new" if self.new else ""


@dataclass(frozen=True)
class TableView:
    index: int
    seats: tuple[Seat, ...]
    closed: bool = False

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def repeat_pairs(self) -> int:
        """Pairs at this table who also share a table in another round."""
        return sum(len(s.meets_again) for s in self.seats) // 2

    def mix(self, attribute: str) -> Counter[str]:
        return Counter(s.attributes.get(attribute, "").strip() for s in self.seats)


@dataclass(frozen=True)
class PersonRow:
    participant_id: int
    name: str
    ext_id: str
    role: str
    badge_code: str
    tables: tuple[int | None, ...]
    """1-based table per round; ``None`` when not seated that round."""
    moved_rounds: frozenset[int]


@dataclass(frozen=True)
class PlanView:
    """A plan with names, ready to show or print (no store needed after this)."""

    event_name: str
    plan_id: int
    kind: str
    created_at: datetime
    rounds: tuple[tuple[TableView, ...], ...]
    attributes: tuple[str, ...]
    people: tuple[PersonRow, ...]
    quality: PlanQuality
    reference: float
    from_round: int
    moved: int
    edits: int = 0
    moves: tuple[SeatMove, ...] = ()
    """What the last re-balance did (empty for an allocated plan)."""
    labels: tuple[tuple[str, ...], ...] = ()
    """Per mirrored column, its values (or bands) in the order :attr:`Seat.categories`
    numbers them."""

    @property
    def tables(self) -> int:
        return len(self.rounds[0]) if self.rounds else 0

    def room_mix(self, round_: int, attribute: str) -> Counter[str]:
        total: Counter[str] = Counter()
        for table in self.rounds[round_]:
            total.update(table.mix(attribute))
        return total

    def seat(self, round_: int, participant_id: int) -> Seat | None:
        for table in self.rounds[round_]:
            for seat in table.seats:
                if seat.participant_id == participant_id:
                    return seat
        return None

    def table_of(self, participant_id: int, round_: int) -> int | None:
        for table in self.rounds[round_]:
            if any(s.participant_id == participant_id for s in table.seats):
                return table.index
        return None

    def closed_tables(self, round_: int) -> set[int]:
        return {t.index for t in self.rounds[round_] if t.closed}

    def name_of(self, participant_id: int) -> str:
        for row in self.people:
            if row.participant_id == participant_id:
                return row.name
        return str(participant_id)


def seats_of(view: PlanView, participant_id: int) -> Sequence[int | None]:
    """1-based table per round for one person (badges, the find-your-table list)."""
    for row in view.people:
        if row.participant_id == participant_id:
            return row.tables
    return ()


def round_names(rounds: int) -> list[str]:
    return [_("Round {n}").format(n=r + 1) for r in range(rounds)]


def metrics_json(quality: PlanQuality, reference: float, result: Mapping[str, Any]
                 ) -> dict[str, Any]:
    out = quality_json(quality)
    out["reference_mean_l1"] = reference
    out["l1_ratio"] = quality.mean_l1 / reference if reference else None
    for key in ("iterations", "stopped", "seconds", "seed"):
        if key in result:
            out[key] = result[key]
    return out


# -- as text ------------------------------------------------------------------------------------


def plan_text(data: Mapping[str, Any]) -> str:
    """PLAN.json with one line per round, so a person can read it too."""
    rounds = ",\n".join("  " + json.dumps(r, ensure_ascii=False) for r in data["rounds"])
    rest = {k: v for k, v in data.items() if k != "rounds"}
    body = json.dumps(rest, ensure_ascii=False, indent=1)[1:]
    return '{\n "rounds": [\n' + rounds + "\n ]" + ("," + body if rest else "\n}") + "\n"


def describe(view: PlanView) -> str:
    """The plan as text: each round's tables with their people."""
    lines = []
    q = view.quality
    lines.append(_("Plan {id}: {people} people, {tables} tables, {rounds} rounds; {repeats} "
                   "pairs met more than once (most {most}); mean L1 {l1:.3f}.").format(
        id=view.plan_id, people=len(view.people), tables=view.tables,
        rounds=len(view.rounds), repeats=q.repeat_pairs, most=q.max_meetings, l1=q.mean_l1))
    for r, tables in enumerate(view.rounds):
        lines.append("")
        lines.append(_("Round {n}").format(n=r + 1))
        for table in tables:
            names = ", ".join(s.name for s in table.seats) or _("(not in use)")
            lines.append(f"  {_('Table {n}').format(n=table.number)}: {names}")
    return "\n".join(lines)


# -- balance in plain words ---------------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    """How many people with one value of a mirrored column sit at a table, at least and at
    most over every table in use and every round, beside what an even spread would give."""

    column: str
    value: str
    low: int
    high: int
    even_low: int
    even_high: int

    @property
    def excess(self) -> int:
        """How much wider the spread is than an even one (0: as even as it can be)."""
        return max(0, self.even_low - self.low) + max(0, self.high - self.even_high)


def spreads(view: PlanView) -> list[Spread]:
    """Per mirrored column and value, its spread over the tables (blank values left out)."""
    out = []
    for a, column in enumerate(view.attributes):
        labels = view.labels[a] if a < len(view.labels) else ()
        for c, value in enumerate(labels):
            if not value:
                continue
            low = high = -1
            even_low = even_high = -1
            for tables in view.rounds:
                used = [t for t in tables if t.seats]
                seated = sum(len(t.seats) for t in used)
                room = sum(1 for t in used for s in t.seats
                           if a < len(s.categories) and s.categories[a] == c)
                for table in used:
                    k = sum(1 for s in table.seats
                            if a < len(s.categories) and s.categories[a] == c)
                    share = room * len(table.seats) / seated
                    lo, hi = math.floor(share + 1e-9), math.ceil(share - 1e-9)
                    low = k if low < 0 else min(low, k)
                    high = max(high, k)
                    even_low = lo if even_low < 0 else min(even_low, lo)
                    even_high = max(even_high, hi)
            if low >= 0:
                out.append(Spread(column, value, low, high, even_low, even_high))
    return out


def spread_text(spread: Spread) -> str:
    """E.g. "Gender: every table has 3–5 female (an even spread: 3–4)"."""
    if spread.low == spread.high:
        have = _("every table has {n} {value}").format(n=spread.low, value=spread.value)
    else:
        have = _("every table has {low}–{high} {value}").format(
            low=spread.low, high=spread.high, value=spread.value)
    if spread.excess == 0:
        return _("{column}: {have} (as even as it can be)").format(
            column=spread.column, have=have)
    even = (str(spread.even_low) if spread.even_low == spread.even_high
            else f"{spread.even_low}–{spread.even_high}")
    return _("{column}: {have} (an even spread: {even})").format(
        column=spread.column, have=have, even=even)


def balance_lines(view: PlanView) -> list[str]:
    """One line per mirrored column, least even first: "Gender: every table has 3–4 Man,
    0–1 Non-binary, 3–5 Woman (even: 3–4)", ending "as even as it can be" when it is."""
    by_column: dict[str, list[Spread]] = {}
    for spread in spreads(view):
        by_column.setdefault(spread.column, []).append(spread)
    lines = []
    for column, found in sorted(by_column.items(),
                                key=lambda item: -sum(s.excess for s in item[1])):
        parts = []
        for s in found:
            have = (str(s.low) if s.low == s.high else f"{s.low}–{s.high}") + " " + s.value
            if s.excess:
                even = (str(s.even_low) if s.even_low == s.even_high
                        else f"{s.even_low}–{s.even_high}")
                have += " " + _("(even: {even})").format(even=even)
            parts.append(have)
        text = _("{column}: every table has {values}").format(column=column,
                                                            values=", ".join(parts))
        if not any(s.excess for s in found):
            text += " " + _("(as even as it can be)")
        lines.append(text)
    return lines
