"""checked_sqrt forgets the negative check and returns NaN."""

import math

UNIT = "fx.sqrt"
TARGET = "checked_sqrt"


def MUTANT(x):
    return math.sqrt(x) if x >= 0 else float("nan")
