"""MLA that caches the up-projected per-head keys and values (the MHA cache) instead of c_KV and k_R.

Its outputs are right, decoding included: it is plain MHA decoding with MLA's weights. But the cache then holds
num_heads * (2 d_head + d_rope) values per token instead of d_latent + d_rope, which is everything MLA exists to
avoid; only a check of what reaches the cache catches it.
"""

import torch
from torch import Tensor

from a1_basics.nn.attention import scaled_dot_product_attention
from a1_basics.nn.mla import MultiHeadLatentAttention

UNIT = "a1.mla"
TARGET = "MultiHeadLatentAttention"


class MUTANT(MultiHeadLatentAttention):
    def forward(self, x: Tensor, token_positions: Tensor | None = None, kv_cache: object = None, layer_idx: int = 0,
                absorb: bool = False) -> Tensor:
        H, dh, dr = self.num_heads, self.d_head, self.d_rope
        seq = x.shape[-2]
        start = 0 if kv_cache is None else kv_cache.lengths[layer_idx]
        pos = torch.arange(start, start + seq) if token_positions is None else token_positions
        c_q = self.w_dq(x)
        q_c = self.w_uq(c_q).unflatten(-1, (H, dh)).transpose(-3, -2)
        q_r = self.rope(self.w_qr(c_q).unflatten(-1, (H, dr)).transpose(-3, -2), pos.unsqueeze(-2))
        c_kv, k_r = self.w_dkv(x), self.rope(self.w_kr(x), pos).unsqueeze(-3)
        k_c = self.w_uk(c_kv).unflatten(-1, (H, dh)).transpose(-3, -2)
        v = self.w_uv(c_kv).unflatten(-1, (H, dh)).transpose(-3, -2)
        k = torch.cat([k_c, k_r.expand(*k_c.shape[:-1], dr)], dim=-1)  # (..., H, seq, d_h + d_R)
        if kv_cache is not None:
            k, v = kv_cache.update(layer_idx, k, v)  # the bug: per-head keys and values in the cache
        mask = torch.arange(k.shape[-2]) <= torch.arange(start, start + seq)[:, None]
        out = scaled_dot_product_attention(torch.cat([q_c, q_r], dim=-1), k, v, mask)
        return self.w_o(out.transpose(-3, -2).flatten(-2))
