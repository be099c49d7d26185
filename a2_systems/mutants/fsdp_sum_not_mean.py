"""FSDP whose reduce-scatter sums the gradients and never divides by the world size: every step is world_size
times too large."""

import torch
import torch.distributed as dist

from a2_systems.distributed.fsdp import FSDP

UNIT = "a2.fsdp"
TARGET = "FSDP"


class MUTANT(FSDP):
    def finish_gradient_synchronization(self) -> None:
        if self._full is None:
            return
        grad = self._flat_grad()
        shard = torch.empty_like(self.flat_shard)
        dist.reduce_scatter(shard, list(grad.chunk(self.world_size)), op=dist.ReduceOp.SUM)
        self.flat_shard.grad = shard if self.flat_shard.grad is None else self.flat_shard.grad + shard
        self._free()
