"""The product starts one factor early, at i = n - c instead of n - c + 1."""

import numpy as np

from a5_alignment.pass_at_k import _check_counts

UNIT = "a5.pass_at_k"
TARGET = "pass_at_k"


def MUTANT(n, c, k):
    _check_counts(n, c, k)
    if n - c < k:
        return 1.0
    return float(1.0 - np.prod(1.0 - k / np.arange(max(n - c, 1), n + 1, dtype=np.float64)))
