"""RoPE pairing feature k with feature k + d_k/2 (the "rotate-half" layout of GPT-NeoX and Hugging Face
Llama) instead of adjacent features (2k, 2k+1).

Both layouts are called RoPE and many blog posts show rotate-half, so students copy it; it is a different
function of x (the same one only after permuting Q/K rows), and our handout pins adjacent pairs.
"""

import torch
from torch import Tensor

from a1_basics.nn.rope import RotaryPositionalEmbedding

UNIT = "a1.rope"
TARGET = "RotaryPositionalEmbedding"


class MUTANT(RotaryPositionalEmbedding):
    def forward(self, x: Tensor, token_positions: Tensor) -> Tensor:
        cos, sin = self.cos[token_positions], self.sin[token_positions]
        half = x.shape[-1] // 2
        first, second = x[..., :half], x[..., half:]
        return torch.cat((first * cos - second * sin, first * sin + second * cos), dim=-1)
