"""ColumnParallelLinear without Megatron's f: forward is right, but each rank's dL/dx is only the part that flows
through its own output rows (the all-reduce in backward is missing)."""

import torch.nn.functional as F
from torch import Tensor

from a2_systems.distributed.tensor_parallel import ColumnParallelLinear, _GatherLastDim

UNIT = "a2.tensor_parallel"
TARGET = "ColumnParallelLinear"


class MUTANT(ColumnParallelLinear):
    def forward(self, x: Tensor) -> Tensor:
        y = F.linear(x, self.weight)
        return _GatherLastDim.apply(y) if self.gather_output else y
