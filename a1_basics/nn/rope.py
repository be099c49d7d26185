"""Rotary positional embedding (Su et al., 2021) on adjacent feature pairs."""

from __future__ import annotations

import torch
from torch import Tensor, nn


class RotaryPositionalEmbedding(nn.Module):
    """Rotates each adjacent pair (x[2k], x[2k+1]) of a query or key vector at position m by the angle
    m * theta^(-2k / d_k), for k = 0 .. d_k/2 - 1.

    cos/sin tables of shape (max_seq_len, d_k/2) are precomputed as non-persistent buffers, so the state dict
    is empty. Naive equivalent: view the pairs as complex numbers z_k = x[2k] + i x[2k+1] and multiply z_k by
    exp(i m theta^(-2k/d_k)). Odd d_k raises ValueError.
    """

    def __init__(self, theta: float, d_k: int, max_seq_len: int,
                 device: torch.device | str | None = None) -> None:
        super().__init__()
        # BEGIN SOLUTION
        if d_k % 2 != 0:
            raise ValueError(f"RoPE rotates pairs of features, so d_k must be even; got d_k={d_k}")
        # Angles in float64 on the CPU: positions times small frequencies lose digits in float32, and some
        # devices have no float64. Only the final tables are float32 on `device`.
        inv_freq = theta ** (-2.0 * torch.arange(d_k // 2, dtype=torch.float64) / d_k)  # (d_k/2,)
        angles = torch.outer(torch.arange(max_seq_len, dtype=torch.float64), inv_freq)  # (max_seq_len, d_k/2)
        self.register_buffer("cos", angles.cos().to(device=device, dtype=torch.float32), persistent=False)
        self.register_buffer("sin", angles.sin().to(device=device, dtype=torch.float32), persistent=False)
        # END SOLUTION

    def forward(self, x: Tensor, token_positions: Tensor) -> Tensor:
        """x: (..., seq, d_k); token_positions: integer (..., seq), broadcastable against x's leading dims,
        each in [0, max_seq_len). Returns (..., seq, d_k) in x's dtype."""
        # BEGIN SOLUTION
        cos = self.cos[token_positions]  # (..., seq, d_k/2)
        sin = self.sin[token_positions]
        # subtle: pairs are ADJACENT features (0,1), (2,3), ...; not the halves (k, k + d_k/2) of rotate-half.
        # A pair (x0, x1) is the complex number x0 + i x1, and rotating it by theta is multiplying by
        # cos theta + i sin theta: one complex product instead of four real products and a stack (several times
        # faster in a training step). The real form: (x0 cos - x1 sin, x0 sin + x1 cos).
        work = x if x.dtype in (torch.float32, torch.float64) else x.float()  # no complex half on the CPU
        z = torch.view_as_complex(work.reshape(*work.shape[:-1], -1, 2))  # (..., seq, d_k/2) complex
        rotated = torch.view_as_real(z * torch.complex(cos, sin).to(z.dtype))  # (..., seq, d_k/2, 2)
        return rotated.flatten(-2).to(x.dtype)
        # END SOLUTION
