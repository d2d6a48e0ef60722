"""Meek STV: every count of the ballots is redone with keep factors until surpluses settle.

Meek's method (Hill, Wichmann & Woodall, 1987) as the Droop package's "meek" rule counts it,
so that a count here can be checked figure by figure against Droop's (the 21 Glasgow 2007
wards, ``tests/unit/tally/test_tally_meek_glasgow.py``):

* each candidate has a keep factor: 1 while hopeful, 0 once defeated, and for an elected
  candidate the share of each vote reaching them that they keep. Every ballot gives each
  candidate on it, in order, the keep factor times the weight the ballot still has, and
  passes the rest on; what no one keeps is the residual;
* the quota is the votes kept by candidates divided by one more than the seats, worked out
  again at every iteration (so it falls as ballots run out of choices);
* an iteration redistributes every ballot, elects every hopeful above the quota, and lowers
  the elected candidates' keep factors (kf x quota / votes) until the total surplus is at
  most omega = 10^-9, or stops falling, or a batch of "certain losers" can be defeated
  (hopefuls whose votes together with the whole surplus are below the next candidate's);
* then the lowest hopeful is defeated (a tie within the surplus goes to the candidate
  listed first on the ballot paper, Droop's default), its keep factor set to 0;
* once the hopefuls are no more than the seats left, they are elected (or, when the seats
  are filled, defeated).

Arithmetic is Droop's default for Meek: fixed point with 18 places plus 9 guard places
(integers of 10^-27 votes), every product and quotient rounded down, and two numbers equal
when they differ by less than half of 10^-18.
"""

from __future__ import annotations

from decimal import Decimal

from facilitator.i18n import _
from facilitator.tally.ranked import RankedElection
from facilitator.tally.stv import (
    CandidateState,
    Method,
    Stage,
    StageAction,
    StvResult,
    merge_ballots,
)

PLACES = 27  # 18 shown + 9 guard
ONE = 10**PLACES
GEPS = 10**9 // 2  # numbers closer than this (half a unit of the 18th place) are equal
OMEGA = ONE // 10**9


def _mul(a: int, b: int) -> int:
    return a * b // ONE


def _div(a: int, b: int) -> int:
    return a * ONE // b


def _dec(units: int) -> Decimal:
    return Decimal(units).scaleb(-PLACES)


def _lt(a: int, b: int) -> bool:
    """a < b, by the guarded comparison (a and b within GEPS are equal)."""
    return b - a >= GEPS


def _ge(a: int, b: int) -> bool:
    return not _lt(a, b)


class _Meek:
    def __init__(self, election: RankedElection) -> None:
        self.election = election
        self.n = len(election.candidates)
        self.seats = election.seats
        merged, self.invalid = merge_ballots(election)
        self.valid = sum(merged.values())
        self.ballots = [(ranking, count) for ranking, count in merged.items() if count]
        self.state = [CandidateState.HOPEFUL] * self.n
        for c in election.withdrawn:
            self.state[c] = CandidateState.WITHDRAWN
        self.kf = [ONE if s is CandidateState.HOPEFUL else 0 for s in self.state]
        self.votes = [0] * self.n
        self.total = self.valid * ONE
        self.quota = self.total // (self.seats + 1)
        self.residual = 0
        self.surplus = 0
        self.elected: list[int] = []
        self.stages: list[Stage] = []
        self.round = 0

    # -- helpers ---------------------------------------------------------------------------

    def hopeful(self) -> list[int]:
        return [c for c in range(self.n) if self.state[c] is CandidateState.HOPEFUL]

    def seats_left(self) -> int:
        return self.seats - len(self.elected)

    def complete(self) -> bool:
        return len(self.hopeful()) <= self.seats_left() or self.seats_left() <= 0

    def record(self, action: StageAction, candidate: int | None, note: str = "") -> None:
        self.stages.append(Stage(
            number=self.round, action=action, candidate=candidate, quota=_dec(self.quota),
            votes=tuple(_dec(v) for v in self.votes), states=tuple(self.state),
            non_transferable=_dec(self.residual), note=note))

    def distribute(self) -> None:
        """Pass every ballot down its ranking, each candidate keeping their share."""
        kf = self.kf
        votes = [0] * self.n
        residual = 0
        for ranking, count in self.ballots:
            weight = ONE
            kept = 0
            for c in ranking:
                k = kf[c]
                if not k:
                    continue
                if k == ONE:
                    votes[c] += weight * count
                    kept += weight
                    weight = 0
                    break
                keep = weight * k // ONE
                weight = weight * (ONE - k) // ONE
                votes[c] += keep * count
                kept += keep
                if weight <= 0:
                    break
            residual += (ONE - kept) * count
        self.votes = votes
        self.residual = residual

    def batch_defeat(self) -> list[int]:
        """The largest group of lowest hopefuls who cannot catch up, even with the surplus."""
        surplus = self.surplus
        ordered = sorted(self.hopeful(), key=lambda c: self.votes[c])
        groups: list[list[int]] = []
        group: list[int] = []
        floor = 0
        for c in ordered:
            if _ge(floor + surplus, self.votes[c]):
                group.append(c)
            else:
                if group:
                    groups.append(group)
                group = [c]
                floor = self.votes[c]
        if group:
            groups.append(group)
        most = len(self.hopeful()) - self.seats_left()
        total, count, last = 0, 0, None
        for g in range(len(groups) - 1):
            count += len(groups[g])
            if count > most:
                break
            total += sum(self.votes[c] for c in groups[g])
            if _lt(total + surplus, self.votes[groups[g + 1][0]]):
                last = g
        if last is None:
            return []
        return [c for g in groups[: last + 1] for c in g]

    def iterate(self) -> tuple[str, list[int]]:
        last_surplus = self.valid * ONE
        while True:
            self.distribute()
            self.total = sum(self.votes[c] for c in range(self.n)
                             if self.state[c] in (CandidateState.HOPEFUL,
                                                  CandidateState.ELECTED))
            self.quota = self.total // (self.seats + 1)
            newly = False
            for c in self.hopeful():
                if self.votes[c] - self.quota >= GEPS:  # more than the quota
                    self.state[c] = CandidateState.ELECTED
                    self.elected.append(c)
                    newly = True
                    self.record(StageAction.ELECT, c, _("reached the quota"))
            self.surplus = sum(self.votes[c] - self.quota for c in self.elected)
            if newly:
                return "elected", []
            if not _lt(OMEGA, self.surplus):
                return "omega", []
            if _ge(self.surplus, last_surplus):
                return "stable", []
            batch = self.batch_defeat()
            if batch:
                return "batch", batch
            last_surplus = self.surplus
            for c in self.elected:
                self.kf[c] = _div(_mul(self.kf[c], self.quota), self.votes[c])

    def defeat(self, c: int, note: str) -> None:
        self.state[c] = CandidateState.EXCLUDED
        self.record(StageAction.EXCLUDE, c, note)
        self.kf[c] = 0
        self.votes[c] = 0
        self.distribute()

    def run(self) -> StvResult:
        for ranking, count in self.ballots:
            self.votes[ranking[0]] += count * ONE
        self.record(StageAction.FIRST_PREFERENCES, None)
        while not self.complete():
            self.round += 1
            status, batch = self.iterate()
            if status == "elected":
                continue
            if status == "batch":
                for c in sorted(batch):
                    self.defeat(c, "")  # a certain loser: no one to separate it from
                continue
            hopeful = self.hopeful()
            low = min(self.votes[c] for c in hopeful)
            tied = [c for c in hopeful if _ge(low + self.surplus, self.votes[c])]
            note = ""  # as in the Scottish count, a note only says how a tie was settled
            if len(tied) > 1:
                note = _("{name} tied for fewest votes (within the surplus) with {names}; the "
                         "first on the ballot paper is excluded").format(
                    name=self.election.candidates[tied[0]],
                    names=", ".join(self.election.candidates[c] for c in tied[1:]))
            self.defeat(tied[0], note)
        for c in self.hopeful():
            if len(self.elected) < self.seats:
                self.state[c] = CandidateState.ELECTED
                self.elected.append(c)
                self.record(StageAction.ELECT, c, _("filled a last vacancy"))
            else:
                self.state[c] = CandidateState.EXCLUDED
                self.record(StageAction.DEFEAT, c, _("all seats filled"))
                self.kf[c] = 0  # as Droop: their votes move on, for the figures shown
                self.distribute()
        return StvResult(
            method=Method.MEEK_STV,
            title=self.election.title,
            candidates=self.election.candidates,
            seats=self.seats,
            valid_papers=self.valid,
            invalid_papers=self.invalid,
            quota=self.stages[0].quota,
            elected=tuple(self.elected),
            stages=tuple(self.stages),
            seed=0,
            lots_drawn=0,
        )


def count_meek(election: RankedElection) -> StvResult:
    """Count ``election`` by Meek STV (see the module notes). No lot is ever drawn."""
    return _Meek(election).run()
