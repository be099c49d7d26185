"""RowParallelLinear that never all-reduces: each rank returns only its partial output x_r W_r^T, not the sum."""

import torch.nn.functional as F
from torch import Tensor

from a2_systems.distributed.tensor_parallel import RowParallelLinear

UNIT = "a2.tensor_parallel"
TARGET = "RowParallelLinear"


class MUTANT(RowParallelLinear):
    def forward(self, x: Tensor) -> Tensor:
        return F.linear(x, self.weight)
