""""Flat" DDP that still sends one all-reduce per parameter: right values, none of the saving in latency."""

import torch.distributed as dist

from a2_systems.distributed.ddp_flat import DDPFlat

UNIT = "a2.ddp_flat"
TARGET = "DDPFlat"


class MUTANT(DDPFlat):
    def finish_gradient_synchronization(self) -> None:
        for p in self.module.parameters():
            if p.grad is not None:
                dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)
                p.grad.div_(dist.get_world_size())
