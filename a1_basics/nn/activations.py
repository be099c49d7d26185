"""Elementwise and normalising activations: SiLU, softmax, and the SwiGLU feed-forward block."""

from __future__ import annotations

import torch
from torch import Tensor, nn

# The student release keeps this import (its use is stubbed out) to point at the Linear to reuse.
from a1_basics.nn.linear import Linear  # noqa: F401


def silu(x: Tensor) -> Tensor:
    """SiLU (swish): x * sigmoid(x), elementwise. Shapes: any. Naive equivalent: torch.nn.functional.silu."""
    # BEGIN SOLUTION
    return x * torch.sigmoid(x)
    # END SOLUTION


def softmax(x: Tensor, dim: int) -> Tensor:
    """Numerically stable softmax along `dim` (same as torch.softmax(x, dim)). Shapes: any; output like x.

    Naive equivalent: exp(x) / exp(x).sum(dim, keepdim=True), which overflows to inf/inf = NaN for large x.
    """
    # BEGIN SOLUTION
    # Subtracting the max changes nothing mathematically, but keeps every exponent <= 0, so exp cannot
    # overflow, and the largest term is exactly 1, so the sum is never 0.
    # subtle: the max is a constant shift, so its gradient contribution cancels; detaching it skips that work.
    shifted = x - x.amax(dim=dim, keepdim=True).detach()
    exps = torch.exp(shifted)
    return exps / exps.sum(dim=dim, keepdim=True)
    # END SOLUTION


class SwiGLU(nn.Module):
    """The gated feed-forward block of Llama (Shazeer, 2020): W2 (SiLU(W1 x) * W3 x).

    W1 and W3 map d_model -> d_ff, W2 maps d_ff -> d_model; all are bias-free Linear layers stored as w1, w2,
    w3 (state-dict keys w1.weight, w2.weight, w3.weight). Naive equivalent with torch:
    F.linear(F.silu(F.linear(x, w1)) * F.linear(x, w3), w2).
    """

    def __init__(self, d_model: int, d_ff: int, device: torch.device | str | None = None,
                 dtype: torch.dtype | None = None) -> None:
        super().__init__()
        # BEGIN SOLUTION
        self.w1 = Linear(d_model, d_ff, device=device, dtype=dtype)
        self.w2 = Linear(d_ff, d_model, device=device, dtype=dtype)
        self.w3 = Linear(d_model, d_ff, device=device, dtype=dtype)
        # END SOLUTION

    def forward(self, x: Tensor) -> Tensor:
        """x: (..., d_model) -> (..., d_model)."""
        # BEGIN SOLUTION
        # subtle: only the W1 branch goes through SiLU; W3 x is the linear "value" it gates.
        return self.w2(silu(self.w1(x)) * self.w3(x))
        # END SOLUTION
