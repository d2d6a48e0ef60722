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
        # Ties among 17-50 non-zero differences: scipy has no exact answer, so the exact
        # null distribution is computed here by another method (enumeration or convolution).
        statistic, p = signed_rank_oracle(d)
        assert ours.method == "Wilcoxon exact"
        assert close(ours.statistic, statistic)
        assert close(ours.p, p), (ours, p)
        return
    assert close(ours.statistic, float(theirs.statistic))
    assert close(ours.p, float(theirs.pvalue)), (ours, theirs)


# -- an independent exact signed-rank test with tied (mid-)ranks -------------------------------
#
# The null hypothesis flips the sign of each non-zero difference with probability 1/2, so the
# 2^n outcomes of the positive rank sum R+ are equally likely. Mid-ranks are whole or half
# numbers: twice each is a whole number. Up to 20 differences every outcome is enumerated
# (numpy, all 2^n sign vectors at once); above that the distribution is the generating
# function prod(1 + x^(2 r_i)), multiplied out by exact integer convolution. The p-value is
# P(|R+ - E R+| >= |r+ - E R+|), which equals scipy's doubled smaller tail for this
# symmetric distribution; the rank sums come from scipy's rankdata, not from our _ranks.

BRUTE_FORCE_MAX = 20


def _doubled_ranks(d: np.ndarray) -> tuple[np.ndarray, int]:
    nonzero = d[d != 0]
    doubled = np.rint(2 * sp.rankdata(np.abs(nonzero))).astype(np.int64)
    observed = int(doubled[nonzero > 0].sum())
    return doubled, observed


def _null_by_enumeration(doubled: np.ndarray) -> np.ndarray:
    """How many of the 2^n sign vectors give each value of 2 R+ (index = 2 R+)."""
    n = len(doubled)
    signs = (np.arange(2 ** n, dtype=np.int64)[:, None] >> np.arange(n)) & 1
    sums = signs @ doubled
    return np.bincount(sums, minlength=int(doubled.sum()) + 1)


def _null_by_convolution(doubled: np.ndarray) -> np.ndarray:
    """The same counts, as the coefficients of prod(1 + x^(2 r_i))."""
    poly = np.array([1], dtype=np.int64)
    for w in doubled:
        factor = np.zeros(int(w) + 1, dtype=np.int64)
        factor[0] = factor[-1] = 1
        poly = np.convolve(poly, factor)  # exact: counts stay below 2^50
    return poly


def signed_rank_oracle(d: np.ndarray) -> tuple[float, float]:
    """(min(R+, R-), exact two-sided p) of the differences ``d``, zeros dropped."""
    doubled, observed = _doubled_ranks(d)
    total = int(doubled.sum())
    counts = (_null_by_enumeration(doubled) if len(doubled) <= BRUTE_FORCE_MAX
              else _null_by_convolution(doubled))
    assert int(counts.sum()) == 2 ** len(doubled)
    values = np.arange(len(counts))
    far = np.abs(2 * values - total) >= abs(2 * observed - total)
    p = min(1.0, int(counts[far].sum()) / 2 ** len(doubled))
    return min(observed, total - observed) / 2, p


def test_the_oracle_agrees_with_scipy_where_scipy_is_exact() -> None:
    # With ties on up to 16 differences (scipy's full permutation) and without ties.
    rng = random.Random(6100)
    for _ in range(25):
        n = rng.randint(3, 16)
        before, after = sample(rng, n, 1, 5, rng.choice([0, 1]))
        d = np.subtract(after, before, dtype=float)
        if np.count_nonzero(d) < 2:
            continue
        nz = d[d != 0]
        statistic, p = signed_rank_oracle(d)
        theirs = sp.wilcoxon(nz, method=sp.PermutationMethod(n_resamples=np.inf))
        assert close(statistic, float(theirs.statistic)) and close(p, float(theirs.pvalue))
    for n in (5, 12, 25, 40):
        d = np.array([(k + 1) * (1 if rng.random() < 0.6 else -1) for k in range(n)], float)
        statistic, p = signed_rank_oracle(d)
        theirs = sp.wilcoxon(d, method="exact")
        assert close(statistic, float(theirs.statistic)) and close(p, float(theirs.pvalue))


def test_the_oracle_two_ways_agree() -> None:
    rng = random.Random(6200)
    for n in (1, 2, 7, 13, 17, 20):
        d = np.array([rng.choice([-3, -2, -1, 1, 1, 2, 4]) for _ in range(n)], float)
        doubled, _observed = _doubled_ranks(d)
        assert np.array_equal(_null_by_enumeration(doubled), _null_by_convolution(doubled))


@pytest.mark.parametrize("seed", range(40))
def test_wilcoxon_exact_with_ties_beyond_scipy(seed: int) -> None:
    """17-50 non-zero differences with ties, and some zeros: scipy has no exact p-value;
    ours agrees with the independent exact null distribution to 1e-9."""
    rng = random.Random(6300 + seed)
    changed = rng.choice([17, 18, 19, 20, 21, 25, 30, 38, 44, 50])
    steps = rng.choice([(-2, -1, 1, 2, 3), (-1, 1, 1, 2), (-4, -3, -1, 2, 5, 6), (1, 2, -1)])
    before = [rng.randint(0, 10) for _ in range(changed + rng.randint(0, 6))]
    after = [b + rng.choice(steps) if k < changed else b for k, b in enumerate(before)]
    d = np.subtract(after, before, dtype=float)
    assert int(np.count_nonzero(d)) == changed
    assert len(set(np.abs(d[d != 0]))) < changed  # ties
    ours = stats.wilcoxon(before, after)
    assert isinstance(ours, Statistic) and ours.method == "Wilcoxon exact"
    statistic, p = signed_rank_oracle(d)
    assert close(ours.statistic, statistic)
    assert close(ours.p, p), (ours, p)
