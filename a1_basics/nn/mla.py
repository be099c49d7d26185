"""Multi-head latent attention (MLA), DeepSeek-V2 (DeepSeek-AI, 2024), section 2.1, equations (9)-(19).

Keys and values are up-projected from one low-rank latent per token, c_KV = W_DKV h (d_latent values), and a
RoPE key k_R = RoPE(W_KR h) (d_rope values) is shared by every head, so the cache holds d_latent + d_rope values
per token and layer instead of 2 * num_heads * d_head. Queries are compressed too, c_Q = W_DQ h, which saves
activation memory in training (not cache). DeepSeek-V2's RMSNorms after c_Q and c_KV are left out: they are not
in the paper's equations and change nothing about the cache.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from torch import Tensor, nn

# The student release keeps these imports (their uses are stubbed out) to point at the pieces to reuse.
from a1_basics.nn.attention import scaled_dot_product_attention  # noqa: F401
from a1_basics.nn.linear import Linear  # noqa: F401
from a1_basics.nn.rope import RotaryPositionalEmbedding  # noqa: F401

if TYPE_CHECKING:
    from a1_basics.nn.kv_cache import KVCache


class MultiHeadLatentAttention(nn.Module):
    """Causal MLA over x (..., seq, d_model) -> (..., seq, d_model).

    Parameters (bias-free Linear layers; state-dict keys `<name>.weight`): w_dq (d_model -> d_q_latent),
    w_uq (d_q_latent -> num_heads * d_head), w_qr (d_q_latent -> num_heads * d_rope), w_dkv (d_model -> d_latent),
    w_uk and w_uv (d_latent -> num_heads * d_head), w_kr (d_model -> d_rope), w_o (num_heads * d_head -> d_model).
    Head i of an up-projection is rows i*d .. (i+1)*d - 1 of its weight. RoPE (theta, on d_rope features, tables of
    max_seq_len positions) rotates q_R and k_R only. Scores are q_i . k_i / sqrt(d_head + d_rope) with
    q_i = [q_C,i ; q_R,i] and k_i = [k_C,i ; k_R].

    `forward(x, token_positions=None, kv_cache=None, layer_idx=0, absorb=False)`: with a KVCache, layer
    `layer_idx` caches c_KV as its "keys" (*batch, 1, n, d_latent) and k_R as its "values" (*batch, 1, n, d_rope),
    nothing else; new tokens start at kv_cache.lengths[layer_idx]. `absorb=True` computes the same output with
    W_UK folded into the queries and W_UV applied after attending over the latents, never materialising per-head
    keys or values. Raises ValueError for an odd d_rope or a non-positive size.
    """

    def __init__(self, d_model: int, num_heads: int, d_head: int, d_rope: int, d_latent: int, d_q_latent: int,
                 max_seq_len: int, theta: float = 10000.0, device: torch.device | str | None = None,
                 dtype: torch.dtype | None = None) -> None:
        super().__init__()
        # BEGIN SOLUTION
        sizes = {"d_model": d_model, "num_heads": num_heads, "d_head": d_head, "d_rope": d_rope,
                 "d_latent": d_latent, "d_q_latent": d_q_latent, "max_seq_len": max_seq_len}
        bad = [f"{k}={v}" for k, v in sizes.items() if v < 1]
        if bad:
            raise ValueError(f"MLA sizes must be positive: {', '.join(bad)}")
        if d_rope % 2:
            raise ValueError(f"RoPE rotates pairs, so d_rope must be even; got d_rope={d_rope}")
        self.num_heads, self.d_head, self.d_rope, self.d_latent = num_heads, d_head, d_rope, d_latent
        kw = {"device": device, "dtype": dtype}
        self.w_dq = Linear(d_model, d_q_latent, **kw)
        self.w_uq = Linear(d_q_latent, num_heads * d_head, **kw)
        self.w_qr = Linear(d_q_latent, num_heads * d_rope, **kw)
        self.w_dkv = Linear(d_model, d_latent, **kw)
        self.w_uk = Linear(d_latent, num_heads * d_head, **kw)
        self.w_uv = Linear(d_latent, num_heads * d_head, **kw)
        self.w_kr = Linear(d_model, d_rope, **kw)
        self.w_o = Linear(num_heads * d_head, d_model, **kw)
        self.rope = RotaryPositionalEmbedding(theta, d_rope, max_seq_len, device=device)
        # END SOLUTION

    def forward(self, x: Tensor, token_positions: Tensor | None = None, kv_cache: KVCache | None = None,
                layer_idx: int = 0, absorb: bool = False) -> Tensor:
        # BEGIN SOLUTION
        seq = x.shape[-2]
        start = 0 if kv_cache is None else kv_cache.lengths[layer_idx]
        if token_positions is None:
            token_positions = torch.arange(start, start + seq, device=x.device)
        c_q = self.w_dq(x)  # (..., seq, d_q_latent)
        q_c = self.w_uq(c_q).unflatten(-1, (self.num_heads, self.d_head)).transpose(-3, -2)  # (..., H, seq, d_h)
        q_r = self.w_qr(c_q).unflatten(-1, (self.num_heads, self.d_rope)).transpose(-3, -2)  # (..., H, seq, d_R)
        q_r = self.rope(q_r, token_positions.unsqueeze(-2))
        # One latent and one RoPE key per token, kept with a heads dim of 1 so that they broadcast over heads.
        c_kv = self.w_dkv(x).unsqueeze(-3)  # (..., 1, seq, d_c)
        k_r = self.rope(self.w_kr(x), token_positions).unsqueeze(-3)  # (..., 1, seq, d_R)
        if kv_cache is not None:
            c_kv, k_r = kv_cache.update(layer_idx, c_kv, k_r)  # (..., 1, n_k, d_c), (..., 1, n_k, d_R)
        n_k = c_kv.shape[-2]
        mask = torch.arange(n_k, device=x.device) <= torch.arange(start, start + seq, device=x.device)[:, None]
        if absorb:
            out = self._absorbed(q_c, q_r, c_kv, k_r, mask)
        else:
            # k_C,i = W_UK,i c_KV and v_i = W_UV,i c_KV for every cached token: (..., H, n_k, d_h)
            k_c = self.w_uk(c_kv.squeeze(-3)).unflatten(-1, (self.num_heads, self.d_head)).transpose(-3, -2)
            v = self.w_uv(c_kv.squeeze(-3)).unflatten(-1, (self.num_heads, self.d_head)).transpose(-3, -2)
            q = torch.cat([q_c, q_r], dim=-1)  # (..., H, seq, d_h + d_R)
            k = torch.cat([k_c, k_r.expand(*k_c.shape[:-1], self.d_rope)], dim=-1)
            # sdpa scales by 1/sqrt(last dim) = 1/sqrt(d_h + d_R), the paper's eq. (18)
            out = scaled_dot_product_attention(q, k, v, mask)
        return self.w_o(out.transpose(-3, -2).flatten(-2))
        # END SOLUTION

    # BEGIN SOLUTION ONLY
    def _absorbed(self, q_c: Tensor, q_r: Tensor, c_kv: Tensor, k_r: Tensor, mask: Tensor) -> Tensor:
        """q_C,i . (W_UK,i c) = (W_UK,i^T q_C,i) . c: each head's query moves into latent space, and the key of
        every head is the cached [c_KV ; k_R] itself. The output over latents, sum_j p_j c_j, is then taken to
        head space by W_UV,i (linear, so it commutes with the weighted sum)."""
        w_uk = self.w_uk.weight.unflatten(0, (self.num_heads, self.d_head))  # (H, d_h, d_c)
        w_uv = self.w_uv.weight.unflatten(0, (self.num_heads, self.d_head))
        q_lat = torch.einsum("...hsd,hdc->...hsc", q_c, w_uk)  # (..., H, seq, d_c)
        # sdpa would scale by 1/sqrt(d_c + d_R); the scores must keep 1/sqrt(d_h + d_R), so rescale the query
        fix = ((self.d_latent + self.d_rope) / (self.d_head + self.d_rope)) ** 0.5
        q = torch.cat([q_lat, q_r], dim=-1) * fix
        o_lat = scaled_dot_product_attention(q, torch.cat([c_kv, k_r], dim=-1), c_kv, mask)  # (..., H, seq, d_c)
        return torch.einsum("...hsc,hdc->...hsd", o_lat, w_uv)
    # END SOLUTION ONLY
