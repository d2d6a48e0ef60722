"""Participatory-budgeting rules on small elections worked out by hand, and the .pb format."""

from __future__ import annotations

import random
from fractions import Fraction
from pathlib import Path

import pytest

from facilitator.tally import (
    PbElection,
    PbError,
    PbRule,
    PbVote,
    Project,
    count_pb,
    describe_pb_rule,
    format_pb,
    parse_pb,
    project_scores,
    read_pb,
    write_pb,
)


def make(
    budget: int,
    costs: dict[str, int],
    ballots: list[str],
    vote_type: str = "approval",
    points: list[str] | None = None,
    **meta: str,
) -> PbElection:
    """``ballots`` are comma-separated project ids, one string per voter."""
    return PbElection(
        meta={"budget": str(budget), "vote_type": vote_type, **meta},
        projects=tuple(Project(pid, Fraction(c)) for pid, c in costs.items()),
        votes=tuple(
            PbVote(
                f"v{i}",
                tuple(p for p in b.split(",") if p),
                None if points is None else tuple(Fraction(x) for x in points[i].split(",")),
            )
            for i, b in enumerate(ballots)
        ),
    )


# -- greedy ----------------------------------------------------------------------------------

# votes: A 5, B 4, C 3, D 1; after A (6) B (5) does not fit, C (3) and D (1) do.
GREEDY_BALLOTS = ["A,B,C"] * 3 + ["A,B"] + ["A,D"]
GREEDY = make(10, {"A": 6, "B": 5, "C": 3, "D": 1}, GREEDY_BALLOTS)


def test_greedy_skips_a_project_that_does_not_fit() -> None:
    result = count_pb(GREEDY, "greedy")
    assert result.funded == ("A", "C", "D")
    assert result.spent == 10
    assert result.leftover == 0


def test_greedy_no_skip_stops_at_the_first_that_does_not_fit() -> None:
    result = count_pb(GREEDY, PbRule.GREEDY_NO_SKIP)
    assert result.funded == ("A",)
    assert any("stops" in note for note in result.notes)


def test_greedy_threshold_leaves_out_projects_below_it() -> None:
    election = make(
        10, {"A": 6, "B": 5, "C": 3, "D": 1}, GREEDY_BALLOTS, **{"min_project_score_threshold": "2"}
    )
    result = count_pb(election, "greedy-threshold")
    assert result.funded == ("A", "C")  # D (1 vote) would fit but is below 2
    with pytest.raises(PbError, match="min_project_score_threshold"):
        count_pb(GREEDY, "greedy-threshold")


def test_cumulative_scores_are_sums_of_points() -> None:
    # two voters spread 10 points; the score, not the head count, sets the order
    election = make(
        10,
        {"A": 6, "B": 6},
        ["A,B", "B"],
        vote_type="cumulative",
        points=["9,1", "5"],
        max_sum_points="10",
    )
    scores, supporters = project_scores(election)
    assert scores == {"A": 9, "B": 6}
    assert supporters == {"A": 1, "B": 2}
    assert count_pb(election, "greedy").funded == ("A",)


def test_ordinal_scores_are_borda_from_max_length() -> None:
    election = make(10, {"A": 1, "B": 1, "C": 1}, ["A,B,C", "C,A", "B"], "ordinal", max_length="3")
    scores, _ = project_scores(election)
    assert scores == {"A": 3 + 2, "B": 2 + 3, "C": 1 + 3}


def test_greedy_ties_go_by_the_project_list_order_only() -> None:
    # A and B: 6 points each; B has more voters, but A comes first in the list (in a
    # Pabulib file, the official ranking: Katowice 2022 funds the one with fewer voters).
    # C and D: equal score; D is listed first though C is cheaper.
    election = make(
        100,
        {"A": 60, "B": 60, "D": 40, "C": 30},
        ["A", "B", "B", "D", "C"],
        vote_type="cumulative",
        points=["6", "3", "3", "1", "1"],
        max_sum_points="6",
    )
    result = count_pb(election, "greedy")
    assert result.funded == ("A", "D")  # B (60) and C (30) no longer fit
    assert any("A and B" in note for note in result.notes)
    assert any("D and C" in note for note in result.notes)


def test_unknown_rule_is_refused() -> None:
    with pytest.raises(PbError, match="unknown rule"):
        count_pb(GREEDY, "borda-count")
    with pytest.raises(PbError, match="no rule"):
        count_pb(GREEDY)


# -- Method of Equal Shares ------------------------------------------------------------------


def test_equal_shares_funds_a_minority_that_greedy_leaves_out() -> None:
    # 10 voters, 100: each holds 10. Seven want A, B, C (38, 40, 42); three want D (30).
    # Greedy: A, B (78), then nothing fits. Equal shares: A (the cheapest of three equally
    # good), paid 38/7 each by the seven; they cannot afford B or C with what is left
    # (7 x 4.57 = 32), but the three can buy D (3 x 10 = 30).
    election = make(100, {"A": 38, "B": 40, "C": 42, "D": 30}, ["A,B,C"] * 7 + ["D"] * 3)
    assert count_pb(election, "greedy").funded == ("A", "B")
    result = count_pb(election, "equalshares/add1")
    assert result.funded == ("A", "D")
    assert result.spent == 68
    assert result.voter_budget == 10  # nothing else could be afforded: no Add1 step


def test_add1_raises_each_share_until_a_project_is_affordable() -> None:
    # 4 voters, 100: 25 each. Two voters want P (60): 50 is not enough. Add1 raises the
    # shares one unit at a time; at 30 each the two can pay for P.
    election = make(100, {"P": 60}, ["P", "P", "", ""])
    result = count_pb(election, "equalshares/add1")
    assert result.funded == ("P",)
    assert result.voter_budget == 30


def test_add1_stops_before_the_outcome_overruns_the_budget() -> None:
    # 3 voters, 10: shares start at 3 (10 rounded down to a whole amount per voter).
    # Two want X (8): 6 is short. One wants Y (4): 3 is short. Nothing is bought.
    # At 4 each, X (2 x 4) and then Y (4) are both bought: 12 > 10. So Add1 keeps the
    # outcome at 3 each, which funds nothing; greedy would have funded X.
    election = make(10, {"X": 8, "Y": 4}, ["X", "X", "Y"])
    result = count_pb(election, "equalshares/add1")
    assert result.funded == ()
    assert result.voter_budget == 3
    assert naive_mes(election, Fraction(12)) == ["X", "Y"]
    assert count_pb(election, "greedy").funded == ("X",)


def test_equal_shares_needs_approval_ballots() -> None:
    election = make(10, {"A": 1}, ["A"], vote_type="cumulative", points=["1"])
    with pytest.raises(PbError, match="approval"):
        count_pb(election, "equalshares/add1")


def naive_mes(election: PbElection, total: Fraction) -> list[str]:
    """MES as equalshares.net states it, voter by voter, in plain Fractions (no speed-ups)."""
    cost = {p.id: p.cost for p in election.projects}
    order = [p.id for p in election.projects]
    voters = [set(v.projects) for v in election.votes]
    money = [total / len(voters)] * len(voters)
    supporters = {p: [i for i, v in enumerate(voters) if p in v] for p in order}
    open_ = [p for p in order if cost[p] > 0 and supporters[p]]
    winners: list[str] = []
    while True:
        options: list[tuple[Fraction, str]] = []
        for p in open_:
            if sum(money[i] for i in supporters[p]) < cost[p]:
                continue
            paid, left = Fraction(0), len(supporters[p])
            for i in sorted(supporters[p], key=lambda i: money[i]):
                rho = (cost[p] - paid) / left
                if rho > money[i]:
                    paid, left = paid + money[i], left - 1
                else:
                    options.append((cost[p] / rho, p))
                    break
        if not options:
            return winners
        best = max(eff for eff, _ in options)
        tied = [p for eff, p in options if eff == best]
        tied.sort(key=lambda p: (-len(supporters[p]), cost[p], order.index(p)))
        chosen = tied[0]
        rho = cost[chosen] / best
        for i in supporters[chosen]:
            money[i] = money[i] - rho if money[i] > rho else Fraction(0)
        winners.append(chosen)
        open_.remove(chosen)


def naive_add1(election: PbElection) -> list[str]:
    n = len(election.votes)
    budget = election.budget
    cost = {p.id: p.cost for p in election.projects}
    total = Fraction(budget // n * n)
    winners = naive_mes(election, total)
    while any(p not in winners and sum(cost[w] for w in winners) + cost[p] <= budget for p in cost):
        trial = naive_mes(election, total + n)
        if sum(cost[w] for w in trial) > budget:
            break
        total, winners = total + n, trial
    return winners


@pytest.mark.parametrize("seed", range(25))
def test_equal_shares_matches_a_plain_implementation(seed: int) -> None:
    # Random small elections, some with ties and uneven costs, checked against the
    # straightforward voter-by-voter method: the pooled, whole-number version must agree.
    rng = random.Random(seed)
    projects = {f"p{k}": rng.choice([5, 7, 10, 12, 15, 20, 33]) for k in range(rng.randint(3, 8))}
    ids = list(projects)
    ballots = [
        ",".join(rng.sample(ids, rng.randint(0, min(4, len(ids)))))
        for _ in range(rng.randint(3, 25))
    ]
    election = make(rng.randint(20, 60), projects, ballots)
    assert list(count_pb(election, "equalshares/add1").funded) == naive_add1(election)


def test_equal_shares_matches_on_swiecie_at_several_shares(pabulib_dir: Path) -> None:
    from facilitator.tally.pb import _Mes

    election = read_pb(pabulib_dir / "Poland_Swiecie_2023.pb")
    n = len(election.votes)
    fast = _Mes(election)
    for total in (election.budget, Fraction(300 * n), Fraction(646 * n) + Fraction(1, 3)):
        assert fast.run(total) == naive_mes(election, total)


# -- the .pb format --------------------------------------------------------------------------


def test_written_file_reads_back_equal_with_quotes_and_semicolons(tmp_path: Path) -> None:
    election = PbElection(
        meta={
            "description": "Test; with a semicolon",
            "budget": "1000.5",
            "vote_type": "cumulative",
            "rule": "greedy",
        },
        projects=(
            Project("1", Fraction("500.25"), 'Park "Green"; phase 2', {"category": "a,b"}),
            Project("2", Fraction(400), "Benches"),
        ),
        votes=(
            PbVote("v1", ("1", "2"), (Fraction(2), Fraction(1, 2)), {"age": "40"}),
            PbVote("v2", ("2",), (Fraction(3),)),
        ),
    )
    text = format_pb(election)
    assert '"Park ""Green""; phase 2"' in text
    assert "2,0.5" in text
    assert parse_pb(text) == election
    write_pb(election, tmp_path / "x.pb")
    assert read_pb(tmp_path / "x.pb") == election
    # cumulative: project 2 has 0.5 + 3 points, project 1 has 2; both fit
    assert count_pb(election).funded == ("2", "1")


GOOD_PB = """META
key;value
budget;100
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name
a;60;Park
b;50;Path
VOTES
voter_id;vote
1;a,b
2;b
"""


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("a;60;Park", "a;sixty;Park", 8, "cost of project a"),
        ("2;b", "2;c", 13, "project c, which is not listed"),
        ("b;50;Path", "a;50;Path", 9, "listed twice"),
        ("2;b", "1;b", 13, "voter 1 is listed twice"),
        ("b;50;Path", "b;50;Path;extra", 9, "header has 3 columns"),
        ("project_id;cost;name", "project_id;price;name", 7, "no cost column"),
        ("budget;100", "budget", 3, "key;value"),
    ],
)
def test_malformed_pb_names_the_line(old: str, new: str, line: int, words: str) -> None:
    with pytest.raises(PbError, match=words) as caught:
        parse_pb(GOOD_PB.replace(old, new), source="x.pb")
    assert caught.value.line == line
    assert str(caught.value).startswith(f"x.pb, line {line}:")


def test_a_vote_naming_a_project_twice_counts_it_once_with_a_warning_naming_the_line(
) -> None:
    text = GOOD_PB.replace("2;b", "2;b,b")
    election = parse_pb(text, source="x.pb")
    assert election.votes[1].projects == ("b",)
    assert election.warnings == (
        "A vote names the same project twice (line 13); it was counted once.",)
    assert parse_pb(GOOD_PB).warnings == ()


def test_strict_reading_refuses_a_vote_naming_a_project_twice() -> None:
    with pytest.raises(PbError, match="line 13: the vote names the same project twice"):
        parse_pb(GOOD_PB.replace("2;b", "2;b,b"), source="x.pb", strict=True)


def test_repeated_project_on_a_point_ballot_keeps_its_first_place_and_last_points() -> None:
    # as pabutools reads it: a cumulative ballot is a dict, the later points overwrite
    text = (GOOD_PB.replace("vote_type;approval", "vote_type;cumulative")
            .replace("voter_id;vote", "voter_id;vote;points")
            .replace("1;a,b", "1;a,b;1,1").replace("2;b", "2;b,a,b;1,2,3"))
    election = parse_pb(text)
    vote = election.votes[1]
    assert vote.projects == ("b", "a")
    assert vote.points == (Fraction(3), Fraction(2))
    assert len(election.warnings) == 1


def test_missing_sections_and_points_are_refused() -> None:
    with pytest.raises(PbError, match="no VOTES section"):
        parse_pb(GOOD_PB.split("VOTES")[0])
    cumulative = GOOD_PB.replace("vote_type;approval", "vote_type;cumulative")
    with pytest.raises(PbError, match="needs points"):
        parse_pb(cumulative)
    with_points = cumulative.replace("voter_id;vote", "voter_id;vote;points").replace(
        "1;a,b", "1;a,b;3"
    )
    with pytest.raises(PbError, match="2 projects but 1 points"):
        parse_pb(with_points)


def test_rules_are_described_in_plain_words() -> None:
    for rule in PbRule:
        assert "Ties" in describe_pb_rule(rule)
    assert "stops" in describe_pb_rule("greedy-no-skip")
    assert "threshold" in describe_pb_rule("greedy-threshold")
    assert "equally" in describe_pb_rule("equalshares/add1")
