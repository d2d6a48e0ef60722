"""Every question kind counted exactly, with its tie rule; the property tests."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.ballots import (
    Answer,
    Assessment,
    DecisionRule,
    Question,
    assess,
    pb_election,
    ranked_election,
)
from facilitator.results.count import borda, count, dowdall, median_sequence
from facilitator.tally import PbElection, PbRule, PbVote, Project, count_pb, count_stv
from facilitator.tally.ranked import RankedBallot, RankedElection


def answers(q: Question, *marks: Answer) -> list[Assessment]:
    return [assess(q, a) for a in marks]


def test_yes_no_threshold_and_working() -> None:
    q = Question.yes_no("Q?", rule=DecisionRule.supermajority("80%"))
    a = answers(q, *[Answer.choose(q, 0)] * 14, *[Answer.choose(q, 1)] * 3,
                *[Answer.choose(q, 2)] * 5, Answer.blank(q))
    c = count(q, a, seed=1, present=30)
    assert [line.value for line in c.lines] == [14, 3, 5]
    assert c.lines[0].share == Fraction(14, 22)
    assert c.passed is True and c.verdict == "PASSED — 82.4% support, threshold 80%"
    assert "14 ÷ 17" in c.working


def test_yes_no_quorum_not_met() -> None:
    q = Question.yes_no("Q?", rule=DecisionRule(quorum=10))
    c = count(q, answers(q, Answer.choose(q, 0)), seed=1, present=30)
    assert c.passed is None and "quorum" in c.verdict


def test_scale_support_and_mean() -> None:
    q = Question.scale("Q?")  # 5 points: 2 support, 1 neutral, 2 oppose
    a = answers(q, Answer.choose(q, 0), Answer.choose(q, 1), Answer.choose(q, 2),
                Answer.choose(q, 4))
    c = count(q, a, seed=1)
    assert c.verdict.startswith("PASSED — 66.7%")  # 2 ÷ (2 + 1): neutral left out
    assert any("Mean position 2.75" in n for n in c.notes)  # (1 + 2 + 3 + 5) / 4


def test_plurality_tie_is_settled_by_a_seeded_lot_that_is_printed() -> None:
    q = Question.choose_one("Where?", ["A", "B", "C"])
    a = answers(q, Answer.choose(q, 0), Answer.choose(q, 1), Answer.choose(q, 2),
                Answer.choose(q, 1), Answer.choose(q, 0))
    first = count(q, a, seed=42)
    again = count(q, a, seed=42)
    assert first.winners == again.winners and first.winners[0] in (0, 1)
    assert first.lots == 1 and any("seed 42" in n for n in first.notes)
    winners = {count(q, a, seed=s).winners[0] for s in range(40)}
    assert winners == {0, 1}  # the lot really draws between the tied options only


def test_approval_winners_and_shares() -> None:
    q = Question.approval("Which?", ["A", "B", "C", "D"], winners=2)
    a = answers(q, Answer.choose(q, 0, 1), Answer.choose(q, 1), Answer.choose(q, 1, 2),
                Answer.choose(q, 0, 3))
    c = count(q, a, seed=1)
    assert [line.value for line in c.lines] == [2, 3, 1, 1]
    assert c.winners == (1, 0) and c.lines[1].share == Fraction(3, 4)


def test_borda_and_dowdall_exact() -> None:
    q = Question.rank("R", ["A", "B", "C"])
    a = answers(q, Answer.ranking(q, [0, 1, 2]), Answer.ranking(q, [1]),
                Answer.ranking(q, [2, 0]))
    assert borda(q, a) == [2 + 1, 1 + 2, 0 + 2]
    assert dowdall(q, a) == [1 + Fraction(1, 2), Fraction(1, 2) + 1, Fraction(1, 3) + 1]


def test_rank_question_is_counted_by_the_reference_stv_engine() -> None:
    q = Question.rank("Panel", ["A", "B", "C", "D", "E"], seats=2)
    orders = [[0, 1], [0, 2], [1, 0], [2, 3], [3, 2], [4, 0], [0], [1, 4], [2], [0, 4]]
    a = answers(q, *[Answer.ranking(q, o) for o in orders])
    c = count(q, a, seed=5)
    assert c.stv == count_stv(ranked_election(q, a), seed=5)
    assert c.winners == c.stv.elected and c.verdict.startswith("Elected: ")


def test_one_seat_ranking_is_instant_runoff() -> None:
    q = Question.rank("One", ["A", "B", "C"])
    a = answers(q, *[Answer.ranking(q, [0])] * 4, *[Answer.ranking(q, [1, 2])] * 3,
                *[Answer.ranking(q, [2, 1])] * 2)
    c = count(q, a, seed=1)
    assert c.method == "Instant-runoff voting" and c.verdict == "Winner: B"


def test_score_sum_and_mean_ignore_blanks() -> None:
    q = Question.score("S", ["A", "B"], score_max=5)
    a = answers(q, Answer.values(q, {0: 5, 1: 1}), Answer.values(q, {0: 4}))
    c = count(q, a, seed=1)
    assert [line.value for line in c.lines] == [9, 1]
    assert "mean 4.50 from 2" in c.lines[0].detail and "mean 1 from 1" in c.lines[1].detail
    assert c.winners == (0,)


def test_dots() -> None:
    q = Question.dot_vote("D", ["A", "B", "C"], dots=5)
    a = answers(q, Answer.values(q, {0: 3, 1: 2}), Answer.values(q, {2: 5}))
    c = count(q, a, seed=1)
    assert [line.value for line in c.lines] == [3, 2, 5] and c.winners == (2,)
    assert c.lines[2].share == Fraction(1, 2)


def test_majority_judgment_median_and_tie_break() -> None:
    # grades: 0 Excellent, 1 Very good, 2 Good, 3 Fair, 4 Poor, 5 Reject
    assert median_sequence([1, 0, 1, 0, 1, 0]) == (2, 4, 0)
    q = Question.judgment("J", ["A", "B"])
    a = answers(q, Answer.values(q, {0: 1, 1: 3}), Answer.values(q, {0: 3, 1: 3}),
                Answer.values(q, {0: 5, 1: 4}))
    c = count(q, a, seed=1)
    # both have the median Good; removing it leaves A {Excellent, Poor} → Poor and
    # B {Good, Fair} → Fair: B is better.
    assert c.winners == (1,) and "median grade: Good" in c.lines[0].detail
    assert c.lots == 0


def test_majority_judgment_ungraded_counts_as_lowest() -> None:
    q = Question.judgment("J", ["A", "B"])
    a = answers(q, Answer.values(q, {0: 1}), Answer.values(q, {0: 1}),
                Answer.values(q, {1: 2}))
    c = count(q, a, seed=1)
    assert c.winners == (0,)
    assert c.tables[0].rows[1][-1] == "2"  # B left ungraded twice: Reject twice


def test_budget_question_funds_within_budget() -> None:
    projects = [Project("p1", Fraction(40), "P1"), Project("p2", Fraction(70), "P2"),
                Project("p3", Fraction(30), "P3")]
    q = Question.pb_budget("B", projects, 100)
    a = answers(q, Answer.choose(q, 0, 2), Answer.choose(q, 1), Answer.choose(q, 1, 2))
    greedy = count(q, a, seed=1)
    # p2 and p3 tie on votes: the first in the project list goes first (tally.pb)
    assert greedy.pb is not None and greedy.pb.funded == ("p2", "p3")
    assert greedy.pb.spent == 100 and "0 left" in greedy.verdict
    mes = count(q, a, seed=1, pb_rule=PbRule.EQUAL_SHARES_ADD1)
    assert mes.pb is not None and mes.pb.spent <= 100


def test_no_votes_gives_no_decision_for_every_kind() -> None:
    from facilitator.demo import sample_questions

    for q in sample_questions():
        c = count(q, [assess(q, Answer.blank(q))], seed=1)
        assert not c.winners, q.kind


# -- properties -------------------------------------------------------------------------------

rankings = st.lists(st.permutations(range(5)).flatmap(
    lambda p: st.integers(1, 5).map(lambda k: tuple(p[:k]))), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(rankings, st.integers(1, 3))
def test_stv_conserves_votes_at_every_stage(ballots: list[tuple[int, ...]],
                                            seats: int) -> None:
    election = RankedElection(("A", "B", "C", "D", "E"), seats,
                              tuple(RankedBallot(1, r) for r in ballots))
    result = count_stv(election, seed=3)
    for stage in result.stages:
        assert sum(stage.votes) + stage.non_transferable <= len(ballots)
        # truncation to 5 decimals may lose at most 0.00001 per paper per transfer
        assert len(ballots) - (sum(stage.votes) + stage.non_transferable) < \
            Fraction(len(ballots) * (stage.number + 1), 10**5) + Fraction(1, 10**9)
    assert len(result.elected) == seats


approval_votes = st.lists(st.sets(st.sampled_from(["a", "b", "c", "d", "e", "f"]),
                                  min_size=1), min_size=1, max_size=30)
costs = st.lists(st.integers(1, 60), min_size=6, max_size=6)


@settings(max_examples=60, deadline=None)
@given(approval_votes, costs, st.integers(10, 150),
       st.sampled_from(["greedy", "greedy-no-skip", "equalshares/add1"]))
def test_pb_never_overspends(votes: list[set[str]], cost: list[int], budget: int,
                             rule: str) -> None:
    projects = tuple(Project(pid, Fraction(c)) for pid, c in zip("abcdef", cost, strict=True))
    election = PbElection({"budget": str(budget), "vote_type": "approval"}, projects,
                          tuple(PbVote(str(i), tuple(sorted(v))) for i, v in enumerate(votes)))
    result = count_pb(election, rule)
    assert result.spent == sum((p.cost for p in projects if p.id in result.funded),
                               Fraction(0))
    assert result.spent <= budget and len(set(result.funded)) == len(result.funded)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sets(st.integers(0, 4), min_size=1), min_size=1, max_size=25),
       st.integers(1, 3), st.integers(0, 10**6))
def test_approval_monotonicity(ballots: list[set[int]], winners: int, seed: int) -> None:
    """Adding a ballot that approves only a winner never makes it lose."""
    q = Question.approval("Which?", ["A", "B", "C", "D", "E"], winners=winners)
    before = count(q, answers(q, *[Answer.choose(q, *b) for b in ballots]), seed=seed)
    for w in before.winners:
        more = [*ballots, {w}]
        after = count(q, answers(q, *[Answer.choose(q, *b) for b in more]), seed=seed)
        counts = [line.value for line in after.lines]
        # it cannot lose unless a lot is involved, and then only if it is still tied
        beaten = sum(1 for c in counts if c > counts[w])
        assert beaten < winners
        if after.lots == 0:
            assert w in after.winners


def test_pb_election_for_a_question_reads_back() -> None:
    q = Question.pb_budget("B", [Project("x", Fraction(5), "X")], 10)
    election = pb_election(q, answers(q, Answer.choose(q, 0)))
    assert election.votes[0].projects == ("x",)
