"""Scaled dot-product attention (Vaswani et al., 2017, eq. 1) with a boolean mask."""

from __future__ import annotations

from torch import Tensor

# The student release keeps this import (its use is stubbed out) to point at the softmax to reuse.
from a1_basics.nn.activations import softmax  # noqa: F401


def scaled_dot_product_attention(Q: Tensor, K: Tensor, V: Tensor, mask: Tensor | None = None) -> Tensor:
    """softmax(Q K^T / sqrt(d_k)) V, where masked-out scores get weight 0.

    Q: (..., n_q, d_k), K: (..., n_k, d_k), V: (..., n_k, d_v), mask: bool (..., n_q, n_k) with True = may
    attend; the leading dims of all four broadcast. Returns (..., n_q, d_v). Every query row must be allowed
    at least one key (a fully masked row has no defined output).
    Naive equivalent: torch.nn.functional.scaled_dot_product_attention(Q, K, V, attn_mask=mask).
    """
    # BEGIN SOLUTION
    d_k = Q.shape[-1]
    scores = Q @ K.transpose(-2, -1) / d_k**0.5  # (..., n_q, n_k)
    if mask is not None:
        # -inf becomes exactly 0 after exp; where() broadcasts both ways (masked_fill only one way).
        scores = scores.where(mask, float("-inf"))
    return softmax(scores, dim=-1) @ V  # (..., n_q, d_v)
    # END SOLUTION
