"""A cosine phase measured from t = 0 over the whole cycle, (t / T_c), instead of from the end of warm-up,
((t − T_w) / (T_c − T_w)).

The rate then jumps down at the end of warm-up instead of starting its decay at the maximum.
"""

import math

UNIT = "a1.lr_schedule"
TARGET = "lr_cosine_schedule"


def MUTANT(t: int, max_learning_rate: float, min_learning_rate: float, warmup_iters: int,
           cosine_cycle_iters: int) -> float:
    if t < warmup_iters:
        return t / warmup_iters * max_learning_rate
    if t <= cosine_cycle_iters:
        cos = math.cos(math.pi * t / cosine_cycle_iters)
        return min_learning_rate + 0.5 * (1 + cos) * (max_learning_rate - min_learning_rate)
    return min_learning_rate
