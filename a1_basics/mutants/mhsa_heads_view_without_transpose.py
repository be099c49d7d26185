"""Splitting heads with a plain reshape to (..., heads, seq, d_head) instead of (..., seq, heads, d_head)
followed by a transpose.

The shapes come out right, so nothing crashes, but each "head" now mixes features of different tokens; a
classic bug when porting einops code by hand.
"""

import torch
from torch import Tensor

from a1_basics.nn.attention import MultiHeadSelfAttention, scaled_dot_product_attention

UNIT = "a1.mhsa"
TARGET = "MultiHeadSelfAttention"


class MUTANT(MultiHeadSelfAttention):
    def forward(self, x: Tensor, token_positions: Tensor | None = None, kv_cache: object = None,
                layer_idx: int = 0) -> Tensor:
        *lead, seq, _ = x.shape
        q = self.q_proj(x).reshape(*lead, self.num_heads, seq, self.d_head)
        k = self.k_proj(x).reshape(*lead, self.num_kv_heads, seq, self.d_head)
        v = self.v_proj(x).reshape(*lead, self.num_kv_heads, seq, self.d_head)
        if self.rope is not None:
            positions = torch.arange(seq) if token_positions is None else token_positions
            q, k = self.rope(q, positions.unsqueeze(-2)), self.rope(k, positions.unsqueeze(-2))
        group = self.num_heads // self.num_kv_heads
        k, v = k.repeat_interleave(group, dim=-3), v.repeat_interleave(group, dim=-3)
        mask = torch.ones(seq, seq, dtype=torch.bool).tril()
        out = scaled_dot_product_attention(q, k, v, mask)
        return self.output_proj(out.transpose(-3, -2).flatten(-2))
