"""Scottish STV and IRV on small elections worked out by hand."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from facilitator.tally import (
    CandidateState,
    Method,
    RankedBallot,
    RankedElection,
    StageAction,
    StvResult,
    TallyInputError,
    count_irv,
    count_stv,
    describe_rules,
    read_blt,
)

H, E, X = CandidateState.HOPEFUL, CandidateState.ELECTED, CandidateState.EXCLUDED


def make(
    names: str, seats: int, ballots: list[tuple[int, str]], withdrawn: str = ""
) -> RankedElection:
    """Candidates are single letters; ``(3, "AB")`` is three papers ranking A then B."""
    index = {name: i for i, name in enumerate(names)}
    return RankedElection(
        candidates=tuple(names),
        seats=seats,
        ballots=tuple(RankedBallot(n, tuple(index[c] for c in r)) for n, r in ballots),
        withdrawn=frozenset(index[c] for c in withdrawn),
    )


def votes(result: StvResult, stage: int) -> dict[str, Decimal]:
    s = result.stages[stage]
    return dict(zip(result.candidates, s.votes, strict=True))


def actions(result: StvResult) -> list[tuple[StageAction, str | None]]:
    return [
        (s.action, None if s.candidate is None else result.candidates[s.candidate])
        for s in result.stages
    ]


# -- Scottish STV --------------------------------------------------------------------------


def test_surplus_transfer_values_are_truncated_to_five_places() -> None:
    # 20 papers, 2 seats: quota = 20 // 3 + 1 = 7. A has 11, surplus 4.
    # Each of A's papers moves at 4/11 = 0.363636..., truncated to 0.36363.
    election = make("ABCD", 2, [(8, "AB"), (2, "AC"), (1, "A"), (3, "B"), (4, "C"), (2, "DC")])
    result = count_stv(election, seed=0)

    assert result.quota == 7
    assert actions(result) == [
        (StageAction.FIRST_PREFERENCES, None),
        (StageAction.ELECT, "A"),
        (StageAction.TRANSFER_SURPLUS, "A"),
        (StageAction.EXCLUDE, "D"),
        (StageAction.EXCLUDE, "B"),
        (StageAction.ELECT, "C"),
    ]
    surplus = result.stages[2]
    assert votes(result, 2) == {
        "A": Decimal("7.00000"),
        "B": Decimal("5.90904"),  # 3 + 8 x 0.36363
        "C": Decimal("4.72726"),  # 4 + 2 x 0.36363
        "D": Decimal("2.00000"),
    }
    assert surplus.non_transferable == Decimal("0.36363")  # the paper marked A only
    # D's two papers go to C; then B goes, and C is left alone for the last seat (rule 52)
    assert votes(result, 3)["C"] == Decimal("6.72726")
    assert result.stages[4].non_transferable == Decimal("6.27267")  # 0.36363 + 3 + 2.90904
    assert result.stages[5].note  # elected to a last vacancy, below the quota
    assert result.elected_names == ("A", "C")
    assert result.stages[-1].states == (E, X, E, X)


def test_highest_surplus_is_transferred_first() -> None:
    # 30 papers, 2 seats: quota 11. B (14) has a bigger surplus than A (12).
    election = make("ABC", 2, [(12, "AC"), (14, "BC"), (4, "C")])
    result = count_stv(election, seed=0)
    transfers = [s for s in result.stages if s.action is StageAction.TRANSFER_SURPLUS]
    assert result.elected_names == ("B", "A")
    # once two are elected the count is over: no surplus is transferred (rule 52(2))
    assert transfers == []
    election = make("ABCD", 3, [(12, "AC"), (14, "BD"), (5, "C"), (4, "D")])
    # 35 papers, 3 seats: quota 9; A and B both over it, B's surplus first
    result = count_stv(election, seed=0)
    transfers = [n for a, n in actions(result) if a is StageAction.TRANSFER_SURPLUS]
    assert transfers[:2] == ["B", "A"]


def test_equal_surpluses_go_by_the_most_recent_stage_where_they_differed() -> None:
    # 39 papers, 3 seats: quota 10. Stage 0: Ben 8, Amy 9, Cy 5, Di 9, Ed 8.
    # Cy is excluded; Ben and Amy both reach 11 with equal surpluses of 1. Amy had more
    # at stage 0, so hers is transferred first, although Ben is first on the paper.
    election = RankedElection(
        candidates=("Ben", "Amy", "Cy", "Di", "Ed"),
        seats=3,
        ballots=(
            RankedBallot(8, (0, 4)),
            RankedBallot(9, (1, 3)),
            RankedBallot(2, (2, 1)),
            RankedBallot(3, (2, 0)),
            RankedBallot(9, (3,)),
            RankedBallot(8, (4,)),
        ),
    )
    result = count_stv(election, seed=0)
    elect = [n for a, n in actions(result) if a is StageAction.ELECT]
    assert elect[:2] == ["Amy", "Ben"]
    first_surplus = next(s for s in result.stages if s.action is StageAction.TRANSFER_SURPLUS)
    assert first_surplus.candidate == 1  # Amy
    assert "stage 0" in first_surplus.note
    assert result.lots_drawn == 0


def test_tie_for_exclusion_is_broken_by_an_earlier_stage() -> None:
    # 23 papers, 1 seat: quota 12. Stage 0: A 10, B 6, C 4, D 3.
    # D goes; two of D's papers reach C: B 6, C 6. At stage 0 C had fewer, so C goes.
    election = make("ABCD", 1, [(10, "A"), (6, "B"), (4, "CB"), (2, "DCB"), (1, "D")])
    result = count_stv(election, seed=0)

    exclude = [s for s in result.stages if s.action is StageAction.EXCLUDE]
    assert [name for action, name in actions(result) if action is StageAction.EXCLUDE] == [
        "D",
        "C",
    ]
    assert votes(result, 1)["B"] == votes(result, 1)["C"] == 6
    assert "stage 0" in exclude[1].note
    assert result.elected_names == ("B",)  # 6 + 4 + 2 = 12 = the quota
    assert result.lots_drawn == 0


def _coin_toss() -> RankedElection:
    # A and B are equal at every stage: only a lot can say who is excluded.
    return make("ABC", 1, [(5, "A"), (5, "B"), (3, "C")])


def test_tie_equal_at_every_stage_is_decided_by_a_seeded_lot() -> None:
    first = count_stv(_coin_toss(), seed=12345)
    again = count_stv(_coin_toss(), seed=12345)

    assert first == again  # the same seed re-does the same count
    assert first.seed == 12345
    assert first.lots_drawn == 1
    lot = next(s for s in first.stages if "lot" in s.note)
    assert "12345" in lot.note
    winners = {count_stv(_coin_toss(), seed=seed).elected_names for seed in range(40)}
    assert winners == {("A",), ("B",)}  # a real draw: either can win, depending on the seed


def test_without_a_seed_one_is_drawn_and_recorded() -> None:
    result = count_stv(_coin_toss())
    assert count_stv(_coin_toss(), seed=result.seed) == result


def test_no_lot_is_drawn_when_none_is_needed() -> None:
    result = count_stv(make("AB", 1, [(3, "A"), (2, "B")]))
    assert result.lots_drawn == 0
    assert all("lot" not in s.note for s in result.stages)


def test_withdrawn_candidates_are_skipped_and_their_only_papers_are_invalid() -> None:
    # B withdrew: "BA" counts for A; the paper marked only B is not a valid vote.
    election = make("ABC", 1, [(3, "A"), (2, "BA"), (1, "B"), (4, "C")], withdrawn="B")
    result = count_stv(election, seed=0)
    assert result.valid_papers == 9
    assert result.invalid_papers == 1
    assert result.quota == 9 // 2 + 1
    assert votes(result, 0) == {"A": 5, "B": 0, "C": 4}
    assert result.stages[0].states[1] is CandidateState.WITHDRAWN
    assert result.elected_names == ("A",)


def test_votes_are_conserved_in_every_glasgow_stage(glasgow_dir: Path) -> None:
    # votes held + non-transferable + what truncation dropped = valid papers, and the
    # dropped part never shrinks.
    for path in sorted(glasgow_dir.glob("*.blt")):
        result = count_stv(read_blt(path), seed=0)
        lost_before = Decimal(0)
        for stage in result.stages:
            lost = result.valid_papers - sum(stage.votes) - stage.non_transferable
            assert lost >= lost_before, path.name
            lost_before = lost
        transfers = sum(s.action is StageAction.TRANSFER_SURPLUS for s in result.stages)
        # each paper loses less than 0.00001 to truncation at each surplus transfer
        assert lost_before < transfers * result.valid_papers * Decimal("0.00001"), path.name


def test_rules_are_described_in_plain_words() -> None:
    text = describe_rules(Method.SCOTTISH_STV)
    for words in ("quota", "surplus", "five decimal places", "lot"):
        assert words in text
    assert "half" in describe_rules("irv")
    assert count_stv(make("AB", 1, [(3, "A"), (2, "B")])).rules == text


def test_an_election_with_no_valid_papers_is_refused() -> None:
    with pytest.raises(TallyInputError, match="no valid ballots"):
        count_stv(make("AB", 1, [(3, "A")], withdrawn="A"))


# -- IRV -----------------------------------------------------------------------------------


def test_irv_majority_on_first_preferences() -> None:
    result = count_irv(make("ABC", 1, [(6, "A"), (3, "BA"), (2, "C")]))
    assert result.method is Method.IRV
    assert result.quota == 6  # more than half of 11
    assert actions(result) == [
        (StageAction.FIRST_PREFERENCES, None),
        (StageAction.ELECT, "A"),
        (StageAction.DEFEAT, "B"),
        (StageAction.DEFEAT, "C"),
    ]


def test_irv_transfers_decide_and_exhausted_papers_leave_the_count() -> None:
    # A 8, B 7, C 5: nobody has 11 of 20. C goes: four papers to B, one exhausted.
    # Now 19 papers are in the count, so 10 is a majority; B has 11.
    result = count_irv(make("ABC", 1, [(8, "A"), (7, "B"), (4, "CB"), (1, "C")]))
    assert actions(result)[:3] == [
        (StageAction.FIRST_PREFERENCES, None),
        (StageAction.EXCLUDE, "C"),
        (StageAction.ELECT, "B"),
    ]
    assert result.stages[0].quota == 11
    assert result.stages[1].quota == 10
    assert votes(result, 1) == {"A": 8, "B": 11, "C": 0}
    assert result.stages[1].non_transferable == 1
    assert result.elected_names == ("B",)


def test_irv_runs_down_to_the_last_candidate() -> None:
    # A 4, B 3, C 2, D 1 (10 papers). D -> C (3), then B 3 / C 3 tie: C had fewer at
    # stage 0, so C goes; C's papers exhaust. A 4 vs B 3 with 7 in the count: A has 4 > 3.5.
    result = count_irv(make("ABCD", 1, [(4, "A"), (3, "B"), (2, "C"), (1, "DC")]))
    assert [name for action, name in actions(result) if action is StageAction.EXCLUDE] == [
        "D",
        "C",
    ]
    assert result.elected_names == ("A",)


def test_irv_needs_one_seat() -> None:
    with pytest.raises(TallyInputError, match="one candidate"):
        count_irv(make("ABC", 2, [(1, "A")]))
