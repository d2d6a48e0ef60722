"""Simulated annealing over legal seatings, with incremental cost updates.

One step picks a round, a movable unit (a person, or a keep-together group) and another
table, and proposes either moving the unit there (when table sizes allow) or exchanging it
with a unit sitting there. Only moves that keep every hard rule are proposed, so every state
the search visits — and the best one it returns — is a legal plan.

The cost of a step is computed from the two tables it touches only: the meeting counts of
the people moved against those two tables, and the category counts of those two tables.
Nothing is recomputed over the whole plan, which is what makes hundreds of thousands of
steps a second affordable in plain Python.

Cost = ``mixing`` × Σ pairs (times met)² + ``balance`` × Σ weighted L1
+ ``move`` × people moved from their old seat (re-balancing only).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from facilitator.i18n import _
from facilitator.tables.compiled import Compiled, compile_problem
from facilitator.tables.construct import seat_round
from facilitator.tables.designs import Design, design_for
from facilitator.tables.model import AllocationError, Plan, Problem
from facilitator.tables.quality import (
    PlanQuality,
    quality_of,
    reference_mean_l1,
    repeat_lower_bound,
)

Stop = Literal["finished", "cancelled", "time limit", "target met", "no improvement"]


@dataclass(frozen=True)
class Weights:
    """How the objective trades its parts off: cost = mixing × Σ(times met)² + balance ×
    Σ weighted L1 + move × people moved.

    Balance is weighed heavily here (a one-person imbalance at a table of 8 costs 5 on each
    of the two tables a swap touches, a repeat meeting 2) because the search's final polish
    pass multiplies ``mixing`` by :data:`POLISH_MIXING` to clear the last repeats: tuned on
    the reference pools, this reaches both no repeats and near-ideal balance where the
    weights of a single pass had to give up one for the other. ``move`` is what re-seating
    one already-seated person for one round costs when re-balancing: about two one-person
    imbalances, so people move to avoid a repeat meeting or a clearly lopsided table, not
    for a marginal gain (2–6 of 97 moved after 5 latecomers and 3 leavers on the 100 pool).
    """

    mixing: float = 1.0
    balance: float = 20.0
    move: float = 10.0

    def __post_init__(self) -> None:
        for value in (self.mixing, self.balance, self.move):
            if not (math.isfinite(value) and value >= 0):
                raise AllocationError(_("Objective weights must be numbers of at least 0."))


@dataclass(frozen=True)
class Progress:
    """What a progress bar shows: how far along, and the best plan's figures so far."""

    fraction: float
    best: PlanQuality


@dataclass(frozen=True)
class Allocation:
    """A plan with its figures and how the search ended."""

    plan: Plan
    quality: PlanQuality
    iterations: int
    stopped: Stop


ProgressFn = Callable[[Progress], None]
CancelFn = Callable[[], bool]


def default_iterations(cp: Compiled, free_rounds: int) -> int:
    """A step budget that grows with the problem, a little less than linearly.

    About 2 s for 100 people over 4 rounds and 20 s for 1,000 over 6 on a laptop core.
    A step count rather than a duration, so the default plan is the same on every machine.
    """
    size = max(1, cp.n_active * free_rounds)
    return max(50_000, int(600_000 * (size / 400) ** 0.6))


class State:
    """A legal seating with everything a step's cost needs, kept up to date per move."""

    def __init__(
        self,
        cp: Compiled,
        seats: list[list[int]],
        free: Sequence[int],
        weights: Weights,
        original: list[list[int]] | None = None,
    ) -> None:
        self.cp = cp
        self.free = list(free)
        self.weights = weights
        n, n_tables = cp.n, cp.tables
        self.tab = [list(row) for row in seats]
        self.ppl: list[list[list[int]]] = []
        for r in range(cp.rounds):
            tables: list[list[int]] = [[] for _ in range(n_tables)]
            for p, t in enumerate(seats[r]):
                if t >= 0:
                    tables[t].append(p)
            self.ppl.append(tables)
        self.gcats = [cp.global_cats(p) for p in range(n)]
        self.in_cluster = [bool(cp.clusters_of[p]) for p in range(n)]
        self.ulen = [len(u) for u in cp.units]
        self.original = original
        self.move_w = weights.move
        self.mix_w = weights.mixing

        # Meetings over all rounds, including rounds already done.
        self.met = [[0] * n for _ in range(n)]
        for r in range(cp.rounds):
            for table in self.ppl[r]:
                for i, a in enumerate(table):
                    row = self.met[a]
                    for b in table[i + 1:]:
                        row[b] += 1
                        self.met[b][a] += 1

        # term[r][g][s][k]: weighted L1 contribution of k people of category g at a table of
        # size s in round r. Only the sizes a free round can have are tabulated.
        self.term: list[list[list[list[float]]]] = [[] for _ in range(cp.rounds)]
        self.cnt: list[list[list[int]]] = [[] for _ in range(cp.rounds)]
        self.l1: list[list[float]] = [[] for _ in range(cp.rounds)]
        self.movable: list[list[int]] = [[] for _ in range(cp.rounds)]
        self.units_at: list[list[list[int]]] = [[] for _ in range(cp.rounds)]
        self.cl_count: list[list[list[int]]] = [[] for _ in range(cp.rounds)]
        self.cl_used: list[list[int]] = [[] for _ in range(cp.rounds)]
        attr_of = [a for a, labels in enumerate(cp.labels) for _ in labels]
        for r in self.free:
            present = [p for p in range(n) if seats[r][p] >= 0]
            room = [0] * cp.n_cats
            for p in present:
                for g in self.gcats[p]:
                    room[g] += 1
            hi = cp.q[r] + 1
            shares = [room[g] / len(present) for g in range(cp.n_cats)]
            scale = [weights.balance * cp.weights[attr_of[g]] for g in range(cp.n_cats)]
            self.term[r] = [
                [
                    [scale[g] * abs(k / s - shares[g]) for k in range(s + 1)]
                    if s >= max(cp.q[r], 1) else []
                    for s in range(hi + 1)
                ]
                for g in range(cp.n_cats)
            ]
            self.cnt[r] = [[0] * cp.n_cats for _ in range(n_tables)]
            for p in present:
                row = self.cnt[r][seats[r][p]]
                for g in self.gcats[p]:
                    row[g] += 1
            self.l1[r] = [self._table_l1(r, t, self.cnt[r][t], len(self.ppl[r][t]))
                          for t in range(n_tables)]
            pins = cp.pins[r]
            self.movable[r] = [
                u for u, members in enumerate(cp.units) if not any(m in pins for m in members)
            ]
            self.units_at[r] = [[] for _ in range(n_tables)]
            for u in self.movable[r]:
                self.units_at[r][seats[r][cp.units[u][0]]].append(u)
            self.cl_count[r] = [[0] * n_tables for _ in cp.clusters]
            for k, members in enumerate(cp.clusters):
                for m in members:
                    self.cl_count[r][k][seats[r][m]] += 1
            self.cl_used[r] = [sum(1 for c in row if c) for row in self.cl_count[r]]
        # People with a repeat meeting, so steps can aim at them.
        self.repeats = [0] * n
        self.conflicted: list[int] = []
        self.slot = [0] * n
        for p in range(n):
            self.repeats[p] = sum(1 for m in self.met[p] if m > 1)
            if self.repeats[p]:
                self.slot[p] = len(self.conflicted)
                self.conflicted.append(p)
        self.is_movable = [[False] * len(cp.units) for _ in range(cp.rounds)]
        for r in self.free:
            for u in self.movable[r]:
                self.is_movable[r][u] = True
        self.mixing = sum(m * m for a in range(n) for m in self.met[a][a + 1:])
        """Σ pairs (times met)², unweighted: the part of the cost a ramp re-weighs."""
        self.last_mix = 0
        """Unweighted mixing change of the last :meth:`delta`/:meth:`swap_delta`."""
        self.cost = self.full_cost()

    def reweigh(self, mixing: float) -> None:
        """Change the weight of mixing in the cost (a ramp raises it as the search goes)."""
        self.cost += (mixing - self.mix_w) * self.mixing
        self.mix_w = mixing

    # -- whole-plan cost (start, tests) ----------------------------------------------------

    def _table_l1(self, r: int, t: int, counts: list[int], size: int) -> float:
        if size == 0:
            return 0.0
        term = self.term[r]
        return sum(term[g][size][counts[g]] for g in range(self.cp.n_cats))

    def full_cost(self) -> float:
        """The objective recomputed from scratch (the incremental one must match it)."""
        cp = self.cp
        mixing = 0
        for a in range(cp.n):
            row = self.met[a]
            mixing += sum(m * m for m in row[a + 1:])
        balance = 0.0
        for r in self.free:
            counts = [[0] * cp.n_cats for _ in range(cp.tables)]
            for p, t in enumerate(self.tab[r]):
                if t >= 0:
                    for g in self.gcats[p]:
                        counts[t][g] += 1
            for t in range(cp.tables):
                balance += self._table_l1(r, t, counts[t], len(self.ppl[r][t]))
        return self.mix_w * mixing + balance + self.move_w * self.moved()

    def recount_meetings(self) -> list[list[int]]:
        cp = self.cp
        met = [[0] * cp.n for _ in range(cp.n)]
        for r in range(cp.rounds):
            tables: list[list[int]] = [[] for _ in range(cp.tables)]
            for p, t in enumerate(self.tab[r]):
                if t >= 0:
                    tables[t].append(p)
            for table in tables:
                for a in table:
                    for b in table:
                        if a != b:
                            met[a][b] += 1
        return met

    def moved(self) -> int:
        if self.original is None:
            return 0
        return sum(
            1
            for r in self.free
            for p, t in enumerate(self.tab[r])
            if t >= 0 and self.original[r][p] >= 0 and self.original[r][p] != t
        )

    # -- one step ------------------------------------------------------------------------

    def size_ok(self, r: int, size: int) -> bool:
        q = self.cp.q[r]
        return size == q or (size == q + 1 and self.cp.big[r] > 0)

    def delta(self, r: int, a: int, b: int, xs: list[int], ys: list[int]) -> float | None:
        """Cost change of sending ``xs`` from table a to b and ``ys`` from b to a.

        ``None`` when the exchange would break a rule (sizes, keep-apart, clusters).
        """
        cp = self.cp
        ppl_a, ppl_b = self.ppl[r][a], self.ppl[r][b]
        sa, sb = len(ppl_a), len(ppl_b)
        na, nb = sa - len(xs) + len(ys), sb - len(ys) + len(xs)
        if not (self.size_ok(r, na) and self.size_ok(r, nb)):
            return None
        tab = self.tab[r]
        for x in xs:
            for z in cp.apart_of[x]:
                if tab[z] == b and z not in ys:
                    return None
        for y in ys:
            for z in cp.apart_of[y]:
                if tab[z] == a and z not in xs:
                    return None
        if any(self.in_cluster[p] for p in xs) or any(self.in_cluster[p] for p in ys):
            touched = sorted({k for p in (*xs, *ys) for k in cp.clusters_of[p]})
            cl_count, cl_used = self.cl_count[r], self.cl_used[r]
            for k in touched:
                ca, cb = cl_count[k][a], cl_count[k][b]
                da = sum(1 for y in ys if k in cp.clusters_of[y]) - sum(
                    1 for x in xs if k in cp.clusters_of[x])
                used = cl_used[k] - (ca > 0) - (cb > 0) + (ca + da > 0) + (cb - da > 0)
                if used > cp.cluster_k[r][k]:
                    return None

        met = self.met
        d_mix = 0
        for s in ppl_a:
            if s in xs:
                continue
            for x in xs:
                d_mix -= met[x][s]
            for y in ys:
                d_mix += met[y][s]
        for s in ppl_b:
            if s in ys:
                continue
            for x in xs:
                d_mix += met[x][s]
            for y in ys:
                d_mix -= met[y][s]
        moving = len(xs) + len(ys)
        d_mix = 2 * d_mix + moving * ((sa - len(xs)) + (sb - len(ys)))
        self.last_mix = d_mix

        term = self.term[r]
        cnt_a, cnt_b = self.cnt[r][a], self.cnt[r][b]
        if na == sa:
            change: dict[int, int] = {}
            gcats = self.gcats
            for x in xs:
                for g in gcats[x]:
                    change[g] = change.get(g, 0) - 1
            for y in ys:
                for g in gcats[y]:
                    change[g] = change.get(g, 0) + 1
            d_bal = 0.0
            for g, dg in change.items():
                if dg:
                    tg = term[g]
                    ta, tb = tg[sa], tg[sb]
                    ka, kb = cnt_a[g], cnt_b[g]
                    d_bal += ta[ka + dg] - ta[ka] + tb[kb - dg] - tb[kb]
        else:
            new_a, new_b = cnt_a[:], cnt_b[:]
            for x in xs:
                for g in self.gcats[x]:
                    new_a[g] -= 1
                    new_b[g] += 1
            for y in ys:
                for g in self.gcats[y]:
                    new_a[g] += 1
                    new_b[g] -= 1
            d_bal = (self._table_l1(r, a, new_a, na) + self._table_l1(r, b, new_b, nb)
                     - self.l1[r][a] - self.l1[r][b])

        d_move = 0
        if self.original is not None:
            orig = self.original[r]
            for x in xs:
                o = orig[x]
                if o >= 0:
                    d_move += (b != o) - (a != o)
            for y in ys:
                o = orig[y]
                if o >= 0:
                    d_move += (a != o) - (b != o)
        return self.mix_w * d_mix + d_bal + self.move_w * d_move

    def swap_delta(self, r: int, x: int, y: int, a: int, b: int) -> float | None:
        """Fast path of :meth:`delta` for two single people outside clusters."""
        tab = self.tab[r]
        for z in self.cp.apart_of[x]:
            if tab[z] == b and z != y:
                return None
        for z in self.cp.apart_of[y]:
            if tab[z] == a and z != x:
                return None
        mx, my = self.met[x], self.met[y]
        d_mix = 0
        for s in self.ppl[r][a]:
            d_mix += my[s] - mx[s]
        for s in self.ppl[r][b]:
            d_mix += mx[s] - my[s]
        # s = y (in a) and s = x (in b) were included above: take them out again.
        d_mix -= 2 * mx[y]
        sa, sb = len(self.ppl[r][a]), len(self.ppl[r][b])
        d_mix = 2 * d_mix + 2 * (sa - 1 + sb - 1)
        self.last_mix = d_mix
        d = self.mix_w * d_mix

        d += self.balance_delta(r, x, y, a, b)
        if self.original is not None:
            orig = self.original[r]
            o = orig[x]
            if o >= 0:
                d += self.move_w * ((b != o) - (a != o))
            o = orig[y]
            if o >= 0:
                d += self.move_w * ((a != o) - (b != o))
        return d

    def balance_delta(self, r: int, x: int, y: int, a: int, b: int) -> float:
        """Balance change of exchanging ``x`` (at table a) and ``y`` (at b) in round ``r``."""
        term = self.term[r]
        sa, sb = len(self.ppl[r][a]), len(self.ppl[r][b])
        cnt_a, cnt_b = self.cnt[r][a], self.cnt[r][b]
        d = 0.0
        for gx, gy in zip(self.gcats[x], self.gcats[y], strict=True):
            if gx != gy:
                tx, ty = term[gx], term[gy]
                t1, t2 = tx[sa], ty[sa]
                k1, k2 = cnt_a[gx], cnt_a[gy]
                d += t1[k1 - 1] - t1[k1] + t2[k2 + 1] - t2[k2]
                t1, t2 = tx[sb], ty[sb]
                k1, k2 = cnt_b[gx], cnt_b[gy]
                d += t1[k1 + 1] - t1[k1] + t2[k2 - 1] - t2[k2]
        return d

    def apply(
        self, r: int, a: int, b: int, ux: list[int], uy: list[int], d: float
    ) -> None:
        """Carry out an exchange of units ``ux`` (at a) and ``uy`` (at b) costing ``d``."""
        cp = self.cp
        units = cp.units
        xs = [p for u in ux for p in units[u]]
        ys = [p for u in uy for p in units[u]]
        ppl_a, ppl_b = self.ppl[r][a], self.ppl[r][b]
        met = self.met
        stay_a = [s for s in ppl_a if s not in xs]
        stay_b = [s for s in ppl_b if s not in ys]
        for x, leave, join in [(x, stay_a, stay_b) for x in xs] + [(y, stay_b, stay_a) for y in ys]:
            row = met[x]
            for s in leave:
                m = row[s] - 1
                row[s] = m
                met[s][x] = m
                if m == 1:
                    self._repeat(x, s, -1)
            for s in join:
                m = row[s] + 1
                row[s] = m
                met[s][x] = m
                if m == 2:
                    self._repeat(x, s, 1)
        self.ppl[r][a] = stay_a + ys
        self.ppl[r][b] = stay_b + xs
        tab = self.tab[r]
        cnt_a, cnt_b = self.cnt[r][a], self.cnt[r][b]
        for x in xs:
            tab[x] = b
            for g in self.gcats[x]:
                cnt_a[g] -= 1
                cnt_b[g] += 1
        for y in ys:
            tab[y] = a
            for g in self.gcats[y]:
                cnt_a[g] += 1
                cnt_b[g] -= 1
        at_a, at_b = self.units_at[r][a], self.units_at[r][b]
        for u in ux:
            at_a.remove(u)
            at_b.append(u)
        for u in uy:
            at_b.remove(u)
            at_a.append(u)
        self.l1[r][a] = self._table_l1(r, a, cnt_a, len(self.ppl[r][a]))
        self.l1[r][b] = self._table_l1(r, b, cnt_b, len(self.ppl[r][b]))
        self.mixing += self.last_mix
        self.last_mix = 0
        if any(self.in_cluster[p] for p in xs) or any(self.in_cluster[p] for p in ys):
            cl_count = self.cl_count[r]
            for p, src, dst in [(x, a, b) for x in xs] + [(y, b, a) for y in ys]:
                for k in cp.clusters_of[p]:
                    cl_count[k][src] -= 1
                    cl_count[k][dst] += 1
            self.cl_used[r] = [sum(1 for c in row if c) for row in cl_count]
        self.cost += d

    def _repeat(self, p: int, q: int, step: int) -> None:
        """Keep ``conflicted`` (people with a repeat meeting) up to date as pairs cross 1↔2."""
        for who in (p, q):
            before = self.repeats[who]
            self.repeats[who] = before + step
            if before == 0:
                self.slot[who] = len(self.conflicted)
                self.conflicted.append(who)
            elif before + step == 0:
                i = self.slot[who]
                last = self.conflicted.pop()
                if last != who:
                    self.conflicted[i] = last
                    self.slot[last] = i

    def seats(self) -> list[list[int]]:
        return [list(row) for row in self.tab]


def index_rounds(cp: Compiled, seats: list[list[int]]) -> list[list[list[int]]]:
    """Per round, per table, the people (as indices) in input order."""
    out = []
    for r in range(cp.rounds):
        tables: list[list[int]] = [[] for _ in range(cp.tables)]
        for p, t in enumerate(seats[r]):
            if t >= 0:
                tables[t].append(p)
        out.append(tables)
    return out


def to_plan(cp: Compiled, seats: list[list[int]]) -> Plan:
    return Plan(
        tuple(
            tuple(tuple(cp.ids[p] for p in table) for table in tables)
            for tables in index_rounds(cp, seats)
        )
    )


class _Pace:
    """Where a pass is in its schedule, and whether it must stop, looked at every 256 steps.

    The schedule's fraction follows the steps, or the clock when ``until`` is given and the
    clock is further along (a pass with less time than its steps need still cools down).
    """

    def __init__(self, iterations: int, *, until: float | None, deadline: float | None,
                 cancel: CancelFn | None, clock: Callable[[], float]) -> None:
        self.iterations = iterations
        self.until = until
        self.deadline = deadline
        self.cancel = cancel
        self.clock = clock
        self.began = clock()
        self.frac = 0.0

    def halt(self, it: int) -> Stop | None:
        """Why to stop before step ``it`` ("finished": the pace's time is up), or None."""
        self.frac = it / self.iterations
        if self.until is not None:
            spent = (self.clock() - self.began) / max(self.until - self.began, 1e-9)
            self.frac = max(self.frac, spent)
            if self.frac >= 1.0:
                return "finished"
        if self.cancel is not None and self.cancel():
            return "cancelled"
        if self.deadline is not None and self.clock() > self.deadline:
            return "time limit"
        return None


def anneal(
    state: State,
    rng: random.Random,
    iterations: int,
    *,
    t_hot: float,
    t_cold: float,
    aim: float,
    deadline: float | None = None,
    progress: ProgressFn | None = None,
    span: tuple[float, float] = (0.0, 1.0),
    cancel: CancelFn | None = None,
    clock: Callable[[], float] = time.monotonic,
    ramp: tuple[float, float] | None = None,
    until: float | None = None,
) -> tuple[list[list[int]], int, Stop]:
    """Run one annealing pass; return the best seats seen, steps taken, why it stopped.

    ``ramp`` = (first, last) raises the weight of mixing geometrically from ``first`` to
    ``last`` over the pass (strategic oscillation: balance the tables while repeats are
    cheap, then squeeze the repeats out); the best plan is judged at the last weight.

    The temperature falls geometrically from ``t_hot`` to ``t_cold`` with the step count,
    not with the clock, so a given seed and budget always give the same plan; ``deadline``
    (a ``clock()`` value) or ``cancel`` only cut the walk short. ``aim`` is the share of
    steps that start from someone who has met a person twice. ``span`` maps this pass's
    progress into the caller's overall fraction.
    """
    cp = state.cp
    free = state.free
    rounds = [r for r in free if len(state.movable[r]) > 0 and len(cp.available[r]) > 1]
    best = state.seats()
    final = state.mix_w if ramp is None else ramp[1]
    if ramp is not None:
        state.reweigh(ramp[0])
    # The cost at the final mixing weight, which does not move when the ramp re-weighs.
    cost = state.cost + (final - state.mix_w) * state.mixing
    best_cost = cost
    if not rounds or iterations <= 0:
        if ramp is not None:
            state.reweigh(final)
        return best, 0, "finished"

    ratio = t_cold / t_hot
    at_best = True
    stopped: Stop = "finished"
    temp = t_hot
    next_report = 0.0
    last_reported_cost: float | None = None
    last_quality: PlanQuality | None = None
    rand = rng.random
    units = cp.units
    ulen = state.ulen
    in_cluster = state.in_cluster
    tabs = state.tab
    ppl = state.ppl
    units_at = state.units_at
    movable = state.movable
    available = cp.available
    exp = math.exp
    n_rounds = len(rounds)
    done = 0
    unit_of = cp.unit_of
    is_movable = state.is_movable
    met = state.met

    def snapshot() -> None:
        nonlocal best
        best = state.seats()

    pace = _Pace(iterations, until=until, deadline=deadline, cancel=cancel, clock=clock)
    for it in range(iterations):
        if it & 255 == 0:
            halt = pace.halt(it)
            if halt is not None:
                stopped = halt
                break
            frac = pace.frac
            temp = t_hot * ratio**frac
            if ramp is not None:
                state.reweigh(ramp[0] * (ramp[1] / ramp[0]) ** frac)
            if progress is not None and frac >= next_report:
                next_report = frac + 0.02 / max(span[1] - span[0], 1e-9)
                if at_best:
                    snapshot()
                if last_reported_cost != best_cost or last_quality is None:
                    last_quality = quality_of(cp, index_rounds(cp, best))
                    last_reported_cost = best_cost
                progress(Progress(span[0] + frac * (span[1] - span[0]), last_quality))
        done = it + 1
        r = rounds[int(rand() * n_rounds)] if n_rounds > 1 else rounds[0]
        conflicted = state.conflicted
        if conflicted and rand() < aim:
            # Someone who met a person twice, in a round where they sit with such a person.
            x = conflicted[int(rand() * len(conflicted))]
            u = unit_of[x]
            if u < 0:  # someone who has left: met people in rounds already done
                continue
            row = met[x]
            for _try in range(3):
                if any(row[s] > 1 for s in ppl[r][tabs[r][x]]):
                    break
                r = rounds[int(rand() * n_rounds)]
            if not is_movable[r][u]:
                continue
        else:
            mv = movable[r]
            u = mv[int(rand() * len(mv))]
        unit = units[u]
        tab = tabs[r]
        a = tab[unit[0]]
        avail = available[r]
        b = avail[int(rand() * len(avail))]
        if b == a:
            continue
        lu = ulen[u]
        ppl_r = ppl[r]
        sa, sb = len(ppl_r[a]), len(ppl_r[b])
        ux: list[int]
        uy: list[int]
        if (sa - lu >= cp.q[r] and sb + lu <= cp.q[r] + 1 and cp.big[r] > 0
                and rand() < 0.5):
            ux, uy = [u], []
            d = state.delta(r, a, b, unit, [])
        else:
            at_b = units_at[r][b]
            if not at_b:
                continue
            v = at_b[int(rand() * len(at_b))]
            ux, uy = [u], [v]
            if lu == 1 and ulen[v] == 1 and not in_cluster[unit[0]] \
                    and not in_cluster[units[v][0]]:
                d = state.swap_delta(r, unit[0], units[v][0], a, b)
            else:
                if ulen[v] != lu:
                    _even_out(state, r, a, b, ux, uy, rng)
                xs = [p for w in ux for p in units[w]]
                ys = [p for w in uy for p in units[w]]
                d = state.delta(r, a, b, xs, ys)
        if d is None:
            continue
        if d <= 0 or rand() < exp(-d / temp):
            df = d + (final - state.mix_w) * state.last_mix
            if df > 0 and at_best:
                snapshot()
                at_best = False
            state.apply(r, a, b, ux, uy, d)
            cost += df
            if cost < best_cost - 1e-9:
                best_cost = cost
                at_best = True
            elif at_best and df <= 0:
                best_cost = min(best_cost, cost)
    if at_best:
        snapshot()
    if ramp is not None:
        state.reweigh(final)
    return best, done, stopped


def _even_out(
    state: State, r: int, a: int, b: int, ux: list[int], uy: list[int], rng: random.Random
) -> None:
    """Grow the lighter side of an exchange with more units so table sizes still fit."""
    ulen = state.ulen
    for _attempt in range(3):
        wx = sum(ulen[u] for u in ux)
        wy = sum(ulen[u] for u in uy)
        if wx == wy:
            return
        side, table = (uy, b) if wx > wy else (ux, a)
        pool = [u for u in state.units_at[r][table] if u not in side]
        if not pool:
            return
        side.append(pool[rng.randrange(len(pool))])


# The search runs in two passes. The main pass weighs balance heavily so tables end up
# close to the room's mix; the polish pass, cold and aimed at people who met someone twice,
# then makes repeats dearer so the last few are traded away for the least loss of balance.
# (Re-balancing uses these two passes; a new allocation ramps instead, see RAMP.)
MAIN = {"t_hot": 1.0, "t_cold": 0.02, "aim": 0.2}
POLISH = {"t_hot": 0.1, "t_cold": 0.02, "aim": 0.5}
POLISH_SHARE = 0.2
POLISH_MIXING = 20.0

# A new allocation's main pass raises the weight of repeats from RAMP_FROM to the
# trade-off's weight (strategic oscillation): the tables are balanced first, while a
# repeat is cheap, and the repeats are then squeezed out one by one with the least loss of
# balance. On the 110-person pool with six skewed attributes this reached 0 repeats at
# 1.10 × the reference where the two fixed-weight passes stopped at 1.18 ×.
RAMP = {"t_hot": 0.3, "t_cold": 0.02, "aim": 0.3}
RAMP_FROM = 0.05
RAMP_POLISH_SHARE = 0.1
"""After a ramp the polish needs fewer steps (the ramp has already squeezed most repeats
out): on the 110-type pool, 1.2M steps over seeds 0-2, a tenth for the polish gave 1.09 ×
the reference on average where a fifth gave 1.15 ×."""
RELABEL = {"t_hot": 10.0, "t_cold": 0.01}
"""Relabelling runs hot: a swap moves two people in every round at once, so its cost
changes are several rounds' worth (48 people in 8 tables of 6 over 6 rounds: 1.33 × the
reference from a start at 10, 1.66 × from 1)."""

Tradeoff = Literal["never", "few", "balanced", "balance"]
TRADEOFFS: dict[str, float] = {"never": 100.0, "few": 3.0, "balanced": 0.5, "balance": 0.05}
"""The weight of a repeat meeting at the end of the search, per trade-off, against balance's
20 (× Weights.mixing): "never" makes one repeat dearer than any imbalance. On the 110-type
pool (bench_tables.py's curve, standard search) weights of 5 and more gave no repeat at
1.12 × the reference, 2 and less 15–24 repeats at 0.99–1.02 ×, 0.02 35 repeats."""

DESIGN_DENSITY = 0.4
"""Use a constructed design (when one exists) when each person meets at least this share of
the room: there plain search struggles to reach no repeats; below it, search does better."""

STALE_CYCLES = 4
"""With a time limit, stop after this many extra search cycles in a row found nothing better."""
CYCLE_STEPS = 32
"""A search cycle after the standard pass has this many times its steps (paced to the time)."""

TABU_COST = 300
"""A tabu move weighs every swap it looks at: count it as this many annealing steps."""


def search(
    cp: Compiled,
    seats: list[list[int]],
    free: Sequence[int],
    weights: Weights,
    rng: random.Random,
    iterations: int,
    *,
    original: list[list[int]] | None = None,
    time_limit: float | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    clock: Callable[[], float] = time.monotonic,
    main: dict[str, float] | None = None,
    ramp: float | None = None,
    deadline: float | None = None,
    until: float | None = None,
) -> tuple[list[list[int]], int, Stop]:
    """Both passes from a legal seating; returns the best seats, steps taken, why it stopped.

    ``main`` overrides the main pass's schedule (re-balancing starts from a good plan and
    runs cooler, so it does not wander far from where people already sit). With ``ramp``
    the main pass raises the weight of mixing from ``ramp`` to ``weights.mixing`` and the
    polish keeps it there (no :data:`POLISH_MIXING` multiplier).
    """
    if deadline is None and time_limit is not None:
        deadline = clock() + time_limit
    share = POLISH_SHARE if ramp is None else RAMP_POLISH_SHARE
    main_steps = iterations - int(iterations * share)
    state = State(cp, seats, free, weights, original)
    schedule = main or (MAIN if ramp is None else RAMP)
    now = clock()
    main_until = None if until is None else now + (until - now) * (1.0 - share)
    best, done, stopped = anneal(
        state, rng, main_steps, deadline=deadline, progress=progress,
        span=(0.0, 1.0 - share), cancel=cancel, clock=clock,
        ramp=None if ramp is None else (min(ramp, weights.mixing), weights.mixing),
        until=main_until,
        t_hot=schedule["t_hot"], t_cold=schedule["t_cold"], aim=schedule["aim"],
    )
    if stopped == "finished":
        polish = weights if ramp is not None else Weights(
            weights.mixing * POLISH_MIXING, weights.balance, weights.move)
        state = State(cp, best, free, polish, original)
        best, more, stopped = anneal(
            state, rng, iterations - main_steps, deadline=deadline, progress=progress,
            span=(1.0 - share, 1.0), cancel=cancel, clock=clock, until=until,
            t_hot=POLISH["t_hot"], t_cold=POLISH["t_cold"], aim=POLISH["aim"],
        )
        done += more
    if progress is not None:
        progress(Progress(1.0, quality_of(cp, index_rounds(cp, best))))
    return best, done, stopped


def relabel(
    state: State,
    rng: random.Random,
    iterations: int,
    *,
    t_hot: float,
    t_cold: float,
    deadline: float | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    clock: Callable[[], float] = time.monotonic,
    until: float | None = None,
) -> tuple[list[list[int]], int, Stop]:
    """Anneal over who takes which slot of a fixed schedule: two people swap seats in every
    round at once. The meetings are only renamed, so a schedule with no repeat keeps none;
    only the balance changes. For plans without pins, clusters or pairs (one person a unit).
    """
    cp = state.cp
    people = list(range(cp.n_active))
    n = len(people)
    best = state.seats()
    if n < 2 or iterations <= 0 or not state.free:
        return best, 0, "finished"
    cost = best_cost = state.cost
    at_best = True
    rand = rng.random
    exp = math.exp
    ratio = t_cold / t_hot
    temp = t_hot
    unit_of = cp.unit_of
    tabs = [state.tab[r] for r in state.free]
    rounds = list(state.free)
    stopped: Stop = "finished"
    done = 0
    next_report = 0.0
    pace = _Pace(iterations, until=until, deadline=deadline, cancel=cancel, clock=clock)
    for it in range(iterations):
        if it & 255 == 0:
            halt = pace.halt(it)
            if halt is not None:
                stopped = halt
                break
            frac = pace.frac
            temp = t_hot * ratio**frac
            if progress is not None and frac >= next_report:
                next_report = frac + 0.05
                if at_best:
                    best = state.seats()
                progress(Progress(frac, quality_of(cp, index_rounds(cp, best))))
        done = it + 1
        x = people[int(rand() * n)]
        y = people[int(rand() * n)]
        if x == y:
            continue
        d = 0.0
        moves = []
        for r, tab in zip(rounds, tabs, strict=True):
            a, b = tab[x], tab[y]
            if a != b:
                dr = state.balance_delta(r, x, y, a, b)
                d += dr
                moves.append((r, a, b, dr))
        if d <= 0 or rand() < exp(-d / temp):
            if d > 0 and at_best:
                best = state.seats()
                at_best = False
            ux, uy = [unit_of[x]], [unit_of[y]]
            for r, a, b, dr in moves:
                state.last_mix = 0  # renamed meetings: the total does not change
                state.apply(r, a, b, ux, uy, dr)
            cost += d
            if cost < best_cost - 1e-9:
                best_cost = cost
                at_best = True
            elif at_best and d <= 0:
                best_cost = min(best_cost, cost)
    if at_best:
        best = state.seats()
    return best, done, stopped


def tabu(
    state: State,
    rng: random.Random,
    moves: int,
    *,
    deadline: float | None = None,
    cancel: CancelFn | None = None,
    clock: Callable[[], float] = time.monotonic,
    until: float | None = None,
) -> tuple[list[list[int]], int, Stop]:
    """Tabu search on the repeats of a dense room (the social golfer's neighbourhood, after
    Dotú & Van Hentenryck): each move takes the best swap, in one round, of someone who
    sits with a person met before and anyone at another table, except swaps that would
    send someone straight back (tabu for a few moves) unless they give a new best plan.
    After a long stretch without a better plan, a few random swaps shake it up.
    For rooms without pins, clusters, pairs or closed tables (one person a unit).
    """
    cp = state.cp
    rounds = list(state.free)
    best = state.seats()
    cost = best_cost = state.cost
    if moves <= 0 or not rounds:
        return best, 0, "finished"
    ppl, met, unit_of = state.ppl, state.met, cp.unit_of
    banned: dict[tuple[int, int, int], int] = {}
    pace = _Pace(moves, until=until, deadline=deadline, cancel=cancel, clock=clock)
    stopped: Stop = "finished"
    done = stale = 0
    for it in range(moves):
        if it & 15 == 0:
            halt = pace.halt(it)
            if halt is not None:
                stopped = halt
                break
        if not state.conflicted:
            break
        done = it + 1
        people = state.conflicted
        if len(people) > TABU_SAMPLE:
            people = rng.sample(people, TABU_SAMPLE)
        chosen: tuple[int, int, int, int, int] | None = None
        chosen_d = math.inf
        for x in people:
            row = met[x]
            for r in rounds:
                tab = state.tab[r]
                a = tab[x]
                if not any(row[z] > 1 for z in ppl[r][a]):
                    continue
                for b in cp.available[r]:
                    if b == a:
                        continue
                    for y in ppl[r][b]:
                        d = state.swap_delta(r, x, y, a, b)
                        if d is None or d > chosen_d:
                            continue
                        if ((banned.get((r, x, b), -1) > it or banned.get((r, y, a), -1) > it)
                                and cost + d >= best_cost - 1e-9):
                            continue
                        if d < chosen_d or rng.random() < 0.5:
                            chosen, chosen_d = (r, x, y, a, b), d
        if chosen is None:
            continue
        r, x, y, a, b = chosen
        d = state.swap_delta(r, x, y, a, b)
        assert d is not None
        state.apply(r, a, b, [unit_of[x]], [unit_of[y]], d)
        tenure = TABU_TENURE[0] + rng.randrange(TABU_TENURE[1])
        banned[r, x, a] = it + tenure
        banned[r, y, b] = it + tenure
        cost += d
        if cost < best_cost - 1e-9:
            best_cost, best, stale = cost, state.seats(), 0
            continue
        stale += 1
        if stale >= TABU_STALE:
            stale = 0
            for _kick in range(TABU_KICK):
                r = rounds[rng.randrange(len(rounds))]
                x, y = rng.randrange(cp.n_active), rng.randrange(cp.n_active)
                a, b = state.tab[r][x], state.tab[r][y]
                if a != b:
                    kick = state.swap_delta(r, x, y, a, b)
                    if kick is not None:
                        state.apply(r, a, b, [unit_of[x]], [unit_of[y]], kick)
                        cost += kick
    if cost < best_cost - 1e-9:
        best = state.seats()
    return best, done, stopped


TABU_SAMPLE = 12
"""At most this many people with a repeat are looked at per tabu move."""
TABU_TENURE = (4, 12)
"""A swapped person may not go back for 4 + 0..11 moves."""
TABU_STALE, TABU_KICK = 300, 6
"""After 300 moves without a better plan, 6 random swaps."""


def _plain(cp: Compiled) -> bool:
    c = cp.problem.constraints
    return not (c.pins or c.clusters or c.apart or c.together or c.unavailable)


def design_of(cp: Compiled) -> Design | None:
    """A constructed schedule with no repeat for this room, when the room allows one.

    Only for a room without rules (pins, clusters, pairs, closed tables): they would tie
    people to slots the design does not know about. Only where each person meets much of
    the room (:data:`DESIGN_DENSITY`); sparser rooms reach no repeats by search, with a
    better balance.
    """
    if not _plain(cp):
        return None
    if not _dense(cp):
        return None
    return design_for(cp.n_active, cp.tables, cp.rounds)


def _dense(cp: Compiled) -> bool:
    """Whether each person meets at least :data:`DESIGN_DENSITY` of the room."""
    n = cp.n_active
    size = math.ceil(n / cp.tables)
    return cp.rounds * (size - 1) >= DESIGN_DENSITY * (n - 1)


def seats_from_design(
    cp: Compiled, design: Design, rng: random.Random
) -> list[list[int]]:
    """Seats of a random filling of the design's slots (table numbers as the design's)."""
    slots = [s for s in range(design.slots) if s not in set(design.dummies)]
    rng.shuffle(slots)
    return [[row[slots[p]] for p in range(cp.n_active)] for row in design.schedule]


def _from_design(
    cp: Compiled, design: Design, weights: Weights, rng: random.Random, iterations: int,
    *, deadline: float | None, progress: ProgressFn | None, cancel: CancelFn | None,
    clock: Callable[[], float], until: float | None = None,
) -> tuple[list[list[int]], int, Stop]:
    """A design filled so its tables mirror the room: relabel, then polish without repeats."""
    seats = seats_from_design(cp, design, rng)
    if not cp.n_attr:
        return seats, 0, "finished"
    free = range(cp.rounds)
    state = State(cp, seats, free, weights)
    first = iterations // 2
    # A relabelling step weighs every round: count it as that many steps.
    now = clock()
    half = None if until is None else now + (until - now) / 2
    best, done, stopped = relabel(state, rng, first // cp.rounds, deadline=deadline,
                                  progress=progress, cancel=cancel, clock=clock, until=half,
                                  **RELABEL)
    done *= cp.rounds
    if stopped == "finished":
        state = State(cp, best, free, weights)
        best, more, stopped = anneal(
            state, rng, iterations - first, deadline=deadline, progress=progress,
            span=(0.5, 1.0), cancel=cancel, clock=clock, until=until,
            t_hot=POLISH["t_hot"], t_cold=POLISH["t_cold"], aim=POLISH["aim"])
        done += more
    return best, done, stopped


def _score(quality: PlanQuality, weights: Weights) -> float:
    return weights.mixing * quality.mixing + weights.balance * quality.balance


def allocate(
    problem: Problem,
    *,
    seed: int = 0,
    iterations: int | None = None,
    time_limit: float | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    weights: Weights | None = None,
    tradeoff: Tradeoff = "never",
    clock: Callable[[], float] = time.monotonic,
) -> Allocation:
    """Seat everyone for every round: tables that mirror the room, new faces each round.

    ``tradeoff`` says how much balance a repeat meeting is worth: ``never`` (no pair meets
    twice wherever the search can manage it), ``few``, ``balanced``, ``balance`` (the best
    mix at every table, a few pairs meeting again). Where a design with no repeat exists
    and the room is dense (the social golfer problem), it is built and filled to mirror the
    room instead of searched for.

    Deterministic for a given ``seed`` and ``iterations`` (default: grows with the pool).
    ``time_limit`` (seconds) lets the search go on after that first pass, in further
    cycles (one long search paced to end by the limit, then more from the best plan and
    from fresh starts), keeping the best: never a worse plan than the first pass, and on
    average a better one the more time it has (a first pass that would overrun the limit
    is paced to fit it, so it still cools down properly). It stops at the limit, when
    ``cancel`` says so, after :data:`STALE_CYCLES` cycles without a better plan, or when the
    plan has no repeat and is as balanced as the column-by-column reference; ``stopped``
    says which. ``progress`` is
    called about fifty times a pass with the fraction done and the best plan's quality.
    Raises :class:`InfeasibleError` when the hard constraints cannot all be met.
    """
    if tradeoff not in TRADEOFFS:
        raise AllocationError(_("Unknown trade-off {name}.").format(name=tradeoff))
    if iterations is not None and iterations < 0:
        raise AllocationError(_("The number of iterations must be at least 0."))
    if time_limit is not None and not (math.isfinite(time_limit) and time_limit >= 0):
        raise AllocationError(_("The time limit must be a number of seconds of at least 0."))
    base = weights or Weights()
    final = Weights(base.mixing * TRADEOFFS[tradeoff], base.balance, base.move)
    cp = compile_problem(problem)
    start = clock()
    deadline = None if time_limit is None else start + time_limit
    rng = random.Random(seed)
    budget = default_iterations(cp, cp.rounds) if iterations is None else iterations
    report = _Reporter(cp, final, progress, clock, start, time_limit)
    design = design_of(cp) if tradeoff == "never" else None
    free = range(cp.rounds)
    if design is not None:
        best, done, stopped = _from_design(
            cp, design, final, rng, budget, deadline=deadline, progress=report.pass_progress,
            cancel=cancel, clock=clock, until=deadline)
    else:
        seats = [seat_round(cp, r, rng) for r in free]
        best, done, stopped = search(
            cp, seats, free, final, rng, budget, deadline=deadline, until=deadline,
            progress=report.pass_progress, cancel=cancel, clock=clock, ramp=RAMP_FROM)
    quality = quality_of(cp, index_rounds(cp, best))
    if (stopped == "finished" and design is None and tradeoff == "never" and _plain(cp)
            and _dense(cp) and quality.repeat_pairs > repeat_lower_bound(problem)):
        # A dense room with no known design: tabu search on the repeats.
        state = State(cp, best, free, final)
        best, more, stopped = tabu(state, rng, max(100, budget // TABU_COST),
                                   deadline=deadline, cancel=cancel, clock=clock,
                                   until=deadline)
        done += more
        quality = quality_of(cp, index_rounds(cp, best))
    report.better(quality)
    if stopped == "finished" and _target_met(problem, quality):
        stopped = "target met" if deadline is not None or design is not None else stopped
    elif stopped == "finished" and deadline is not None:
        best, quality, more, stopped = _cycles(
            cp, best, quality, final, seed, budget, design, deadline=deadline, cancel=cancel,
            clock=clock, report=report)
        done += more
    if progress is not None:
        progress(Progress(1.0, quality))
    return Allocation(plan=to_plan(cp, best), quality=quality, iterations=done,
                      stopped=stopped)


def _target_met(problem: Problem, quality: PlanQuality) -> bool:
    """Nothing left to gain: no repeat, and as balanced as the column-by-column reference."""
    if quality.repeat_pairs:
        return False
    return not problem.diversify or quality.mean_l1 <= reference_mean_l1(problem) + 1e-12


def _cycles(
    cp: Compiled, best: list[list[int]], quality: PlanQuality, weights: Weights, seed: int,
    budget: int, design: Design | None, *, deadline: float, cancel: CancelFn | None,
    clock: Callable[[], float], report: _Reporter,
) -> tuple[list[list[int]], PlanQuality, int, Stop]:
    """Search on until the deadline, alternately from a fresh start and from the best plan,
    keeping whichever plan is best; never returns a worse plan than ``best``."""
    free = range(cp.rounds)
    score = _score(quality, weights)
    done, stale, cycle = 0, 0, 0
    stopped: Stop = "time limit"
    while clock() < deadline:
        if stale >= STALE_CYCLES:
            stopped = "no improvement"
            break
        cycle += 1
        rng = random.Random(seed * 1_000_003 + cycle)
        # A cycle has many more steps than the standard pass and is paced to end by the
        # deadline: one long, slow search beats several short ones (on the 110-type pool
        # 2M steps in one pass reached 1.08-1.10 × where the best of a 0.6M and a 1.3M pass
        # was 1.15 ×), so the spare time goes to one, unless it finishes early.
        steps = max(1_000, budget) * CYCLE_STEPS
        if design is not None and cycle % 2:
            cand, more, stop = _from_design(
                cp, design, weights, rng, steps, deadline=deadline, until=deadline,
                progress=report.pass_progress, cancel=cancel, clock=clock)
        else:
            start = best if not cycle % 2 else [seat_round(cp, r, rng) for r in free]
            cand, more, stop = search(
                cp, start, free, weights, rng, steps, deadline=deadline, until=deadline,
                progress=report.pass_progress, cancel=cancel, clock=clock, ramp=RAMP_FROM)
        done += more
        q = quality_of(cp, index_rounds(cp, cand))
        s = _score(q, weights)
        if s < score - 1e-9:
            best, quality, score, stale = cand, q, s, 0
            report.better(q)
            if _target_met(cp.problem, q):
                stopped = "target met"
                break
        else:
            stale += 1
        if stop != "finished":
            stopped = stop
            break
    return best, quality, done, stopped


class _Reporter:
    """Progress as the facilitator sees it: the best figures of the whole run so far (never
    worse than before), and the fraction of the time limit used (or of the pass)."""

    def __init__(self, cp: Compiled, weights: Weights, progress: ProgressFn | None,
                 clock: Callable[[], float], start: float, time_limit: float | None) -> None:
        self.weights = weights
        self.progress = progress
        self.clock = clock
        self.start = start
        self.time_limit = time_limit
        self.best: PlanQuality | None = None
        self.fraction = 0.0

    def better(self, quality: PlanQuality) -> PlanQuality:
        if self.best is None or _score(quality, self.weights) < _score(self.best, self.weights):
            self.best = quality
        return self.best

    def pass_progress(self, value: Progress) -> None:
        best = self.better(value.best)
        if self.progress is None:
            return
        if self.time_limit:
            fraction = (self.clock() - self.start) / self.time_limit
        else:
            fraction = value.fraction
        self.fraction = min(1.0, max(self.fraction, fraction))
        self.progress(Progress(self.fraction, best))
