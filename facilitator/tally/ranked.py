"""Ranked ballots in memory: what an STV or IRV count reads, wherever the ballots came from.

The same value is produced by the BLT reader, by paper-ballot entry and by phone voting, so
one counting engine serves them all. Candidates are numbered from 0 in ballot-paper order.
"""

from __future__ import annotations

from dataclasses import dataclass

from facilitator.i18n import _
from facilitator.tally.errors import TallyInputError


@dataclass(frozen=True, slots=True)
class RankedBallot:
    """``count`` identical papers ranking candidates ``ranking[0]`` first, then the rest."""

    count: int
    ranking: tuple[int, ...]


@dataclass(frozen=True)
class RankedElection:
    """A ranked-choice contest: candidates, seats, the papers, and who withdrew.

    Withdrawn candidates stay listed (so numbering matches the paper) but are skipped on
    every ballot, as if they were not printed.
    """

    candidates: tuple[str, ...]
    seats: int
    ballots: tuple[RankedBallot, ...]
    withdrawn: frozenset[int] = frozenset()
    title: str = ""

    def __post_init__(self) -> None:
        n = len(self.candidates)
        if n == 0:
            raise TallyInputError(_("there are no candidates"))
        if self.seats < 1:
            raise TallyInputError(
                _("the number of seats must be at least 1, not {n}").format(n=self.seats)
            )
        if any(not 0 <= c < n for c in self.withdrawn):
            raise TallyInputError(_("a withdrawn candidate number is out of range"))
        if self.seats > n - len(self.withdrawn):
            raise TallyInputError(
                _("{seats} seats but only {n} standing candidates").format(
                    seats=self.seats, n=n - len(self.withdrawn)
                )
            )
        for ballot in self.ballots:
            if ballot.count < 0:
                raise TallyInputError(_("a ballot count is negative"))
            if len(set(ballot.ranking)) != len(ballot.ranking):
                raise TallyInputError(_("a ballot ranks the same candidate twice"))
            if any(not 0 <= c < n for c in ballot.ranking):
                raise TallyInputError(_("a ballot ranks a candidate number that does not exist"))

    @property
    def standing(self) -> tuple[int, ...]:
        """Candidates still in the contest (not withdrawn), in ballot-paper order."""
        return tuple(c for c in range(len(self.candidates)) if c not in self.withdrawn)
