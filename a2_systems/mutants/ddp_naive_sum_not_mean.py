"""Naive DDP that all-reduces gradients with SUM and never divides by the world size: every step is
world_size times too large (the optimizer sees the sum over ranks, not the mean)."""

import torch.distributed as dist

from a2_systems.distributed.ddp_naive import DDPNaive

UNIT = "a2.ddp_naive"
TARGET = "DDPNaive"


class MUTANT(DDPNaive):
    def finish_gradient_synchronization(self) -> None:
        for p in self.module.parameters():
            if p.grad is not None:
                dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)
