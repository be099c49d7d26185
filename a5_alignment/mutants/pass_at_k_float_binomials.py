"""The closed form with float binomials: C(n, k) overflows a float64 once n is in the hundreds (OverflowError)."""

from math import comb

from a5_alignment.pass_at_k import _check_counts

UNIT = "a5.pass_at_k"
TARGET = "pass_at_k"


def MUTANT(n, c, k):
    _check_counts(n, c, k)
    return 1.0 - float(comb(n - c, k)) / float(comb(n, k))
