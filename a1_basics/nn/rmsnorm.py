"""Root-mean-square layer normalisation (Zhang & Sennrich, 2019), computed in float32."""

from __future__ import annotations

import torch
from torch import Tensor, nn


class RMSNorm(nn.Module):
    """y = x / sqrt(mean(x^2 over the last dim) + eps) * weight, with a learnable gain initialised to ones.

    Naive equivalent: torch.nn.functional.rms_norm(x.float(), (d_model,), weight, eps).to(x.dtype). The
    arithmetic runs in float32 whatever the input dtype; the result is cast back to the input dtype.
    """

    def __init__(self, d_model: int, eps: float = 1e-5, device: torch.device | str | None = None,
                 dtype: torch.dtype | None = None) -> None:
        super().__init__()
        # BEGIN SOLUTION
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d_model, device=device, dtype=dtype))
        # END SOLUTION

    def forward(self, x: Tensor) -> Tensor:
        """x: (..., d_model) -> (..., d_model), same dtype as x."""
        # BEGIN SOLUTION
        in_dtype = x.dtype
        # subtle: in float16, x**2 overflows to inf once |x| > 256; square only after the upcast.
        x32 = x.to(torch.float32)
        inv_rms = torch.rsqrt(x32.pow(2).mean(dim=-1, keepdim=True) + self.eps)  # (..., 1)
        return (x32 * inv_rms * self.weight).to(in_dtype)
        # END SOLUTION
