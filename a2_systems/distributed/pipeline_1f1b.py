"""Pipeline parallelism, part 2: the 1F1B schedule (PipeDream-Flush, Narayanan et al. 2021). HANDOUT.md §7.5.

GPipe keeps every microbatch's activations alive until the backwards start; 1F1B starts a microbatch's backward as
soon as the last stage can, so stage s never holds more than P - s microbatches of activations, with the same
bubble as GPipe when forward and backward take equal time.
"""

from __future__ import annotations

from a2_systems.distributed.pipeline import BACKWARD, FORWARD, check_schedule_args


def one_f_one_b_schedule(num_stages: int, stage: int, num_microbatches: int) -> list[tuple[str, int]]:
    """1F1B for `stage` of `num_stages` over m microbatches, as a list of ("forward", i) / ("backward", i):

    - warm-up: the forwards of microbatches 0 .. w-1, w = min(num_stages - stage - 1, m);
    - steady state: for k = 0 .. m-w-1, forward of microbatch w + k, then backward of microbatch k;
    - cool-down: the backwards of the w microbatches left, m-w .. m-1, in order.

    Backwards run in microbatch order 0 .. m-1 on every stage. ValueError as gpipe_schedule's."""
    # BEGIN SOLUTION
    check_schedule_args(num_stages, stage, num_microbatches)
    m = num_microbatches
    warmup = min(num_stages - stage - 1, m)
    actions = [(FORWARD, i) for i in range(warmup)]
    for k in range(m - warmup):
        actions += [(FORWARD, warmup + k), (BACKWARD, k)]
    actions += [(BACKWARD, i) for i in range(m - warmup, m)]
    return actions
    # END SOLUTION
