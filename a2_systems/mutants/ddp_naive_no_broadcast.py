"""Naive DDP that never broadcasts rank 0's weights at construction: ranks that started from different
initial weights average their gradients but stay different models forever."""

from torch import nn

from a2_systems.distributed.ddp_naive import DDPNaive
from a2_systems.distributed.world import require_world

UNIT = "a2.ddp_naive"
TARGET = "DDPNaive"


class MUTANT(DDPNaive):
    def __init__(self, module: nn.Module) -> None:
        nn.Module.__init__(self)
        require_world("DDPNaive")
        self.module = module
