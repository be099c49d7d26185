"""Attention that treats mask True as "blocked" instead of "may attend".

Both conventions exist (torch's boolean attn_mask means attend; key_padding_mask and many tutorials mean
block), so students guess; with a causal mask the inverted version lets every query see only the future.
"""

import math

from torch import Tensor

from a1_basics.nn.activations import softmax

UNIT = "a1.sdpa"
TARGET = "scaled_dot_product_attention"


def MUTANT(Q: Tensor, K: Tensor, V: Tensor, mask: Tensor | None = None) -> Tensor:
    scores = Q @ K.transpose(-2, -1) / math.sqrt(Q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(mask, float("-inf"))
    return softmax(scores, dim=-1) @ V
