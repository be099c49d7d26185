"""1F1B whose warm-up is counted from the wrong end (stage s warms up with min(s, m) forwards, the last stage the
most): stage 0 waits for a gradient while stage 1 waits for an activation stage 0 sends only after it. The
runtime's deadlock check must turn this into a clean failure, not a hung world."""

from a2_systems.distributed.pipeline import BACKWARD, FORWARD, check_schedule_args

UNIT = "a2.pipeline_1f1b"
TARGET = "one_f_one_b_schedule"


def MUTANT(num_stages: int, stage: int, num_microbatches: int) -> list[tuple[str, int]]:
    check_schedule_args(num_stages, stage, num_microbatches)
    m = num_microbatches
    warmup = min(stage, m)
    actions = [(FORWARD, i) for i in range(warmup)]
    for k in range(m - warmup):
        actions += [(FORWARD, warmup + k), (BACKWARD, k)]
    return actions + [(BACKWARD, i) for i in range(m - warmup, m)]
