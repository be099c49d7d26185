"""RoPE with frequencies theta^(-k/d_k) instead of theta^(-2k/d_k) for pair k.

The paper writes theta_i = 10000^(-2(i-1)/d) with i counting pairs; students who loop over feature indices
(0, 2, 4, ...) and also double them, or who count pairs and forget the 2, get the exponent off by a factor
of two.
"""

import torch

from a1_basics.nn.rope import RotaryPositionalEmbedding

UNIT = "a1.rope"
TARGET = "RotaryPositionalEmbedding"


class MUTANT(RotaryPositionalEmbedding):
    def __init__(self, theta: float, d_k: int, max_seq_len: int,
                 device: torch.device | str | None = None) -> None:
        super().__init__(theta, d_k, max_seq_len, device)
        inv_freq = theta ** (-torch.arange(d_k // 2, dtype=torch.float64) / d_k)
        angles = torch.outer(torch.arange(max_seq_len, dtype=torch.float64), inv_freq)
        self.cos = angles.cos().to(device=device, dtype=torch.float32)
        self.sin = angles.sin().to(device=device, dtype=torch.float32)
