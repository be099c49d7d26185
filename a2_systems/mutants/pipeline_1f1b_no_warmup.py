"""1F1B without the warm-up: every stage alternates forward i, backward i from the start, so a microbatch enters
the pipeline only once the previous one has come all the way back (no overlap at all, bubble (P-1)/P of the time
per microbatch pair; one live microbatch)."""

from a2_systems.distributed.pipeline import BACKWARD, FORWARD, check_schedule_args

UNIT = "a2.pipeline_1f1b"
TARGET = "one_f_one_b_schedule"


def MUTANT(num_stages: int, stage: int, num_microbatches: int) -> list[tuple[str, int]]:
    check_schedule_args(num_stages, stage, num_microbatches)
    return [a for i in range(num_microbatches) for a in ((FORWARD, i), (BACKWARD, i))]
