"""RoPE that rotates by the index along the sequence (0, 1, 2, ...) and ignores token_positions.

During training positions are always arange(seq), so students derive them from x's shape; the model then
breaks on offsets (KV-cache decoding, packed sequences) where token_positions is the only source of truth.
"""

import torch
from torch import Tensor

from a1_basics.nn.rope import RotaryPositionalEmbedding

UNIT = "a1.rope"
TARGET = "RotaryPositionalEmbedding"


class MUTANT(RotaryPositionalEmbedding):
    def forward(self, x: Tensor, token_positions: Tensor) -> Tensor:
        return super().forward(x, torch.arange(x.shape[-2], device=x.device))
