"""FSDP that is DDP in disguise: every rank keeps the full flat parameter as its trainable parameter, all-reduces
the whole gradient and lets the optimizer step all of it (full parameters and optimizer state on every rank)."""

import torch.distributed as dist
from torch import Tensor, nn

from a2_systems.distributed.fsdp import FSDP

UNIT = "a2.fsdp"
TARGET = "FSDP"


class MUTANT(FSDP):
    def __init__(self, module: nn.Module) -> None:
        super().__init__(module)
        self.flat_shard = nn.Parameter(super()._gather())

    def _gather(self) -> Tensor:
        return self.flat_shard.detach().clone()

    def finish_gradient_synchronization(self) -> None:
        if self._full is None:
            return
        grad = self._flat_grad()
        dist.all_reduce(grad)
        grad.div_(self.world_size)
        self.flat_shard.grad = grad
        self._free()

