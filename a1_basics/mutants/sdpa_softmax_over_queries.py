"""Attention that normalises the scores over the query axis (dim=-2) instead of the key axis (dim=-1).

With square score matrices the shapes agree either way, so the bug is silent until values are compared;
students reach for dim=1 from a 2-D picture of the score matrix and it stays wrong once batch and head dims
are added.
"""

import math

from torch import Tensor

from a1_basics.nn.activations import softmax

UNIT = "a1.sdpa"
TARGET = "scaled_dot_product_attention"


def MUTANT(Q: Tensor, K: Tensor, V: Tensor, mask: Tensor | None = None) -> Tensor:
    scores = Q @ K.transpose(-2, -1) / math.sqrt(Q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return softmax(scores, dim=-2) @ V
