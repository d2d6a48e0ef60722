"""Schulze, Ranked Pairs, Copeland and IRV against pref-voting on 10,000 random profiles.

pref-voting (Holliday & Pacuit, MIT) is the test-only oracle (``pyproject.toml``: the
``test`` extra). Profiles are drawn from a seeded generator: 3-8 options, 5-500 voters,
each ballot a ranking of 1 to all options (so unranked options tie at the bottom), and
voters choosing among a small pool of ballots so that head-to-head ties, Condorcet cycles
and tied winners are common. Agreement means: Schulze and Copeland give the same set of
winners; Ranked Pairs gives the same winner as pref-voting's ``ranked_pairs_tb`` with our
tie-breaking order; IRV's winner is one of pref-voting's parallel-universe winners
(``instant_runoff_put``), which is ``instant_runoff``'s when no tie for fewest decides it.
"""

from __future__ import annotations

import random
from collections import Counter

from pref_voting.profiles_with_ties import ProfileWithTies  # type: ignore[import-untyped]
from pref_voting.voting_methods import (  # type: ignore[import-untyped]
    beat_path,
    copeland,
    instant_runoff,
    instant_runoff_put,
    ranked_pairs_tb,
)

from facilitator.tally import RankedBallot, RankedElection
from facilitator.tally.condorcet import DecisionMethod, decide

PROFILES = int(__import__("os").environ.get("CONDORCET_PROFILES", "10000"))
SEED = 20_26


def random_profile(rng: random.Random) -> tuple[int, Counter[tuple[int, ...]]]:
    n = rng.randint(3, 8)
    voters = rng.randint(5, 500)
    pool = []
    for _ in range(rng.randint(1, 3 * n)):
        order = rng.sample(range(n), n)
        pool.append(tuple(order[: rng.randint(1, n)]))
    return n, Counter(rng.choices(pool, k=voters))


def test_decision_methods_agree_with_pref_voting_on_random_profiles() -> None:
    rng = random.Random(SEED)
    seen = Counter[str]()
    for i in range(PROFILES):
        n, ballots = random_profile(rng)
        election = RankedElection(
            tuple(f"o{c}" for c in range(n)), 1,
            tuple(RankedBallot(k, r) for r, k in ballots.items()))
        profile = ProfileWithTies(
            [{c: place + 1 for place, c in enumerate(r)} for r in ballots],
            rcounts=list(ballots.values()), candidates=list(range(n)))
        profile.use_extended_strict_preference()  # listed options beat unlisted ones, as ours
        where = f"profile {i}: {n} options, {dict(ballots)}"

        schulze = decide(election, DecisionMethod.SCHULZE, seed=i)
        assert sorted(schulze.winners) == beat_path(profile), where
        assert schulze.matrix.condorcet_winner == profile.condorcet_winner(), where
        cope = decide(election, DecisionMethod.COPELAND, seed=i)
        assert sorted(cope.winners) == copeland(profile), where
        pairs = decide(election, DecisionMethod.RANKED_PAIRS, seed=i)
        assert [pairs.winner] == ranked_pairs_tb(profile, tie_breaker=list(pairs.tie_order)), where
        irv = decide(election, DecisionMethod.IRV, seed=i)
        if instant_runoff(profile) != [irv.winner]:  # a tie for fewest decided it
            universes = instant_runoff_put(profile)  # (slow: only when needed)
            assert irv.winner in universes, where
            seen["IRV winner depends on a tie"] += len(universes) > 1
        seen["tied Schulze"] += len(schulze.winners) > 1
        seen["no Condorcet winner"] += schulze.matrix.condorcet_winner is None
        seen["tied margins in Ranked Pairs"] += pairs.tie_broken
        seen["IRV lot"] += irv.tie_broken
    # the generator must actually exercise ties and cycles, not only easy profiles
    # (10,000 profiles: 174 tied Schulze, 1,874 without a Condorcet winner, 7,314 with tied
    # Ranked Pairs margins, 2,402 IRV lots, 257 IRV outcomes that depend on a tie)
    assert len(seen) == 5 and min(seen.values()) >= PROFILES // 100, seen
