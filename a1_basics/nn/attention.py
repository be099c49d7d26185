"""Scaled dot-product attention (Vaswani et al., 2017, eq. 1) with a boolean mask, and causal multi-head
self-attention built on it (with RoPE and grouped-query attention)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from torch import Tensor, nn

# The student release keeps these imports (their uses are stubbed out) to point at the pieces to reuse.
from a1_basics.nn.activations import softmax  # noqa: F401
from a1_basics.nn.linear import Linear  # noqa: F401
from a1_basics.nn.rope import RotaryPositionalEmbedding  # noqa: F401

if TYPE_CHECKING:
    from a1_basics.nn.kv_cache import KVCache


def scaled_dot_product_attention(Q: Tensor, K: Tensor, V: Tensor, mask: Tensor | None = None) -> Tensor:
    """softmax(Q K^T / sqrt(d_k)) V, where masked-out scores get weight 0.

    Q: (..., n_q, d_k), K: (..., n_k, d_k), V: (..., n_k, d_v), mask: bool (..., n_q, n_k) with True = may
    attend; the leading dims of all four broadcast. Returns (..., n_q, d_v). Every query row must be allowed
    at least one key (a fully masked row has no defined output).
    Naive equivalent: torch.nn.functional.scaled_dot_product_attention(Q, K, V, attn_mask=mask).
    """
    # BEGIN SOLUTION
    scores = Q @ K.transpose(-2, -1) / Q.shape[-1] ** 0.5  # (..., n_q, n_k)
    if mask is not None:
        # -inf becomes exactly 0 after exp; where() broadcasts the mask's leading dims with the scores'
        scores = torch.where(mask, scores, float("-inf"))
    # (FlashAttention, a2 §3, defers the softmax's division to the (n_q, d_v) output instead: the same result)
    return softmax(scores, dim=-1) @ V  # (..., n_q, d_v)
    # END SOLUTION


class MultiHeadSelfAttention(nn.Module):
    """Causal multi-head self-attention with optional RoPE and grouped-query attention (GQA).

    Projections are bias-free Linear layers: q_proj (d_model -> d_model), k_proj and v_proj
    (d_model -> num_kv_heads * d_head), output_proj (d_model -> d_model), with d_head = d_model / num_heads;
    state-dict keys q_proj.weight, k_proj.weight, v_proj.weight, output_proj.weight. Head h of a projection is
    rows h*d_head .. (h+1)*d_head - 1 of its weight. With num_kv_heads < num_heads, query head h reads key/value
    head h // (num_heads / num_kv_heads) (consecutive query heads share a kv head, as in Llama).

    RoPE (on queries and keys, never values) is applied when `theta` is given; `max_seq_len` then bounds the
    positions. Raises ValueError when num_heads does not divide d_model or num_kv_heads does not divide
    num_heads.

    Naive equivalent (no cache): split heads, repeat each kv head num_heads/num_kv_heads times
    (repeat_interleave on the head dim), then torch.nn.functional.scaled_dot_product_attention(q, k, v,
    is_causal=True), merge heads and apply output_proj.
    """

    def __init__(self, d_model: int, num_heads: int, max_seq_len: int | None = None, theta: float | None = None,
                 num_kv_heads: int | None = None, device: torch.device | str | None = None,
                 dtype: torch.dtype | None = None) -> None:
        super().__init__()
        # BEGIN SOLUTION
        num_kv_heads = num_heads if num_kv_heads is None else num_kv_heads
        if num_heads <= 0 or d_model % num_heads != 0:
            raise ValueError(f"num_heads={num_heads} must divide d_model={d_model}")
        if num_kv_heads <= 0 or num_heads % num_kv_heads != 0:
            raise ValueError(f"num_kv_heads={num_kv_heads} must divide num_heads={num_heads}")
        self.num_heads, self.num_kv_heads = num_heads, num_kv_heads
        self.d_head = d_model // num_heads
        self.q_proj = Linear(d_model, d_model, device=device, dtype=dtype)
        self.k_proj = Linear(d_model, num_kv_heads * self.d_head, device=device, dtype=dtype)
        self.v_proj = Linear(d_model, num_kv_heads * self.d_head, device=device, dtype=dtype)
        self.output_proj = Linear(d_model, d_model, device=device, dtype=dtype)
        self.rope: RotaryPositionalEmbedding | None = None
        if theta is not None:
            if max_seq_len is None:
                raise ValueError("RoPE needs max_seq_len (the size of its cos/sin tables) when theta is given")
            self.rope = RotaryPositionalEmbedding(theta, self.d_head, max_seq_len, device=device)
        # END SOLUTION

    def forward(self, x: Tensor, token_positions: Tensor | None = None, kv_cache: KVCache | None = None,
                layer_idx: int = 0) -> Tensor:
        """x: (..., seq, d_model) -> (..., seq, d_model).

        token_positions: integer (..., seq) or (seq,), the positions RoPE uses; default arange(seq), shifted by
        the number of positions already in `kv_cache`. The causal mask follows the order in the sequence (and the
        cache), not token_positions. kv_cache: when given, this call's keys and values are appended to layer
        `layer_idx` of the cache and the queries attend to every cached position up to their own.
        """
        # BEGIN SOLUTION
        seq = x.shape[-2]
        start = 0 if kv_cache is None else kv_cache.lengths[layer_idx]
        # (..., seq, heads * d_head) -> (..., heads, seq, d_head)
        q = self.q_proj(x).unflatten(-1, (self.num_heads, self.d_head)).transpose(-3, -2)
        k = self.k_proj(x).unflatten(-1, (self.num_kv_heads, self.d_head)).transpose(-3, -2)
        v = self.v_proj(x).unflatten(-1, (self.num_kv_heads, self.d_head)).transpose(-3, -2)
        if self.rope is not None:
            if token_positions is None:
                token_positions = torch.arange(start, start + seq, device=x.device)
            # subtle: positions (..., seq) must broadcast against (..., heads, seq): add the heads dim.
            positions = token_positions.unsqueeze(-2)
            q, k = self.rope(q, positions), self.rope(k, positions)
        if kv_cache is not None:
            k, v = kv_cache.update(layer_idx, k, v)  # (..., kv_heads, start + seq, d_head)
        if self.num_kv_heads != self.num_heads:
            group = self.num_heads // self.num_kv_heads
            k = k.repeat_interleave(group, dim=-3)  # (..., heads, n_k, d_head)
            v = v.repeat_interleave(group, dim=-3)
        n_k = k.shape[-2]
        # Query i sits at position start + i of the cached sequence and may see keys 0 .. start + i.
        q_idx = torch.arange(start, start + seq, device=x.device)
        mask = torch.arange(n_k, device=x.device) <= q_idx[:, None]  # (seq, n_k)
        out = scaled_dot_product_attention(q, k, v, mask)  # (..., heads, seq, d_head)
        return self.output_proj(out.transpose(-3, -2).flatten(-2))
        # END SOLUTION
