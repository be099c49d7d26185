"""GPipe whose backwards run last-in first-out (m-1 .. 0) on every stage: a valid pipeline with the right values,
but not the pinned first-in first-out order."""

from a2_systems.distributed.pipeline import BACKWARD, FORWARD, check_schedule_args

UNIT = "a2.pipeline_gpipe"
TARGET = "gpipe_schedule"


def MUTANT(num_stages: int, stage: int, num_microbatches: int) -> list[tuple[str, int]]:
    check_schedule_args(num_stages, stage, num_microbatches)
    m = num_microbatches
    return [(FORWARD, i) for i in range(m)] + [(BACKWARD, i) for i in reversed(range(m))]
