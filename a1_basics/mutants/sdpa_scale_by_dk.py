"""Attention scores divided by d_k instead of sqrt(d_k).

A misreading of "scaled by the dimension"; the output stays a convex combination of V rows with the right
shape, only flatter, so it survives every test that checks shapes or that rows of weights sum to one.
"""

from torch import Tensor

from a1_basics.nn.activations import softmax

UNIT = "a1.sdpa"
TARGET = "scaled_dot_product_attention"


def MUTANT(Q: Tensor, K: Tensor, V: Tensor, mask: Tensor | None = None) -> Tensor:
    scores = Q @ K.transpose(-2, -1) / Q.shape[-1]
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return softmax(scores, dim=-1) @ V
