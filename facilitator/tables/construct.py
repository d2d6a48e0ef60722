"""A first seating that keeps every hard rule, for the search to improve.

The search only ever makes moves that keep the rules, so it must start from a legal plan.
This greedy pass seats the most constrained people first (pins, clusters, keep-apart, big
keep-together groups), then deals the rest stratified by their attributes so the start is
already roughly balanced. When re-balancing it first tries to leave everyone where they
were. Randomised retries get it out of unlucky orders; if all fail the error names the
people it could not seat and why.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from facilitator.i18n import _
from facilitator.tables.compiled import Compiled
from facilitator.tables.model import InfeasibleError

ATTEMPTS = 40


class _Stuck(Exception):
    def __init__(self, message: str, unit: int) -> None:
        super().__init__(message)
        self.unit = unit


class _Round:
    """Seating state of one round while the greedy pass fills it."""

    def __init__(self, cp: Compiled, r: int) -> None:
        self.cp = cp
        self.r = r
        self.q = cp.q[r]
        self.big = cp.big[r]
        self.hi = self.q + (1 if self.big else 0)
        self.size = [0] * cp.tables
        self.big_used = 0
        self.table_of = [-1] * cp.n
        self.cl_count = [[0] * cp.tables for _ in cp.clusters]
        self.cl_used = [0] * len(cp.clusters)
        self.touched = [0] * cp.tables
        self.clock = 0

    def capacity(self, t: int) -> int:
        if self.big and (self.size[t] > self.q or self.big_used < self.big):
            return self.q + 1
        return self.q

    def why_not(self, unit: Sequence[int], t: int) -> str | None:
        """``None`` if ``unit`` can sit at table ``t`` now, else the reason it cannot."""
        cp = self.cp
        after = self.size[t] + len(unit)
        if after > self.hi or (after > self.q and self.size[t] <= self.q
                               and self.big_used >= self.big):
            return _("full")
        for m in unit:
            for z in cp.apart_of[m]:
                if self.table_of[z] == t:
                    return _("{id} must sit apart from {other}").format(
                        id=cp.ids[m], other=cp.ids[z])
        for k in sorted({k for m in unit for k in cp.clusters_of[m]}):
            if self.cl_count[k][t] == 0 and self.cl_used[k] >= cp.cluster_k[self.r][k]:
                return _("the cluster {attr}={value} already has its tables").format(
                    attr=cp.problem.constraints.clusters[k].attribute,
                    value=cp.problem.constraints.clusters[k].value,
                )
        return None

    def put(self, unit: Sequence[int], t: int) -> None:
        before = self.size[t]
        self.size[t] += len(unit)
        if before <= self.q < self.size[t]:
            self.big_used += 1
        for m in unit:
            self.table_of[m] = t
            for k in self.cp.clusters_of[m]:
                if self.cl_count[k][t] == 0:
                    self.cl_used[k] += 1
                self.cl_count[k][t] += 1
        self.clock += 1
        self.touched[t] = self.clock

    def stuck(self, u: int, tables: Sequence[int]) -> _Stuck:
        unit = self.cp.units[u]
        reasons = []
        for t in tables[:6]:
            reasons.append(_("table {t}: {why}").format(t=t + 1, why=self.why_not(unit, t)))
        more = "; …" if len(tables) > 6 else ""
        return _Stuck(
            _("Cannot seat {ids} in round {n}: {reasons}{more}.").format(
                ids=", ".join(self.cp.ids[m] for m in unit), n=self.r + 1,
                reasons="; ".join(reasons), more=more,
            ),
            u,
        )


def seat_round(
    cp: Compiled, r: int, rng: random.Random, prefer: Sequence[int] | None = None
) -> list[int]:
    """Table of every person in round ``r`` (−1 for former people), keeping all rules.

    ``prefer`` gives each person's table to keep if possible (−1: none), for re-balancing.
    """
    error: _Stuck | None = None
    # "Squeaky wheel": whoever could not be seated goes earlier next time.
    boost: dict[int, int] = {}
    for attempt in range(ATTEMPTS):
        keep = prefer if prefer is not None and attempt < ATTEMPTS // 2 else None
        try:
            return _try(cp, r, rng, keep, boost, wander=0.0 if attempt < 2 else 0.3)
        except _Stuck as stuck:
            error = error or stuck
            boost[stuck.unit] = boost.get(stuck.unit, 0) + 1
    assert error is not None
    raise InfeasibleError(str(error))


def _try(
    cp: Compiled,
    r: int,
    rng: random.Random,
    prefer: Sequence[int] | None,
    boost: dict[int, int],
    wander: float,
) -> list[int]:
    """One greedy pass; ``wander`` is the chance of picking a random legal table instead."""
    state = _Round(cp, r)
    available = cp.available[r]
    open_tables = set(available)
    pins = cp.pins[r]
    units = list(range(len(cp.units)))
    if boost:
        rng.shuffle(units)

    rest = []
    for u in units:
        unit = cp.units[u]
        pinned = {pins[m] for m in unit if m in pins}
        if pinned:
            t = pinned.pop()
            if state.why_not(unit, t) is not None:
                raise state.stuck(u, [t])
            state.put(unit, t)
        else:
            rest.append(u)

    if prefer is not None:
        later = []
        for u in rest:
            unit = cp.units[u]
            wanted = {prefer[m] for m in unit}
            t = wanted.pop() if len(wanted) == 1 else -1
            if t in open_tables and state.why_not(unit, t) is None:
                state.put(unit, t)
            else:
                later.append(u)
        rest = later

    # Most constrained first; the rest stratified by attributes (in a random attribute order)
    # so that dealing them to the emptiest table spreads every category.
    order = list(range(cp.n_attr))
    rng.shuffle(order)
    noise = {u: rng.random() for u in rest}

    def key(u: int) -> tuple[object, ...]:
        unit = cp.units[u]
        lead = unit[0]
        clusters = tuple(sorted({k for m in unit for k in cp.clusters_of[m]}))
        constrained = any(cp.apart_of[m] for m in unit)
        return (
            -boost.get(u, 0),
            0 if clusters else 1,
            clusters,
            0 if constrained else 1,
            -len(unit),
            tuple(cp.cats[lead][a] for a in order),
            noise[u],
        )

    rest.sort(key=key)
    for u in rest:
        unit = cp.units[u]
        options = [t for t in available if state.why_not(unit, t) is None]
        if not options:
            raise state.stuck(u, available)
        if wander and rng.random() < wander:
            state.put(unit, options[int(rng.random() * len(options))])
            continue
        clusters = {k for m in unit for k in cp.clusters_of[m]}
        t = max(
            options,
            key=lambda t: (
                sum(state.cl_count[k][t] for k in clusters),
                state.capacity(t) - state.size[t],
                -state.touched[t],
            ),
        )
        state.put(unit, t)
    return state.table_of
