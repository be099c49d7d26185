"""ParallelMLP that puts the whole hidden activation back together before w2 (an all-reduce of a zero-padded
buffer) and then runs w2 row-parallel on its slice: the right values, but two all-reduces in forward where
Megatron's column-then-row split needs one."""

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import Tensor

from a2_systems.distributed.tensor_parallel import ParallelMLP, _CopyToParallel

UNIT = "a2.tensor_parallel"
TARGET = "ParallelMLP"


class MUTANT(ParallelMLP):
    def forward(self, x: Tensor) -> Tensor:
        x = _CopyToParallel.apply(x)
        h = F.silu(F.linear(x, self.w1.weight)) * F.linear(x, self.w3.weight)
        n, r = h.shape[-1], dist.get_rank()
        full = torch.zeros(*h.shape[:-1], n * dist.get_world_size(), dtype=h.dtype)
        full[..., r * n:(r + 1) * n] = h.detach()
        dist.all_reduce(full)
        # keep the autograd path through this rank's own slice
        h = h + (full[..., r * n:(r + 1) * n] - h.detach())
        return self.w2(h)
