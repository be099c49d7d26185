"""RMSNorm computed in the input's dtype, without the float32 upcast.

Identical in float32, so it passes every float32 test; in float16, x**2 overflows to inf once |x| > 256 and
the whole row normalises to zero (in bfloat16 it loses precision instead). Mixed-precision training is where
it bites.
"""

import torch
from torch import Tensor

from a1_basics.nn.rmsnorm import RMSNorm

UNIT = "a1.rmsnorm"
TARGET = "RMSNorm"


class MUTANT(RMSNorm):
    def forward(self, x: Tensor) -> Tensor:
        rms = torch.sqrt(x.pow(2).mean(dim=-1, keepdim=True) + self.eps)
        return (x / rms * self.weight).to(x.dtype)
