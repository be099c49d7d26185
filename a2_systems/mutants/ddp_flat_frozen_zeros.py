"""Flat DDP that packs every parameter, frozen ones included, substituting zeros for a missing gradient: the
values survive (plain SGD leaves a zero gradient's parameter alone) but every step sends the frozen weights'
worth of zeros, which the all-reduce's size shows."""

import torch
import torch.distributed as dist

from a2_systems.distributed.ddp_flat import DDPFlat

UNIT = "a2.ddp_flat"
TARGET = "DDPFlat"


class MUTANT(DDPFlat):
    def finish_gradient_synchronization(self) -> None:
        params = list(self.module.parameters())
        flat = torch.cat([(p.grad if p.grad is not None else torch.zeros_like(p)).reshape(-1) for p in params])
        dist.all_reduce(flat, op=dist.ReduceOp.SUM)
        flat.div_(dist.get_world_size())
        offset = 0
        for p in params:
            if p.grad is not None:
                p.grad.copy_(flat[offset:offset + p.numel()].view_as(p))
            offset += p.numel()
