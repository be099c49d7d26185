"""Expected values of a5's pass@k cases (a5_alignment/cases/pass_at_k.py), instructor-only: a brute-force count
over every k-subset of n samples (the definition), exact rationals from math.comb (the closed form, with no
rounding before the last step), and the binomial identity that makes the estimator unbiased."""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations
from math import comb


def brute_force(n: int, c: int, k: int) -> float:
    """Samples 0..c-1 are the correct ones: the share of k-subsets that hold at least one."""
    subsets = list(combinations(range(n), k))
    return sum(1 for s in subsets if s[0] < c) / len(subsets)  # combinations are sorted: s[0] is the smallest


def exact(n: int, c: int, k: int) -> float:
    return float(1 - Fraction(comb(n - c, k), comb(n, k)))  # comb(m, k) = 0 when m < k


def expect_brute_force(inp: dict) -> list[float]:
    return [brute_force(n, c, k) for n, c, k in zip(inp["n"], inp["c"], inp["k"], strict=True)]


def expect_exact(inp: dict) -> list[float]:
    return [exact(n, c, k) for n, c, k in zip(inp["n"], inp["c"], inp["k"], strict=True)]


def expect_worked(inp: dict) -> list[float]:
    # by hand: 1 - 3/10, 1/10, 0, 1, and the (100, 10, 10) value as an exact fraction
    return [0.7, 0.1, 0.0, 1.0, exact(100, 10, 10)]


def expect_unbiased(inp: dict) -> float:
    """E_c[1 - C(n-c,k)/C(n,k)] = 1 - P(k draws without replacement all miss) = 1 - (1 - p)^k: each of the k
    drawn samples is correct independently with probability p when c ~ Binomial(n, p)."""
    return 1.0 - (1.0 - inp["p"]) ** inp["k"]
