"""Naive DDP that all-reduces `p.grad` for every parameter, frozen ones included: a frozen parameter's grad is
None and the all-reduce crashes."""

import torch.distributed as dist

from a2_systems.distributed.ddp_naive import DDPNaive

UNIT = "a2.ddp_naive"
TARGET = "DDPNaive"


class MUTANT(DDPNaive):
    def finish_gradient_synchronization(self) -> None:
        for p in self.module.parameters():
            dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)
            p.grad.div_(dist.get_world_size())
