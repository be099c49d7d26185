"""Grouped-query attention that tiles the kv heads (k.repeat(...)) instead of repeating each one in place.

With 4 query heads and 2 kv heads, tiling gives kv heads [0, 1, 0, 1] where the convention (Llama's
repeat_kv, and our handout) is [0, 0, 1, 1]: query head h must read kv head h // group. Both run; only the
pairing differs, so pretrained GQA weights would load into a subtly wrong model.
"""

import torch
from torch import Tensor

from a1_basics.nn.attention import MultiHeadSelfAttention, scaled_dot_product_attention

UNIT = "a1.gqa"
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
        reps = [1] * (k.dim() - 3) + [group, 1, 1]
        k, v = k.repeat(*reps), v.repeat(*reps)
        mask = torch.ones(seq, seq, dtype=torch.bool).tril()
        out = scaled_dot_product_attention(q, k, v, mask)
        return self.output_proj(out.transpose(-3, -2).flatten(-2))
