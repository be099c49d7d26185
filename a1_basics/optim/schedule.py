"""The learning-rate schedule of Llama-style pre-training: linear warm-up, cosine decay, then a floor."""

from __future__ import annotations

import math


def lr_cosine_schedule(t: int, max_learning_rate: float, min_learning_rate: float, warmup_iters: int,
                       cosine_cycle_iters: int) -> float:
    """The learning rate at iteration t (t = 0, 1, ...):

        t < T_w:             t / T_w · max                                      (linear warm-up from 0)
        T_w <= t <= T_c:     min + ½ (1 + cos(π (t − T_w) / (T_c − T_w))) (max − min)   (cosine decay)
        t > T_c:             min                                                (constant floor)

    with T_w = warmup_iters and T_c = cosine_cycle_iters (> T_w). Worked values for max = 1, min = 0.1,
    T_w = 4, T_c = 12 (the oracle of the handout): t = 0 -> 0, t = 2 -> 0.5, t = 4 -> 1, t = 6 -> 0.1 + 0.45 (1 +
    cos(π/4)) = 0.86819805, t = 8 -> 0.55, t = 10 -> 0.23180195, t = 12 -> 0.1, t = 20 -> 0.1.
    """
    # BEGIN SOLUTION
    if t < warmup_iters:
        return t / warmup_iters * max_learning_rate
    if t <= cosine_cycle_iters:
        progress = (t - warmup_iters) / (cosine_cycle_iters - warmup_iters)  # 0 -> 1
        return min_learning_rate + 0.5 * (1 + math.cos(math.pi * progress)) * (max_learning_rate - min_learning_rate)
    return min_learning_rate
    # END SOLUTION
