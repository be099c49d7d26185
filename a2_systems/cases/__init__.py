"""The visible cases of a2: one module per concept, summed into the assignment's SUITE."""

# Every module here that defines SUITE is collected (shared/cases/collect.py); `first` is the course order.
from shared.cases.collect import collect

SUITE = collect(__name__, first=(
    "timing", "profile", "memory", "mixed_precision", "checkpointing", "flash_pytorch", "flash_triton", "ddp",
    "zero1", "inference_paged", "inference_speculative", "tp", "fsdp",
))
