"""Multi-head attention without the causal mask: every query also sees the keys after it.

Students who call their scaled_dot_product_attention with mask=None (or build the mask and forget to pass it)
get an LM that reads the token it must predict; training loss drops suspiciously fast.
"""

import torch
from torch import Tensor

from a1_basics.nn.attention import MultiHeadSelfAttention, scaled_dot_product_attention

UNIT = "a1.mhsa"
TARGET = "MultiHeadSelfAttention"


class MUTANT(MultiHeadSelfAttention):
    def forward(self, x: Tensor, token_positions: Tensor | None = None, kv_cache: object = None,
                layer_idx: int = 0) -> Tensor:
        seq = x.shape[-2]
        q = self.q_proj(x).unflatten(-1, (self.num_heads, self.d_head)).transpose(-3, -2)
        k = self.k_proj(x).unflatten(-1, (self.num_kv_heads, self.d_head)).transpose(-3, -2)
        v = self.v_proj(x).unflatten(-1, (self.num_kv_heads, self.d_head)).transpose(-3, -2)
        if self.rope is not None:
            positions = torch.arange(seq) if token_positions is None else token_positions
            q, k = self.rope(q, positions.unsqueeze(-2)), self.rope(k, positions.unsqueeze(-2))
        group = self.num_heads // self.num_kv_heads
        k, v = k.repeat_interleave(group, dim=-3), v.repeat_interleave(group, dim=-3)
        out = scaled_dot_product_attention(q, k, v, None)
        return self.output_proj(out.transpose(-3, -2).flatten(-2))
