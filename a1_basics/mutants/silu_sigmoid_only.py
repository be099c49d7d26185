"""SiLU returning sigmoid(x) and forgetting the factor x.

SiLU is often introduced as "the sigmoid linear unit" and drawn next to the sigmoid; dropping the product
gives a bounded gate in (0, 1) instead of a ReLU-like curve.
"""

import torch
from torch import Tensor

UNIT = "a1.silu"
TARGET = "silu"


def MUTANT(x: Tensor) -> Tensor:
    return torch.sigmoid(x)
