"""The visible cases of a2: one module per concept, summed into the assignment's SUITE."""

from a2_systems.cases import (
    checkpointing,
    ddp,
    flash_pytorch,
    flash_triton,
    fsdp,
    inference_paged,
    inference_speculative,
    memory,
    mixed_precision,
    profile,
    timing,
    tp,
    zero1,
)

SUITE = timing.SUITE + profile.SUITE + memory.SUITE + mixed_precision.SUITE + checkpointing.SUITE
SUITE += flash_pytorch.SUITE + flash_triton.SUITE
SUITE += ddp.SUITE + zero1.SUITE
SUITE += inference_paged.SUITE + inference_speculative.SUITE
SUITE += tp.SUITE + fsdp.SUITE
