"""AdamW without bias correction: θ ← θ − lr · m / (sqrt(v) + ε) with the raw moments.

Early on m and v are biased towards their zero initialisation, so the first steps are off by up to
sqrt(1 − β2^t) / (1 − β1^t); students who skip the "minor" correction term get this.
"""

from a1_basics.optim.adamw import AdamW

UNIT = "a1.adamw"
TARGET = "AdamW"


class MUTANT(AdamW):
    @staticmethod
    def step_size(lr: float, beta1: float, beta2: float, t: int) -> float:
        return lr  # the raw moments' step: no sqrt(1 - beta2^t) / (1 - beta1^t)
