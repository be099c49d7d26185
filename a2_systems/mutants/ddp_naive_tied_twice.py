"""Naive DDP that walks `named_parameters(remove_duplicate=False)`: a tied weight is all-reduced once per name.
The values survive (averaging an average changes nothing) but every step pays an extra all-reduce per tie,
which the launch count shows."""

import torch.distributed as dist

from a2_systems.distributed.ddp_naive import DDPNaive

UNIT = "a2.ddp_naive"
TARGET = "DDPNaive"


class MUTANT(DDPNaive):
    def finish_gradient_synchronization(self) -> None:
        for _, p in self.module.named_parameters(remove_duplicate=False):
            if p.grad is not None:
                dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)
                p.grad.div_(dist.get_world_size())
