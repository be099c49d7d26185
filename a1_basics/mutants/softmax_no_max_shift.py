"""softmax as exp(x) / sum(exp(x)), without subtracting the max first.

The textbook formula is exact on paper and passes every test with small logits, so it is what students write
first; exp overflows to inf past x ~ 88 in float32, and inf / inf is NaN.
"""

import torch
from torch import Tensor

UNIT = "a1.softmax"
TARGET = "softmax"


def MUTANT(x: Tensor, dim: int) -> Tensor:
    exps = torch.exp(x)
    return exps / exps.sum(dim=dim, keepdim=True)
