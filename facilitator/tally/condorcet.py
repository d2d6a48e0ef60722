"""Single-winner decisions on ranked ballots: Schulze, Ranked Pairs, Copeland, Borda, Dowdall.

All but IRV (``stv.count_irv``) start from the pairwise (Condorcet) matrix: for each two
options a and b, how many ballots rank a above b. A ballot ranks every option it lists above
every option it leaves out, and says nothing between two options it leaves out.

* **Schulze** (beat path): a beats b directly by the margin (ballots a over b, minus b over
  a) when it is positive; a path's strength is its weakest link; the winners are the
  options whose strongest path to each other option is at least as strong as the reverse.
* **Ranked Pairs** (Tideman): the head-to-head results are taken from the largest margin
  down (ties, including zero margins, in the tie-breaking order below) and each is locked
  in unless it would contradict those already locked; the winner is the option nothing is
  locked over.
* **Copeland**: one point per head-to-head win, half per tie; most points wins.
* **Borda**: an option at place i (from 0) of a ballot listing k options gets
  (number of options - 1 - i) points; unlisted options get none. **Dowdall**: 1/(i+1).

Ties (several winners, or Ranked Pairs margins that are equal): a tie-breaking order of the
options is drawn by lot before the count, from a seed kept in the result (so the count can
be re-done exactly); the winner is the tied option earliest in that order. The result says
when this happened. Checked against pref-voting (Holliday & Pacuit) on 10,000 seeded random
profiles (``tests/unit/tally/test_tally_condorcet_oracle.py``).
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from facilitator.i18n import _
from facilitator.tally.errors import TallyInputError
from facilitator.tally.ranked import RankedElection
from facilitator.tally.stv import count_irv


class DecisionMethod(StrEnum):
    IRV = "irv"
    SCHULZE = "schulze"
    RANKED_PAIRS = "ranked-pairs"
    COPELAND = "copeland"
    BORDA = "borda"
    DOWDALL = "dowdall"


PAIRWISE_METHODS = (DecisionMethod.SCHULZE, DecisionMethod.RANKED_PAIRS,
                    DecisionMethod.COPELAND)


@dataclass(frozen=True)
class PairwiseMatrix:
    """``prefer[a][b]``: ballots ranking option a above option b (standing options only)."""

    candidates: tuple[str, ...]
    standing: tuple[int, ...]
    prefer: tuple[tuple[int, ...], ...]

    def margin(self, a: int, b: int) -> int:
        return self.prefer[a][b] - self.prefer[b][a]

    @property
    def condorcet_winner(self) -> int | None:
        """The option that beats every other head to head, if there is one."""
        for a in self.standing:
            if all(self.margin(a, b) > 0 for b in self.standing if b != a):
                return a
        return None


@dataclass(frozen=True)
class DecisionResult:
    """Who won a one-winner decision, the figures behind it, and how a tie was settled."""

    method: DecisionMethod
    candidates: tuple[str, ...]
    winner: int
    winners: tuple[int, ...]  # every option the method itself cannot separate from the winner
    scores: tuple[Fraction, ...] | None  # Copeland points, Borda or Dowdall scores
    matrix: PairwiseMatrix
    tie_order: tuple[int, ...]  # the order drawn by lot to settle ties
    seed: int
    tie_broken: bool  # the lot decided something

    @property
    def winner_name(self) -> str:
        return self.candidates[self.winner]


def pairwise_matrix(election: RankedElection) -> PairwiseMatrix:
    n = len(election.candidates)
    standing = election.standing
    prefer = [[0] * n for _ in range(n)]
    listed_set = set(standing)
    for ballot in election.ballots:
        if not ballot.count:
            continue
        ranking = [c for c in ballot.ranking if c in listed_set]
        rest = [c for c in standing if c not in set(ranking)]
        for i, a in enumerate(ranking):
            row = prefer[a]
            for b in ranking[i + 1:]:
                row[b] += ballot.count
            for b in rest:
                row[b] += ballot.count
    return PairwiseMatrix(election.candidates, standing, tuple(tuple(r) for r in prefer))


def schulze_winners(matrix: PairwiseMatrix) -> list[int]:
    cands = matrix.standing
    strength = {(a, b): max(matrix.margin(a, b), 0) for a in cands for b in cands if a != b}
    for k in cands:
        for a in cands:
            if a == k:
                continue
            for b in cands:
                if b in (a, k):
                    continue
                through = min(strength[a, k], strength[k, b])
                if through > strength[a, b]:
                    strength[a, b] = through
    return [a for a in cands
            if all(strength[a, b] >= strength[b, a] for b in cands if b != a)]


def ranked_pairs_winner(matrix: PairwiseMatrix, tie_order: Sequence[int]) -> tuple[int, bool]:
    """The Ranked Pairs winner, and whether equal margins had to be ordered by ``tie_order``."""
    place = {c: i for i, c in enumerate(tie_order)}
    cands = matrix.standing
    edges = [(matrix.margin(a, b), a, b) for a in cands for b in cands
             if a != b and matrix.margin(a, b) >= 0]
    edges.sort(key=lambda e: (-e[0], place[e[1]], place[e[2]]))
    margins = [e[0] for e in edges]
    used_order = len(set(margins)) != len(margins)
    beats: dict[int, set[int]] = {c: set() for c in cands}  # locked, transitively closed
    for _m, a, b in edges:
        if a in beats[b] or a == b:
            continue
        if b in beats[a]:
            continue
        above_a = {x for x in cands if a in beats[x]} | {a}
        below_b = beats[b] | {b}
        for x in above_a:
            beats[x] |= below_b
    winners = [c for c in cands if not any(c in beats[x] for x in cands)]
    assert len(winners) == 1
    return winners[0], used_order


def copeland_scores(matrix: PairwiseMatrix) -> dict[int, Fraction]:
    score = {}
    for a in matrix.standing:
        points = Fraction(0)
        for b in matrix.standing:
            if b != a:
                m = matrix.margin(a, b)
                points += 1 if m > 0 else Fraction(1, 2) if m == 0 else 0
        score[a] = points
    return score


def positional_scores(election: RankedElection, dowdall: bool) -> dict[int, Fraction]:
    standing = election.standing
    top = len(standing) - 1
    score = dict.fromkeys(standing, Fraction(0))
    for ballot in election.ballots:
        ranking = [c for c in ballot.ranking if c in score]
        for i, c in enumerate(ranking):
            score[c] += ballot.count * (Fraction(1, i + 1) if dowdall else Fraction(top - i))
    return score


def decide(election: RankedElection, method: DecisionMethod | str, *,
           seed: int | None = None) -> DecisionResult:
    """Decide a one-winner ranked question by ``method`` (see the module notes)."""
    chosen = DecisionMethod(method)
    if not election.standing:
        raise TallyInputError(_("there are no options to choose between"))
    if not any(b.count and b.ranking for b in election.ballots):
        raise TallyInputError(_("there are no valid ballots to count"))
    seed = secrets.randbits(63) if seed is None else seed
    tie_order = list(election.standing)
    random.Random(seed).shuffle(tie_order)
    place = {c: i for i, c in enumerate(tie_order)}
    matrix = pairwise_matrix(election)
    scores: dict[int, Fraction] | None = None
    if chosen is DecisionMethod.IRV:
        irv = count_irv(RankedElection(election.candidates, 1, election.ballots,
                                       election.withdrawn, election.title), seed=seed)
        winners = list(irv.elected)
        tie_broken = irv.lots_drawn > 0
    elif chosen is DecisionMethod.RANKED_PAIRS:
        winner, tie_broken = ranked_pairs_winner(matrix, tie_order)
        winners = [winner]
    else:
        if chosen is DecisionMethod.SCHULZE:
            winners = schulze_winners(matrix)
        else:
            if chosen is DecisionMethod.COPELAND:
                scores = copeland_scores(matrix)
            else:
                scores = positional_scores(election, chosen is DecisionMethod.DOWDALL)
            best = max(scores.values())
            winners = [c for c in election.standing if scores[c] == best]
        tie_broken = len(winners) > 1
    winners.sort(key=place.__getitem__)
    all_scores = None
    if scores is not None:
        all_scores = tuple(scores.get(c, Fraction(0)) for c in range(len(election.candidates)))
    return DecisionResult(chosen, election.candidates, winners[0], tuple(winners), all_scores,
                          matrix, tuple(tie_order), seed, tie_broken)


def describe_method(method: DecisionMethod | str) -> str:
    """One plain sentence for the room: how the method picks the winner."""
    texts = {
        DecisionMethod.IRV: _(
            "Instant-runoff: the option with the fewest first choices is dropped and its "
            "ballots pass to their next choice, until one option has more than half."),
        DecisionMethod.SCHULZE: _(
            "Schulze: every option is compared with every other, head to head; the winner "
            "is the option whose chain of head-to-head wins over each rival is at least as "
            "strong as the rival's chain back."),
        DecisionMethod.RANKED_PAIRS: _(
            "Ranked Pairs: head-to-head results are fixed in turn from the largest majority "
            "down, skipping any that would contradict those already fixed; the winner is "
            "the option no one is fixed above."),
        DecisionMethod.COPELAND: _(
            "Copeland: each option scores one point for every head-to-head win and half a "
            "point for every tie; the most points wins."),
        DecisionMethod.BORDA: _(
            "Borda: on each ballot the first choice gets one point fewer than the number of "
            "options, the next one fewer, and so on; unranked options get none; the most "
            "points wins."),
        DecisionMethod.DOWDALL: _(
            "Dowdall: on each ballot the first choice gets 1 point, the second 1/2, the "
            "third 1/3, and so on; the most points wins."),
    }
    tie = _(" A tie is settled by an order of the options drawn by lot before the count "
            "(its seed is printed, so the count can be repeated).")
    return texts[DecisionMethod(method)] + tie
