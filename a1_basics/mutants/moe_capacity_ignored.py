"""MoE that accepts capacity_factor but never drops a token: every expert processes all of its tokens.

The output is then the no-capacity output; it differs only where an expert overflows, so only cases with real
overflow see it.
"""

import torch
from torch import Tensor

from a1_basics.nn.moe import MoEFeedForward

UNIT = "a1.moe"
TARGET = "MoEFeedForward"


class MUTANT(MoEFeedForward):
    def kept(self, top_e: Tensor) -> Tensor:
        return torch.ones_like(top_e, dtype=torch.bool)  # self.capacity(n) is never consulted
