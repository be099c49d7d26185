"""Bucketed DDP that sums bucket gradients over the ranks and never divides by the world size."""

import torch.distributed as dist

from a2_systems.distributed.ddp_bucketed import DDPBucketed

UNIT = "a2.ddp_bucketed"
TARGET = "DDPBucketed"


class MUTANT(DDPBucketed):
    def finish_gradient_synchronization(self) -> None:
        real = dist.get_world_size
        dist.get_world_size = lambda *a, **k: 1
        try:
            super().finish_gradient_synchronization()
        finally:
            dist.get_world_size = real
