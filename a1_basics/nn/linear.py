"""A bias-free linear layer, built from a bare weight matrix."""

from __future__ import annotations

import torch
from torch import Tensor, nn


class Linear(nn.Module):
    """y = x W^T with W of shape (d_out, d_in), the layout of torch.nn.Linear and CS336.

    Naive equivalent: torch.nn.Linear(d_in, d_out, bias=False), but initialised differently: W is drawn from a
    normal with mean 0 and variance 2 / (d_in + d_out), truncated at ±3 standard deviations.
    """

    def __init__(self, d_in: int, d_out: int, device: torch.device | str | None = None,
                 dtype: torch.dtype | None = None) -> None:
        super().__init__()
        # BEGIN SOLUTION
        std = (2.0 / (d_in + d_out)) ** 0.5
        self.weight = nn.Parameter(torch.empty(d_out, d_in, device=device, dtype=dtype))
        # subtle: trunc_normal_'s a and b are absolute cut points, not multiples of std.
        nn.init.trunc_normal_(self.weight, mean=0.0, std=std, a=-3.0 * std, b=3.0 * std)
        # END SOLUTION

    def forward(self, x: Tensor) -> Tensor:
        """x: (..., d_in) -> (..., d_out). Any number of leading dims, including none."""
        # BEGIN SOLUTION
        # subtle: matmul folds the leading dims into one (n, d_in) x (d_in, d_out) product; einsum with "..."
        # dispatches a batched matmul here, about 10% slower for a whole training step on CPU.
        return x @ self.weight.T
        # END SOLUTION
