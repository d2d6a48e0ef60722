"""Count ranked ballots: Scottish STV (multi-seat) and instant-runoff voting (one seat).

The STV count follows the Scottish Local Government Elections Order 2007 (SSI 2007/42),
rules 45-52, as the Droop package's "scotland" rule reads them, so that a count here can be
checked against published counts figure by figure:

* all arithmetic is fixed-point with five decimal places, held as integers of 0.00001 votes,
  and every transfer value is rounded *down* (rule 48(3): "any remainder being ignored");
* quota = floor(valid papers / (seats + 1)) + 1 (rule 46);
* a surplus is transferred from *every* paper the elected candidate holds, each at
  ``value x surplus / total``, truncated (rule 48(3)-(4));
* the highest surplus goes first (rule 49); when none is left, the lowest candidate is
  excluded and their papers move on at the value they arrived with (rule 50);
* ties look back to the most recent stage where the tied candidates differed, then to a
  lot (rules 49(2)-(3), 51); the lot is a seeded random draw and the seed is kept in the
  result so the count can be re-done exactly;
* once the continuing candidates are no more than the seats left, they are all elected and
  no further transfer is made (rule 52).

Where the rules leave the order of a list open, it is fixed as follows (this matches Droop
on all 21 Glasgow 2007 wards): candidates reaching the quota at the same stage are listed by
votes, equal votes by the most recent stage where they differed, then in ballot-paper
order; candidates elected to the last vacancies, or left over when the seats are filled,
are listed in ballot-paper order. Papers with no preference for a standing candidate (only
withdrawn ones, or none) are not valid and do not count towards the quota.

IRV is the same engine with one seat, whole-vote arithmetic and the winning line set at a
majority of the papers still in the count at each stage.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from facilitator.i18n import _
from facilitator.tally.errors import TallyInputError
from facilitator.tally.ranked import RankedElection

PLACES = 5
SCALE = 10**PLACES  # one vote, in fixed-point units


class Method(StrEnum):
    SCOTTISH_STV = "scottish-stv"
    IRV = "irv"
    MEEK_STV = "meek-stv"


class CandidateState(StrEnum):
    HOPEFUL = "hopeful"  # still in the count ("continuing")
    ELECTED = "elected"
    EXCLUDED = "excluded"  # excluded as lowest, or not elected when the count ended
    WITHDRAWN = "withdrawn"


class StageAction(StrEnum):
    FIRST_PREFERENCES = "first preferences"
    ELECT = "elect"  # reached the quota, or filled a last vacancy (rule 52)
    TRANSFER_SURPLUS = "transfer surplus"
    EXCLUDE = "exclude"  # lowest candidate excluded and their papers transferred
    DEFEAT = "defeat"  # not elected when the count ended; no transfer


@dataclass(frozen=True)
class Stage:
    """One line of the result sheet: what happened, and every figure just after it."""

    number: int  # stage of the count (0 = first preferences)
    action: StageAction
    candidate: int | None  # the candidate acted on (None for first preferences)
    quota: Decimal
    votes: tuple[Decimal, ...]  # per candidate, in ballot-paper order
    states: tuple[CandidateState, ...]
    non_transferable: Decimal
    note: str = ""  # how a tie was broken, or why someone was elected


@dataclass(frozen=True)
class StvResult:
    """Outcome of a ranked count, with enough detail to print and re-check it."""

    method: Method
    title: str
    candidates: tuple[str, ...]
    seats: int
    valid_papers: int
    invalid_papers: int  # papers with no preference for a standing candidate
    quota: Decimal  # the fixed quota (STV) or the first stage's majority line (IRV)
    elected: tuple[int, ...]  # in order of election
    stages: tuple[Stage, ...]
    seed: int  # seed of the lot; it was only used if ``lots_drawn`` > 0
    lots_drawn: int

    @property
    def elected_names(self) -> tuple[str, ...]:
        return tuple(self.candidates[c] for c in self.elected)

    @property
    def rules(self) -> str:
        return describe_rules(self.method)


def describe_rules(method: Method | str) -> str:
    """The counting rules in plain words, for the foot of a result sheet."""
    if Method(method) is Method.MEEK_STV:
        return _(
            "Single transferable vote, Meek's method. Every ballot counts in full for its "
            "first choice among the candidates still standing; an elected candidate keeps "
            "only the share of each vote they need to reach the quota and passes the rest on "
            "to the next choice, and the count is repeated until those shares settle "
            "(within a billionth of a vote). The quota is the votes in the count divided by "
            "one more than the number of seats, so it falls as ballots run out of choices. "
            "When no one else can reach the quota, the candidate with the fewest votes is "
            "excluded and the count repeated without them; a tie goes against the candidate "
            "listed first on the ballot paper."
        )
    if Method(method) is Method.IRV:
        return _(
            "Instant-runoff voting (one seat). Each ballot counts for its highest-ranked "
            "candidate still in the count. If a candidate has more than half of the ballots "
            "still in the count, they are elected. Otherwise the candidate with the fewest "
            "votes is excluded and their ballots pass to the next candidate ranked on each; "
            "ballots with no further choice are set aside as non-transferable. A tie for "
            "fewest votes is broken in favour of the candidate who had more votes at the most "
            "recent earlier stage where the tied candidates differed; if they were equal at "
            "every stage, by lot (a random draw whose seed is printed, so the count can be "
            "repeated exactly)."
        )
    return _(
        "Single transferable vote under the Scottish local-government rules (SSI 2007/42). "
        "The quota is the number of valid ballots divided by one more than the number of "
        "seats, ignoring any fraction, plus one. A candidate who reaches the quota is "
        "elected. The largest surplus is transferred first: every ballot the elected "
        "candidate holds passes to its next continuing choice at a reduced value (its "
        "value times the surplus divided by the candidate's total, to five decimal places, "
        "remainder ignored). When no surplus is left, the candidate with the fewest votes "
        "is excluded and their ballots pass on at the value they arrived with. Ties are "
        "broken by the most recent earlier stage where the tied candidates differed; if "
        "they were equal at every stage, by lot (a random draw whose seed is printed, so "
        "the count can be repeated exactly). When the continuing candidates are no more "
        "than the seats left, they are all elected."
    )


def _dec(units: int) -> Decimal:
    return Decimal(units).scaleb(-PLACES)


def merge_ballots(election: RankedElection) -> tuple[dict[tuple[int, ...], int], int]:
    """The valid rankings (withdrawn candidates struck out), identical ones merged, with how
    many papers have each; and how many papers are invalid (no ranking left). Also Meek's
    (:mod:`.meek`). TallyInputError if no paper is valid."""
    merged: dict[tuple[int, ...], int] = {}
    for ballot in election.ballots:
        ranking = tuple(c for c in ballot.ranking if c not in election.withdrawn)
        merged[ranking] = merged.get(ranking, 0) + ballot.count
    invalid = merged.pop((), 0)
    if sum(merged.values()) == 0:
        raise TallyInputError(_("there are no valid ballots to count"))
    return merged, invalid


class _Parcel:
    """Identical papers that travel together: same ranking, same position, same value."""

    __slots__ = ("count", "index", "ranking", "value")

    def __init__(self, count: int, ranking: tuple[int, ...]) -> None:
        self.count = count
        self.ranking = ranking
        self.index = 0
        self.value = SCALE  # value of one paper, in fixed-point units

    @property
    def total(self) -> int:
        return self.count * self.value


class _Count:
    """State of one count in progress; ``run`` drives it and returns the result."""

    def __init__(self, election: RankedElection, method: Method, seed: int | None) -> None:
        self.election = election
        self.method = method
        self.seed = secrets.randbits(63) if seed is None else seed
        self._rng = random.Random(self.seed)
        self.lots = 0
        n = len(election.candidates)
        self.n = n
        self.state = [CandidateState.HOPEFUL] * n
        for c in election.withdrawn:
            self.state[c] = CandidateState.WITHDRAWN
        self.pending: list[int] = []  # elected, surplus not yet transferred
        self.votes = [0] * n
        self.piles: list[list[_Parcel]] = [[] for _ in range(n)]
        self.non_transferable = 0
        self.elected: list[int] = []
        self.stages: list[Stage] = []
        self.history: list[tuple[int, ...]] = []  # votes after each stage, for tie-breaks
        self.columns: list[list[int]] = [[] for _ in range(n)]  # the same, per candidate
        self.stage_no = 0

        merged, self.invalid = merge_ballots(election)
        self.valid = sum(merged.values())
        for ranking, count in merged.items():
            if count:
                parcel = _Parcel(count, ranking)
                self.piles[ranking[0]].append(parcel)
                self.votes[ranking[0]] += parcel.total
        self.quota = SCALE * (self.valid // (election.seats + 1) + 1)

    # -- helpers ---------------------------------------------------------------------------

    def hopeful(self) -> list[int]:
        return [c for c in range(self.n) if self.state[c] is CandidateState.HOPEFUL]

    def seats_left(self) -> int:
        return self.election.seats - len(self.elected)

    def complete(self) -> bool:
        return self.seats_left() <= 0 or len(self.hopeful()) <= self.seats_left()

    def current_quota(self) -> int:
        if self.method is Method.IRV:
            # a majority of the papers still in the count
            in_count = sum(self.votes[c] for c in self.hopeful())
            return (in_count // SCALE) // 2 * SCALE + SCALE
        return self.quota

    def record(self, action: StageAction, candidate: int | None, note: str = "") -> None:
        self.stages.append(
            Stage(
                number=self.stage_no,
                action=action,
                candidate=candidate,
                quota=_dec(self.current_quota()),
                votes=tuple(_dec(v) for v in self.votes),
                states=tuple(self.state),
                non_transferable=_dec(self.non_transferable),
                note=note,
            )
        )

    def move_on(self, parcel: _Parcel) -> None:
        """Pass a parcel to its next continuing choice, or set it aside as exhausted."""
        ranking = parcel.ranking
        i = parcel.index
        while i < len(ranking) and self.state[ranking[i]] is not CandidateState.HOPEFUL:
            i += 1
        parcel.index = i
        if i == len(ranking):
            self.non_transferable += parcel.total
        else:
            self.piles[ranking[i]].append(parcel)
            self.votes[ranking[i]] += parcel.total

    def snapshot(self) -> None:
        """Keep the votes after a stage, for tie-breaks."""
        self.history.append(tuple(self.votes))
        for column, votes in zip(self.columns, self.votes, strict=True):
            column.append(votes)

    def break_tie(self, tied: Sequence[int], lowest: bool, reason: str) -> tuple[int, str]:
        """Pick one of ``tied`` (rules 49(2)-(3) and 51): prior stages, then lot."""
        if len(tied) == 1:
            return tied[0], ""
        names = ", ".join(self.election.candidates[c] for c in tied)
        # The last snapshot is the current stage, where they are equal; look further back,
        # keeping the lowest (highest) at each stage until one is left. That is the
        # lowest (highest) of the vote histories read latest stage first, compared as
        # lists: one comparison in C instead of a pass per stage (a paper with hundreds of
        # candidates, all tied on nothing, made the stage-by-stage loop take minutes).
        back_lists = {c: self.columns[c][::-1] for c in tied}
        pick = min if lowest else max
        first = pick(tied, key=back_lists.__getitem__)
        pool = [c for c in tied if back_lists[c] == back_lists[first]]
        if len(pool) == 1:
            runner = pick((c for c in tied if c != first), key=back_lists.__getitem__)
            back = next(i for i, (x, y) in enumerate(
                zip(back_lists[first], back_lists[runner], strict=True)) if x != y)
            stage = len(self.history) - 1 - back
            note = _(
                "Tie ({reason}) between {names}: broken by stage {stage}, "
                "where {name} had {what} votes."
            ).format(
                reason=reason,
                names=names,
                stage=stage,
                name=self.election.candidates[pool[0]],
                what=_("fewer") if lowest else _("more"),
            )
            return pool[0], note
        choice = pool[self._rng.randrange(len(pool))]
        self.lots += 1
        note = _(
            "Tie ({reason}) between {names}, equal at every stage: decided by lot "
            "(seed {seed}, draw {k}): {name}."
        ).format(
            reason=reason,
            names=", ".join(self.election.candidates[c] for c in pool),
            seed=self.seed,
            k=self.lots,
            name=self.election.candidates[choice],
        )
        return choice, note

    # -- the count ---------------------------------------------------------------------------

    def elect_with_quota(self) -> None:
        quota = self.current_quota()
        reached = [c for c in self.hopeful() if self.votes[c] >= quota]

        # Listed highest vote first; equal votes by the most recent stage where they
        # differed (as for the order of surpluses), then in ballot-paper order.
        def rank(c: int) -> tuple[int, ...]:
            return (-self.votes[c], *(-snap[c] for snap in reversed(self.history)), c)

        for c in sorted(reached, key=rank):
            self.state[c] = CandidateState.ELECTED
            self.elected.append(c)
            self.pending.append(c)
            reason = (
                _("has more than half of the votes still in the count")
                if self.method is Method.IRV
                else _("reached the quota")
            )
            self.record(StageAction.ELECT, c, reason)

    def transfer_surplus(self) -> None:
        high = max(self.votes[c] for c in self.pending)
        tied = [c for c in self.pending if self.votes[c] == high]
        c, note = self.break_tie(tied, lowest=False, reason=_("largest surplus"))
        self.pending.remove(c)
        total = self.votes[c]
        surplus = total - self.quota
        pile, self.piles[c] = self.piles[c], []
        for parcel in pile:
            parcel.value = parcel.value * surplus // total  # rule 48(3): remainder ignored
            self.move_on(parcel)
        self.votes[c] = self.quota
        self.record(StageAction.TRANSFER_SURPLUS, c, note)

    def exclude_lowest(self) -> None:
        hopeful = self.hopeful()
        low = min(self.votes[c] for c in hopeful)
        tied = [c for c in hopeful if self.votes[c] == low]
        c, note = self.break_tie(tied, lowest=True, reason=_("fewest votes"))
        self.state[c] = CandidateState.EXCLUDED
        pile, self.piles[c] = self.piles[c], []
        for parcel in pile:
            self.move_on(parcel)
        self.votes[c] = 0
        self.record(StageAction.EXCLUDE, c, note)

    def run(self) -> StvResult:
        self.record(StageAction.FIRST_PREFERENCES, None)
        self.snapshot()
        while True:
            self.elect_with_quota()
            if self.complete():
                break
            self.stage_no += 1
            if self.pending:
                self.transfer_surplus()
                self.snapshot()
                continue
            self.exclude_lowest()
            self.snapshot()
            if self.complete():
                break
        self.pending.clear()
        if len(self.hopeful()) <= self.seats_left():
            for c in self.hopeful():
                self.state[c] = CandidateState.ELECTED
                self.elected.append(c)
                self.record(StageAction.ELECT, c, _("filled a last vacancy"))
        for c in self.hopeful():
            self.state[c] = CandidateState.EXCLUDED
            self.record(StageAction.DEFEAT, c, _("all seats filled"))
        return StvResult(
            method=self.method,
            title=self.election.title,
            candidates=self.election.candidates,
            seats=self.election.seats,
            valid_papers=self.valid,
            invalid_papers=self.invalid,
            quota=self.stages[0].quota,
            elected=tuple(self.elected),
            stages=tuple(self.stages),
            seed=self.seed,
            lots_drawn=self.lots,
        )


def count_stv(election: RankedElection, *, seed: int | None = None) -> StvResult:
    """Count ``election`` by Scottish STV.

    ``seed`` fixes the lot used for ties that no earlier stage breaks; leave it out and a
    fresh one is drawn and recorded in the result.
    """
    return _Count(election, Method.SCOTTISH_STV, seed).run()


def count_irv(election: RankedElection, *, seed: int | None = None) -> StvResult:
    """Count a one-seat ``election`` by instant-runoff voting."""
    if election.seats != 1:
        raise TallyInputError(
            _("instant-runoff elects one candidate; this election has {n} seats").format(
                n=election.seats
            )
        )
    return _Count(election, Method.IRV, seed).run()
