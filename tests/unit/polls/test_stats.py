"""The poll statistics agree with scipy (the test-only oracle) to 1e-9, on seeded random
samples with ties, zero differences and tiny sizes; edge cases say "not enough data"."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from scipy import stats as sp

from facilitator.polls import stats
from facilitator.polls.stats import NotEnough, Statistic

TOL = 1e-9


def close(ours: float, theirs: float) -> bool:
    return math.isclose(ours, theirs, rel_tol=TOL, abs_tol=1e-12)


def sample(rng: random.Random, n: int, low: int, high: int, shift: int) -> tuple[list[int], ...]:
    before = [rng.randint(low, high) for _ in range(n)]
    after = [min(high, max(low, b + rng.randint(-2, 2) + (shift if rng.random() < 0.4 else 0)))
             for b in before]
    return before, after


SIZES = [3, 4, 5, 7, 10, 13, 20, 35, 50, 51, 80, 200, 500]


@pytest.mark.parametrize("seed", range(40))
def test_paired_t_agrees_with_scipy(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.choice(SIZES)
    before, after = sample(rng, n, 0, 10, rng.choice([-2, 0, 1, 3]))
    ours = stats.paired_t(before, after)
    theirs = sp.ttest_rel(after, before)
    if isinstance(ours, NotEnough):
        assert not np.isfinite(theirs.pvalue) or np.var(np.subtract(after, before)) == 0
        return
    assert close(ours.statistic, float(theirs.statistic))
    assert close(ours.p, float(theirs.pvalue))


@pytest.mark.parametrize("seed", range(40))
def test_paired_t_on_continuous_data(seed: int) -> None:
    rng = random.Random(1000 + seed)
    n = rng.choice(SIZES)
    before = [rng.random() for _ in range(n)]
    after = [b + rng.gauss(0.05 * rng.choice([0, 1, 4]), 0.2) for b in before]
    ours = stats.paired_t(before, after)
    assert isinstance(ours, Statistic)
    theirs = sp.ttest_rel(after, before)
    assert close(ours.statistic, float(theirs.statistic))
    assert close(ours.p, float(theirs.pvalue))


@pytest.mark.parametrize("seed", range(60))
def test_wilcoxon_agrees_with_scipy(seed: int) -> None:
    rng = random.Random(2000 + seed)
    n = rng.choice([3, 4, 5, 6, 8, 10, 12, 13, 14, 16, 30, 51, 60, 120, 500])
    continuous = rng.random() < 0.3
    if continuous:
        before = [round(rng.random(), 6) for _ in range(n)]
        after = [round(b + rng.gauss(0.1, 0.3), 6) for b in before]
    else:
        before, after = sample(rng, n, 1, 5 if rng.random() < 0.5 else 10, rng.choice([0, 1]))
    ours = stats.wilcoxon(before, after)
    d = np.subtract(after, before, dtype=float)
    nonzero = int(np.count_nonzero(d))
    if nonzero == 0:
        assert isinstance(ours, NotEnough)
        return
    assert isinstance(ours, Statistic)
    ties = len(set(np.abs(d[d != 0]))) < nonzero
    if nonzero > stats.EXACT_WILCOXON:
        theirs = sp.wilcoxon(after, before, method="asymptotic", correction=False)
        assert ours.method == "Wilcoxon normal"
    elif not ties:
        theirs = sp.wilcoxon(d[d != 0], method="exact")
        assert ours.method == "Wilcoxon exact"
    elif nonzero <= 16:
        theirs = sp.wilcoxon(d[d != 0], method=sp.PermutationMethod(n_resamples=np.inf))
    else:
        pytest.skip("exact with ties beyond a full permutation's reach in scipy")
    assert close(ours.statistic, float(theirs.statistic))
    assert close(ours.p, float(theirs.pvalue)), (ours, theirs)


def test_wilcoxon_auto_matches_for_small_samples_with_zeros_and_ties() -> None:
    # scipy's default on at most 13 pairs with ties or zeros is the full permutation test.
    rng = random.Random(7)
    for _ in range(30):
        n = rng.randint(3, 13)
        before, after = sample(rng, n, 1, 5, 1)
        d = np.subtract(after, before)
        if not np.count_nonzero(d):
            continue
        ours = stats.wilcoxon(before, after)
        assert isinstance(ours, Statistic)
        assert close(ours.p, float(sp.wilcoxon(after, before).pvalue))


@pytest.mark.parametrize("seed", range(30))
def test_mcnemar_agrees_with_scipy_binomtest(seed: int) -> None:
    rng = random.Random(3000 + seed)
    n = rng.choice([3, 4, 6, 10, 25, 60, 120, 500])
    before = [int(rng.random() < 0.4) for _ in range(n)]
    after = [b if rng.random() < 0.7 else int(rng.random() < 0.6) for b in before]
    ours = stats.mcnemar(before, after)
    b = sum(1 for x, y in zip(before, after, strict=True) if x and not y)
    c = sum(1 for x, y in zip(before, after, strict=True) if y and not x)
    if b + c == 0:
        assert isinstance(ours, NotEnough)
        return
    assert isinstance(ours, Statistic)
    assert close(ours.p, sp.binomtest(b, b + c, 0.5).pvalue)


@pytest.mark.parametrize("seed", range(30))
def test_welch_agrees_with_scipy(seed: int) -> None:
    rng = random.Random(4000 + seed)
    a = [rng.randint(0, 10) for _ in range(rng.choice([3, 5, 9, 40, 300]))]
    b = [rng.randint(2, 10) for _ in range(rng.choice([3, 4, 12, 60]))]
    ours = stats.welch(a, b)
    theirs = sp.ttest_ind(a, b, equal_var=False)
    assert isinstance(ours, Statistic)
    assert close(ours.statistic, float(theirs.statistic))
    assert close(ours.p, float(theirs.pvalue))


def test_t_tail_over_a_wide_range() -> None:
    for df in (1, 2, 3, 4.5, 9, 29, 99, 499, 5000):
        for t in (0.0, 1e-6, 0.3, 1.0, 1.96, 2.5, 4.0, 10.0, 40.0):
            assert close(stats.t_sf2(t, df), float(2 * sp.t.sf(t, df))), (t, df)


@pytest.mark.parametrize("seed", range(20))
def test_corrections(seed: int) -> None:
    rng = random.Random(5000 + seed)
    ps = [rng.random() ** 3 for _ in range(rng.randint(1, 40))]
    bh = stats.benjamini_hochberg(ps)
    assert all(close(x, float(y)) for x, y in zip(bh, sp.false_discovery_control(ps),
                                                    strict=True))
    # Holm by its definition: the largest over earlier ranks of (m - rank) * p, capped at 1.
    order = sorted(range(len(ps)), key=ps.__getitem__)
    expected = {}
    for rank, i in enumerate(order):
        expected[i] = min(1.0, max((len(ps) - r) * ps[order[r]] for r in range(rank + 1)))
    assert stats.holm(ps) == [expected[i] for i in range(len(ps))]


def test_holm_by_hand() -> None:
    assert stats.holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert stats.adjust([0.01, None, 0.04], "holm") == pytest.approx([0.02, None, 0.04])
    assert stats.adjust([0.01, None], "none") == [0.01, None]


def test_stars() -> None:
    assert [stats.stars(p) for p in (0.001, 0.0099, 0.01, 0.049, 0.05, 0.099, 0.1, None)] == [
        "**", "**", "*", "*", "+", "+", "", ""]


@pytest.mark.parametrize("test", [stats.paired_t, stats.wilcoxon, stats.mcnemar])
def test_edge_cases_say_not_enough_data(test: object) -> None:
    run = test  # type: ignore[assignment]
    assert isinstance(run([], []), NotEnough)  # type: ignore[operator]
    assert isinstance(run([1, 0], [0, 1]), NotEnough)  # type: ignore[operator]  n < 3
    same = run([1, 1, 1, 1], [1, 1, 1, 1])  # type: ignore[operator]  everyone the same
    assert isinstance(same, NotEnough) and "nobody changed" in same.reason


def test_everyone_changed_by_the_same_amount() -> None:
    out = stats.paired_t([1, 2, 3, 4], [2, 3, 4, 5])
    assert isinstance(out, NotEnough) and "same amount" in out.reason
    assert isinstance(stats.welch([3, 3, 3], [3, 3, 3]), NotEnough)
    assert isinstance(stats.welch([1, 2], [3, 3, 3]), NotEnough)
