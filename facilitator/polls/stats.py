"""The statistics of a deliberative poll, in pure Python: tests, corrections, stars. Pure.

Each test takes plain numbers and answers a :class:`Statistic`, or :class:`NotEnough` with
the reason in one sentence when the data cannot give a p-value (fewer than three pairs,
nobody changed, everyone changed by exactly the same amount): never NaN.

The p-values are those of scipy 1.17 to 1e-9 (``tests/unit/polls/test_stats.py`` draws seeded
random samples with ties, zero differences and tiny sizes and compares): scipy is a test-only
oracle, because the app needs five tests and two distribution functions, a few hundred lines
here, where scipy and numpy would add some 100 MB to the installer.

- :func:`paired_t` is ``scipy.stats.ttest_rel``; :func:`welch` ``ttest_ind(equal_var=False)``.
- :func:`wilcoxon` is the signed-rank test with Wilcoxon's treatment of zeros (dropped). Up to
  :data:`EXACT_WILCOXON` non-zero differences its p-value is exact: the null distribution of
  the positive rank sum over all 2^n sign flips (with tied ranks averaged), as
  ``scipy.stats.wilcoxon(method="exact")`` gives without ties and a full permutation test
  with them. Above that, the normal approximation with the tie correction and no continuity
  correction (``method="asymptotic"``).
- :func:`mcnemar` is the exact McNemar test: the two-sided binomial test of the changes one
  way among all changes (``scipy.stats.binomtest(b, b + c)``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from facilitator.i18n import _

MIN_PAIRS = 3
"""Fewer pairs than this give "not enough data" for every test."""
EXACT_WILCOXON = 50
"""Up to this many non-zero differences the signed-rank p-value is exact."""


@dataclass(frozen=True)
class Statistic:
    statistic: float
    p: float
    method: str
    """Which test, in words ("paired t", "Wilcoxon exact" …)."""


@dataclass(frozen=True)
class NotEnough:
    """No p-value: the reason, one sentence."""

    reason: str


Outcome = Statistic | NotEnough


def p_of(outcome: Outcome) -> float | None:
    return outcome.p if isinstance(outcome, Statistic) else None


def stars(p: float | None) -> str:
    """``**`` p < .01, ``*`` p < .05, ``+`` p < .10, else nothing."""
    if p is None:
        return ""
    if p < 0.01:
        return "**"
    if p < 0.05:
        return "*"
    if p < 0.10:
        return "+"
    return ""


def mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def _few(n: int) -> NotEnough | None:
    if n < MIN_PAIRS:
        return NotEnough(_("Not enough data: fewer than {n} answers.").format(n=MIN_PAIRS))
    return None


# -- distributions ------------------------------------------------------------------------------


def normal_sf2(z: float) -> float:
    """Two-sided tail of the standard normal: P(|Z| >= |z|)."""
    return math.erfc(abs(z) / math.sqrt(2.0))


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-16:
            break
    return h


def betainc(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _betacf(a, b, x) / a
    return 1.0 - math.exp(log_front) * _betacf(b, a, 1.0 - x) / b


def t_sf2(t: float, df: float) -> float:
    """Two-sided tail of Student's t with ``df`` degrees of freedom: P(|T| >= |t|)."""
    if math.isinf(t):
        return 0.0
    x = df / (df + t * t)
    if x > 0.5:
        # I_x(df/2, 1/2) loses digits near x = 1; the complement is computed directly.
        return 1.0 - betainc(0.5, df / 2.0, t * t / (df + t * t))
    return betainc(df / 2.0, 0.5, x)


# -- the tests ----------------------------------------------------------------------------------


def _differences(before: Sequence[float], after: Sequence[float]) -> list[float]:
    if len(before) != len(after):
        raise ValueError("paired samples of different lengths")
    return [a - b for b, a in zip(before, after, strict=True)]


def paired_t(before: Sequence[float], after: Sequence[float]) -> Outcome:
    """The paired t-test of ``after - before``."""
    d = _differences(before, after)
    n = len(d)
    few = _few(n)
    if few is not None:
        return few
    m = math.fsum(d) / n
    var = math.fsum((x - m) ** 2 for x in d) / (n - 1)
    if var <= 0.0 or var <= (abs(m) * 1e-15) ** 2:
        if m == 0.0:
            return NotEnough(_("Not enough data: nobody changed their answer."))
        return NotEnough(_("No test: everyone changed by exactly the same amount."))
    t = m / math.sqrt(var / n)
    return Statistic(t, t_sf2(t, n - 1), "paired t")


def welch(a: Sequence[float], b: Sequence[float]) -> Outcome:
    """Welch's unpaired t-test of two independent samples (mean of ``a`` minus ``b``)."""
    na, nb = len(a), len(b)
    few = _few(min(na, nb))
    if few is not None:
        return few
    ma, mb = math.fsum(a) / na, math.fsum(b) / nb
    va = math.fsum((x - ma) ** 2 for x in a) / (na - 1)
    vb = math.fsum((x - mb) ** 2 for x in b) / (nb - 1)
    sa, sb = va / na, vb / nb
    if sa + sb <= 0.0:
        return NotEnough(_("Not enough data: everyone gave the same answer."))
    t = (ma - mb) / math.sqrt(sa + sb)
    df = (sa + sb) ** 2 / ((sa * sa / (na - 1) if sa else 0.0)
                          + (sb * sb / (nb - 1) if sb else 0.0))
    return Statistic(t, t_sf2(t, df), "Welch t")


def _ranks(values: Sequence[float]) -> list[float]:
    """Average ranks (1-based) of ``values``, ties sharing the mean of their places."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        rank = (i + j) / 2.0 + 1.0
        for k in range(i, j + 1):
            ranks[order[k]] = rank
        i = j + 1
    return ranks


def _signed_rank_pvalue(ranks: Sequence[float], r_plus: float) -> float:
    """Exact two-sided p of the positive rank sum over every sign flip of the ranks.

    Ranks are whole or half numbers, so twice each is a whole number and the null
    distribution is counted by a subset-sum table of 2^n outcomes."""
    doubled = [round(2 * r) for r in ranks]
    total = sum(doubled)
    counts = [0] * (total + 1)
    counts[0] = 1
    reach = 0
    for w in doubled:
        for s in range(reach, -1, -1):
            if counts[s]:
                counts[s + w] += counts[s]
        reach += w
    observed = round(2 * r_plus)
    outcomes = 2 ** len(doubled)
    below = sum(counts[: observed + 1])
    above = sum(counts[observed:])
    return min(1.0, 2.0 * min(below, above) / outcomes)


def wilcoxon(before: Sequence[float], after: Sequence[float]) -> Outcome:
    """The Wilcoxon signed-rank test of ``after - before``, zero differences dropped."""
    d = [x for x in _differences(before, after) if x != 0]
    few = _few(len(before))
    if few is not None:
        return few
    n = len(d)
    if n == 0:
        return NotEnough(_("Not enough data: nobody changed their answer."))
    ranks = _ranks([abs(x) for x in d])
    r_plus = math.fsum(r for r, x in zip(ranks, d, strict=True) if x > 0)
    r_minus = math.fsum(r for r, x in zip(ranks, d, strict=True) if x < 0)
    statistic = min(r_plus, r_minus)
    if n <= EXACT_WILCOXON:
        return Statistic(statistic, _signed_rank_pvalue(ranks, r_plus), "Wilcoxon exact")
    ties: dict[float, int] = {}
    for r in ranks:
        ties[r] = ties.get(r, 0) + 1
    tie_correct = sum(t ** 3 - t for t in ties.values())
    se = math.sqrt((n * (n + 1.0) * (2.0 * n + 1.0) - tie_correct / 2.0) / 24.0)
    z = (r_plus - n * (n + 1.0) * 0.25) / se
    return Statistic(statistic, normal_sf2(z), "Wilcoxon normal")


def binomial_half_p(k: int, n: int) -> float:
    """Two-sided exact binomial p of ``k`` successes in ``n`` trials at one half."""
    k = min(k, n - k)
    if 2 * k == n:
        return 1.0
    log_half = n * math.log(0.5)
    lg_n = math.lgamma(n + 1)
    tail = math.fsum(math.exp(lg_n - math.lgamma(i + 1) - math.lgamma(n - i + 1) + log_half)
                     for i in range(k + 1))
    return min(1.0, 2.0 * tail)


def mcnemar(before: Sequence[int], after: Sequence[int]) -> Outcome:
    """Exact McNemar test of paired yes/no answers (1 yes, 0 no)."""
    few = _few(len(before))
    if few is not None:
        return few
    b = sum(1 for x, y in zip(before, after, strict=True) if x and not y)
    c = sum(1 for x, y in zip(before, after, strict=True) if y and not x)
    if b + c == 0:
        return NotEnough(_("Not enough data: nobody changed their answer."))
    return Statistic(float(min(b, c)), binomial_half_p(b, b + c), "McNemar exact")


# -- multiple comparisons -----------------------------------------------------------------------

CORRECTIONS = ("none", "holm", "bh")


def holm(ps: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values (family-wise error)."""
    m = len(ps)
    order = sorted(range(m), key=ps.__getitem__)
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * ps[i]))
        adjusted[i] = running
    return adjusted


def benjamini_hochberg(ps: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (false discovery rate)."""
    m = len(ps)
    order = sorted(range(m), key=ps.__getitem__, reverse=True)
    adjusted = [0.0] * m
    running = 1.0
    for position, i in enumerate(order):
        rank = m - position
        running = min(running, ps[i] * m / rank)
        adjusted[i] = min(1.0, running)
    return adjusted


def adjust(ps: Sequence[float | None], method: str) -> list[float | None]:
    """Adjust the p-values that exist (None stays None) by ``method`` in :data:`CORRECTIONS`."""
    present = [p for p in ps if p is not None]
    if method == "none" or not present:
        return list(ps)
    done = iter(holm(present) if method == "holm" else benjamini_hochberg(present))
    return [None if p is None else next(done) for p in ps]
