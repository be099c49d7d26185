"""RMSNorm dividing by sqrt(mean(x^2)) + eps instead of sqrt(mean(x^2) + eps).

LayerNorm-style code and some papers put eps outside; for activations of ordinary size the two differ by
~eps/2 relative, invisible at float32 tolerances, so only small inputs (mean square near eps) tell them
apart.
"""

import torch
from torch import Tensor

from a1_basics.nn.rmsnorm import RMSNorm

UNIT = "a1.rmsnorm"
TARGET = "RMSNorm"


class MUTANT(RMSNorm):
    def forward(self, x: Tensor) -> Tensor:
        x32 = x.to(torch.float32)
        rms = torch.sqrt(x32.pow(2).mean(dim=-1, keepdim=True)) + self.eps
        return (x32 / rms * self.weight).to(x.dtype)
