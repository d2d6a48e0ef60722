"""Re-balance a printed plan after latecomers arrive and people leave.

Rounds already done stay as they were. The current and later rounds are re-optimised from
where everyone already sits: latecomers are seated where there is room, the people left
behind by leavers are topped up, and the search then improves mixing and balance while
every already-seated person it moves costs ``Weights.move`` (per person and round), so
people are only moved when it is clearly worth it. The result says who moved where.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from facilitator.i18n import _
from facilitator.tables.compiled import compile_problem
from facilitator.tables.construct import seat_round
from facilitator.tables.model import AllocationError, Person, Plan, Problem
from facilitator.tables.quality import PlanQuality, quality_of
from facilitator.tables.search import (
    CancelFn,
    ProgressFn,
    Stop,
    Weights,
    default_iterations,
    index_rounds,
    search,
    to_plan,
)

# Cooler than a fresh allocation: the plan people hold is already good.
REBALANCE = {"t_hot": 0.3, "t_cold": 0.02, "aim": 0.2}


@dataclass(frozen=True)
class Move:
    """``person`` changes table in ``round``; ``from_table`` is ``None`` for a latecomer."""

    person: str
    round: int
    from_table: int | None
    to_table: int


@dataclass(frozen=True)
class Rebalance:
    """The new plan, its figures, and who has to be told to move."""

    plan: Plan
    quality: PlanQuality
    moves: tuple[Move, ...]
    new_seats: tuple[Move, ...]
    arrived: tuple[str, ...]
    departed: tuple[str, ...]
    iterations: int
    stopped: Stop

    @property
    def moved_people(self) -> tuple[str, ...]:
        """Already-seated people who change table in at least one round, in plan order."""
        return tuple(dict.fromkeys(m.person for m in self.moves))


def rebalance(
    problem: Problem,
    plan: Plan,
    *,
    from_round: int,
    former: Sequence[Person] = (),
    seed: int = 0,
    iterations: int | None = None,
    time_limit: float | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    weights: Weights | None = None,
) -> Rebalance:
    """Re-seat rounds ``from_round`` onwards of ``plan`` for the room as it is now.

    ``problem`` describes the room now: everyone present (latecomers included, leavers
    not) and the constraints. ``former`` gives the people who sat in earlier rounds but
    have left, so those rounds can still be judged. Rounds before ``from_round`` are kept
    exactly as they were, and their meetings count when mixing the rest.
    """
    weights = weights or Weights()
    if len(plan.rounds) != problem.rounds:
        raise AllocationError(_("The plan has {got} rounds, not {want}.").format(
            got=len(plan.rounds), want=problem.rounds))
    for r, tables in enumerate(plan.rounds):
        if len(tables) != problem.tables:
            raise AllocationError(_("Round {n} of the plan has {got} tables, not {want}.")
                                  .format(n=r + 1, got=len(tables), want=problem.tables))
    if not 0 <= from_round < problem.rounds:
        raise AllocationError(_("There is no round {n} to re-balance from.").format(
            n=from_round + 1))
    cp = compile_problem(problem, former)
    rounds = range(problem.rounds)
    old = [plan.seating(r) for r in rounds]
    for r in range(from_round):
        for pid in sorted(old[r]):
            if pid not in cp.index:
                raise AllocationError(
                    _("{id} sat in round {n} but is neither in the list nor among the people "
                      "who left.").format(id=pid, n=r + 1)
                )
    before = [[old[r].get(pid, -1) for pid in cp.ids] for r in rounds]
    for r in range(from_round, problem.rounds):
        for p in range(cp.n_active, cp.n):
            before[r][p] = -1

    rng = random.Random(seed)
    seats: list[list[int]] = [list(before[r]) for r in range(from_round)]
    seats += [seat_round(cp, r, rng, before[r]) for r in range(from_round, problem.rounds)]
    free = range(from_round, problem.rounds)
    budget = (default_iterations(cp, len(free)) // 4) if iterations is None else iterations
    best, done, stopped = search(
        cp, seats, free, weights, rng, budget, original=before, time_limit=time_limit,
        progress=progress, cancel=cancel, main=REBALANCE,
    )

    moves: list[Move] = []
    new_seats: list[Move] = []
    for r in free:
        for p in range(cp.n_active):
            was, now = before[r][p], best[r][p]
            if was < 0:
                new_seats.append(Move(cp.ids[p], r, None, now))
            elif was != now:
                moves.append(Move(cp.ids[p], r, was, now))
    seated_before = {pid for seating in old for pid in seating}
    active = set(cp.ids[: cp.n_active])
    fresh = to_plan(cp, best)
    new_plan = Plan(plan.rounds[:from_round] + fresh.rounds[from_round:])
    return Rebalance(
        plan=new_plan,
        quality=quality_of(cp, index_rounds(cp, best)),
        moves=tuple(moves),
        new_seats=tuple(new_seats),
        arrived=tuple(pid for pid in cp.ids[: cp.n_active] if pid not in seated_before),
        departed=tuple(
            pid for pid in dict.fromkeys(p for s in old for p in s) if pid not in active
        ),
        iterations=done,
        stopped=stopped,
    )
