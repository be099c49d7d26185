"""NaN scores skipped (numpy's nanargmax) instead of refused."""

import numpy as np

UNIT = "a5.best_of_n"
TARGET = "best_of_n"


def MUTANT(scores):
    s = np.asarray(list(scores), dtype=np.float64)
    if s.size == 0:
        raise ValueError("no scores")
    return int(np.nanargmax(s))
