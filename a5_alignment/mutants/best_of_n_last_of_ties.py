"""`>=` in the running maximum: the last of equal scores wins (a 0/1 verifier picks the last correct sample)."""

import math

UNIT = "a5.best_of_n"
TARGET = "best_of_n"


def MUTANT(scores):
    values = [float(s) for s in scores]
    if not values or any(math.isnan(v) for v in values):
        raise ValueError("bad scores")
    best = 0
    for i, v in enumerate(values):
        if v >= values[best]:
            best = i
    return best
