"""MLA whose RoPE positions restart at 0 in every call, ignoring the positions already in the cache.

A full forward is right; decoding rotates every new token's q_R and k_R as if it were at position 0 .. new - 1, so
the relative positions between a new query and the cached RoPE keys are wrong.
"""

import torch
from torch import Tensor

from a1_basics.nn.mla import MultiHeadLatentAttention

UNIT = "a1.mla"
TARGET = "MultiHeadLatentAttention"


class MUTANT(MultiHeadLatentAttention):
    def forward(self, x: Tensor, token_positions: Tensor | None = None, kv_cache: object = None, layer_idx: int = 0,
                absorb: bool = False) -> Tensor:
        if token_positions is None:
            token_positions = torch.arange(x.shape[-2])
        return super().forward(x, token_positions, kv_cache, layer_idx, absorb)
