"""Bucketed DDP that ignores bucket_size_mb and puts every gradient in one bucket: one all-reduce launched
only when the very last gradient is ready, so nothing overlaps."""

from torch import nn

from a2_systems.distributed.ddp_bucketed import DDPBucketed

UNIT = "a2.ddp_bucketed"
TARGET = "DDPBucketed"


class MUTANT(DDPBucketed):
    def __init__(self, module: nn.Module, bucket_size_mb: float) -> None:
        if bucket_size_mb <= 0:
            raise ValueError("bucket_size_mb must be positive")
        super().__init__(module, float("1e12"))
