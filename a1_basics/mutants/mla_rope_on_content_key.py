"""MLA that rotates the content parts too: RoPE on q_C and k_C = W_UK c_KV, as if MLA were attention with RoPE.

DeepSeek-V2 decouples RoPE precisely because a rotation of k_C would sit between W_UK and the query and stop W_UK
from being absorbed; only q_R and k_R are rotated. Rotating the content key changes every score.
"""

import torch
from torch import Tensor

from a1_basics.nn.attention import scaled_dot_product_attention
from a1_basics.nn.mla import MultiHeadLatentAttention
from a1_basics.nn.rope import RotaryPositionalEmbedding

UNIT = "a1.mla"
TARGET = "MultiHeadLatentAttention"


class MUTANT(MultiHeadLatentAttention):
    def forward(self, x: Tensor, token_positions: Tensor | None = None, kv_cache: object = None, layer_idx: int = 0,
                absorb: bool = False) -> Tensor:
        H, dh = self.num_heads, self.d_head
        seq = x.shape[-2]
        start = 0 if kv_cache is None else kv_cache.lengths[layer_idx]
        pos = torch.arange(start, start + seq) if token_positions is None else token_positions
        content_rope = RotaryPositionalEmbedding(10000.0, dh, 64 + start + seq)
        c_q = self.w_dq(x)
        q_c = self.w_uq(c_q).unflatten(-1, (H, dh)).transpose(-3, -2)
        q_c = content_rope(q_c, pos.unsqueeze(-2))  # the bug: the content query is rotated
        q_r = self.rope(self.w_qr(c_q).unflatten(-1, (H, self.d_rope)).transpose(-3, -2), pos.unsqueeze(-2))
        c_kv, k_r = self.w_dkv(x).unsqueeze(-3), self.rope(self.w_kr(x), pos).unsqueeze(-3)
        if kv_cache is not None:
            c_kv, k_r = kv_cache.update(layer_idx, c_kv, k_r)
        n_k = c_kv.shape[-2]
        k_c = self.w_uk(c_kv.squeeze(-3)).unflatten(-1, (H, dh)).transpose(-3, -2)
        k_c = content_rope(k_c, torch.arange(n_k))  # ... and so is the content key
        v = self.w_uv(c_kv.squeeze(-3)).unflatten(-1, (H, dh)).transpose(-3, -2)
        mask = torch.arange(n_k) <= torch.arange(start, start + seq)[:, None]
        q = torch.cat([q_c, q_r], dim=-1)
        k = torch.cat([k_c, k_r.expand(*k_c.shape[:-1], self.d_rope)], dim=-1)
        out = scaled_dot_product_attention(q, k, v, mask)
        return self.w_o(out.transpose(-3, -2).flatten(-2))
