"""Tail probabilities for the distribution comparator: pure math, no scipy at grading time.

Both are checked against scipy.stats in shared/tests/test_stats.py.
"""

from __future__ import annotations

import math


def chi2_sf(x: float, df: int) -> float:
    """P(X >= x) for X ~ chi-squared with `df` degrees of freedom (regularised upper incomplete gamma)."""
    if df <= 0:
        raise ValueError(f"df must be positive, got {df}")
    if x <= 0:
        return 1.0
    return _gamma_q(df / 2.0, x / 2.0)


def _gamma_q(a: float, x: float) -> float:
    """Q(a, x) = Γ(a, x) / Γ(a). Series for P when x < a + 1, Lentz continued fraction for Q otherwise."""
    log_prefactor = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1.0:
        term = total = 1.0 / a
        denom = a
        for _ in range(10_000):
            denom += 1.0
            term *= x / denom
            total += term
            if abs(term) < abs(total) * 1e-16:
                break
        return max(0.0, 1.0 - total * math.exp(log_prefactor))
    tiny = 1e-300
    b = x + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-16:
            break
    return math.exp(log_prefactor) * h


def kolmogorov_sf(d: float, n: int) -> float:
    """P(D_n >= d) for the one-sample KS statistic, via Stephens' (1970) finite-n correction of the
    asymptotic Kolmogorov distribution: t = (sqrt(n) + 0.12 + 0.11 / sqrt(n)) * d. Accurate for n >= 35."""
    if d <= 0:
        return 1.0
    sn = math.sqrt(n)
    t = (sn + 0.12 + 0.11 / sn) * d
    if t < 0.2:
        return 1.0
    total = 0.0
    for k in range(1, 101):
        term = 2.0 * (-1) ** (k - 1) * math.exp(-2.0 * k * k * t * t)
        total += term
        if abs(term) < 1e-18:
            break
    return min(1.0, max(0.0, total))
