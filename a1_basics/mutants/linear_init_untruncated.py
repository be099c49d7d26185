"""Linear initialised from an untruncated normal with the right variance.

torch.nn.init.normal_ is one call and the variance matches, so students skip the truncation; ~0.3% of
weights then lie beyond ±3σ. A KS test barely sees that (the CDFs differ by ~1e-3), so the truncation case
checks the bound.
"""

import math

import torch
from torch import nn

from a1_basics.nn.linear import Linear

UNIT = "a1.linear"
TARGET = "Linear"


class MUTANT(Linear):
    def __init__(self, d_in: int, d_out: int, device: torch.device | str | None = None,
                 dtype: torch.dtype | None = None) -> None:
        super().__init__(d_in, d_out, device=device, dtype=dtype)
        nn.init.normal_(self.weight, mean=0.0, std=math.sqrt(2.0 / (d_in + d_out)))
