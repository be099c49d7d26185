"""Overlapped DDP that registers no hooks and all-reduces every gradient synchronously inside
finish_gradient_synchronization: right values, no overlap (every launch comes after backward returned)."""

import torch.distributed as dist
from torch import nn

from a2_systems.distributed.ddp_naive import broadcast_module
from a2_systems.distributed.ddp_overlap import DDPIndividualParameters
from a2_systems.distributed.world import require_world

UNIT = "a2.ddp_overlap"
TARGET = "DDPIndividualParameters"


class MUTANT(DDPIndividualParameters):
    def __init__(self, module: nn.Module) -> None:
        nn.Module.__init__(self)
        require_world("DDPIndividualParameters")
        self.module = module
        broadcast_module(module)

    def finish_gradient_synchronization(self) -> None:
        for p in self.module.parameters():
            if p.grad is not None:
                dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)
                p.grad.div_(dist.get_world_size())
