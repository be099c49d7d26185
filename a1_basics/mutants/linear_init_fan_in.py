"""Linear initialised with variance 1/d_in (LeCun / torch-default style) instead of 2/(d_in + d_out).

The habit of fan-in scaling from other courses; for Linear(256, 384) the standard deviation is ~12% too
large, which the KS test of the initial weights detects.
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
        std = math.sqrt(1.0 / d_in)
        nn.init.trunc_normal_(self.weight, mean=0.0, std=std, a=-3.0 * std, b=3.0 * std)
