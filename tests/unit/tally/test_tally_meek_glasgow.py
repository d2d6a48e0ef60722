"""Every ward of Glasgow 2007 counted by Meek STV, against the Droop package's Meek count.

The reference (``glasgow-2007-meek/WARD.stages.tsv``, Droop's "meek" rule: omega 10^-9,
guarded fixed point 18+9 places) logs every action. A Meek count is right when the same
people are elected in the same order and, at each elect and defeat, the candidate acted on
has the same vote to the sixth decimal (the ballots are ``glasgow-2007/WARD.blt``).
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from facilitator.tally import (
    CandidateState,
    Method,
    RankedBallot,
    RankedElection,
    StageAction,
    count_meek,
    read_blt,
)

from .conftest import GLASGOW, require

SIXTH = Decimal("0.000001")


def reference(path: Path) -> list[tuple[str, str, Decimal]]:
    """(elect|defeat, name, vote) for each candidate as the reference acts on them."""
    actions: list[tuple[str, str, Decimal]] = []
    previous: list[str] | None = None
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t")
        next(rows)
        for row in rows:
            if len(row) < 2 or row[1] not in ("begin", "elect", "defeat"):
                continue
            names, states, votes = row[6::4], row[7::4], row[8::4]
            if previous is not None:
                for name, before, after, vote in zip(names, previous, states, votes,
                                                     strict=True):
                    if before == "H" and after in ("E", "D"):
                        actions.append((row[1], name.strip(), Decimal(vote)))
            previous = states
    return actions


def ours(ward: str) -> tuple[list[tuple[str, str, Decimal]], tuple[str, ...]]:
    result = count_meek(read_blt(require(GLASGOW) / f"{ward}.blt"))
    assert result.method is Method.MEEK_STV
    acted = []
    for stage in result.stages:
        if stage.action is StageAction.FIRST_PREFERENCES:
            continue
        assert stage.candidate is not None
        kind = "elect" if stage.action is StageAction.ELECT else "defeat"
        acted.append((kind, result.candidates[stage.candidate], stage.votes[stage.candidate]))
    return acted, result.elected_names


def test_all_wards_are_present(glasgow_meek_dir: Path) -> None:
    assert len(list(glasgow_meek_dir.glob("*.stages.tsv"))) == 21


def test_meek_count_matches_droop(glasgow_meek_dir: Path, meek_ward: str) -> None:
    expected = reference(glasgow_meek_dir / f"{meek_ward}.stages.tsv")
    acted, elected = ours(meek_ward)
    assert [a[:2] for a in acted] == [e[:2] for e in expected]
    for (kind, name, vote), (_k, _n, want) in zip(acted, expected, strict=True):
        assert abs(vote - want) < SIXTH, (kind, name, vote, want)
    assert list(elected) == [name for kind, name, _v in expected if kind == "elect"]


def election(seats: int, ballots: dict[str, int], candidates: str = "ABCD") -> RankedElection:
    return RankedElection(
        tuple(candidates), seats,
        tuple(RankedBallot(n, tuple(candidates.index(c) for c in r)) for r, n in ballots.items()))


def test_a_surplus_passes_on_in_part_and_the_quota_falls_with_exhausted_ballots() -> None:
    # 10 ballots, 2 seats. A has 6 (quota 10/3): A keeps about 3.33 of each, passing the
    # rest to B on AB ballots; C's ballots exhaust when C is defeated, lowering the quota.
    result = count_meek(election(2, {"AB": 4, "A": 2, "C": 1, "B": 1, "D": 2}))
    assert result.elected_names == ("A", "B")
    assert result.stages[0].quota == Decimal(10) / 3 // Decimal("1e-27") * Decimal("1e-27")
    assert result.stages[-1].quota < result.stages[0].quota
    states = result.stages[-1].states
    assert states.count(CandidateState.ELECTED) == 2


def test_a_tie_for_fewest_goes_against_the_first_on_the_ballot_paper() -> None:
    result = count_meek(election(1, {"A": 2, "B": 2, "C": 1, "DC": 1}))
    excluded = [s for s in result.stages if s.action is StageAction.EXCLUDE]
    assert result.candidates[excluded[0].candidate or 0] == "C"
    assert "tied" in excluded[0].note and "D" in excluded[0].note
