"""Sliding-window causal attention (Child et al., 2019; Beltagy et al., 2020; Mistral 7B, Jiang et al., 2023):
query i sees only the last `window` positions, keys j with i - window < j <= i, and a KV cache that keeps only
those positions, so decoding memory stays bounded however long the sequence grows."""

from __future__ import annotations

import torch
from torch import Tensor

# The student release keeps these imports (their uses are stubbed out) to point at the pieces to reuse.
from a1_basics.nn.attention import MultiHeadSelfAttention, scaled_dot_product_attention  # noqa: F401


def sliding_window_mask(q_positions: Tensor, k_positions: Tensor, window: int) -> Tensor:
    """bool (n_q, n_k): True where query position q may attend to key position k, q - window < k <= q.

    q_positions: integer (n_q,), k_positions: integer (n_k,), positions in the sequence (not RoPE's). A window of 1
    sees only the query's own position; a window at least the sequence length is the plain causal mask. Raises
    ValueError for window < 1.
    """
    # BEGIN SOLUTION
    if window < 1:
        raise ValueError(f"a sliding window holds at least one position; got window={window}")
    diff = q_positions[:, None] - k_positions[None, :]  # (n_q, n_k): how far back key k lies
    return (diff >= 0) & (diff < window)
    # END SOLUTION


class SlidingWindowKVCache:
    """A KV cache that keeps, per layer, only the last `window` positions: a ring buffer of `window` slots, where
    position p lives in slot p % window.

    `update(layer_idx, k, v)` takes the new keys and values (*batch, num_kv_heads, new, d_head) (after RoPE, kv heads
    not repeated) and returns (keys, values, positions): the cached positions still inside the window of the
    first new query, in order, followed by the new ones, and their positions in the sequence (integer (n,)). Only
    the last `window` positions are kept afterwards. `keys[i]` and `values[i]` are layer i's buffers
    (*batch, num_kv_heads, window, d_head), allocated on the layer's first update (with the keys' batch dims,
    heads, d_head, dtype and device); `lengths[i]` counts every position the layer has seen (the RoPE offset of
    the next token), which may exceed `window`. `reset()` empties it. The cache holds no other tensor: its memory
    is 2 * window * num_kv_heads * d_head values per layer and batch row, whatever the sequence length.
    """

    def __init__(self, num_layers: int, window: int) -> None:
        # BEGIN SOLUTION
        if window < 1:
            raise ValueError(f"a sliding window holds at least one position; got window={window}")
        self.num_layers, self.window = num_layers, window
        self.keys: list[Tensor | None] = [None] * num_layers
        self.values: list[Tensor | None] = [None] * num_layers
        self.lengths: list[int] = [0] * num_layers
        # END SOLUTION

    def update(self, layer_idx: int, k: Tensor, v: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Appends k, v (*batch, num_kv_heads, new, d_head) to layer `layer_idx`; returns (keys, values, positions):
        the cached positions the first new query can still see, in order, then the new ones, and their positions
        (integer (n,)). Keeps only the last `window` positions afterwards."""
        # BEGIN SOLUTION
        start, new, w = self.lengths[layer_idx], k.shape[-2], self.window
        if self.keys[layer_idx] is None:
            self.keys[layer_idx] = torch.empty((*k.shape[:-2], w, k.shape[-1]), dtype=k.dtype, device=k.device)
            self.values[layer_idx] = torch.empty((*v.shape[:-2], w, v.shape[-1]), dtype=v.dtype, device=v.device)
        keys, values = self.keys[layer_idx], self.values[layer_idx]
        # The first new query (position start) sees back to start - w + 1: those old positions, read out of the
        # ring in order. Positions older than start - w were overwritten and are never needed again.
        old = torch.arange(max(0, start - w + 1), start, device=k.device)
        all_k = torch.cat([keys[..., old % w, :], k.detach()], dim=-2)
        all_v = torch.cat([values[..., old % w, :], v.detach()], dim=-2)
        # Keep the last min(new, w) new positions; subtle: a chunk longer than the window writes only its tail,
        # so no slot is written twice in one update.
        kept = min(new, w)
        slots = torch.arange(start + new - kept, start + new, device=k.device) % w
        keys[..., slots, :] = k.detach()[..., new - kept:, :]
        values[..., slots, :] = v.detach()[..., new - kept:, :]
        self.lengths[layer_idx] = start + new
        return all_k, all_v, torch.arange(start - len(old), start + new, device=k.device)
        # END SOLUTION

    def reset(self) -> None:
        """Forgets every cached position, so the cache can serve a new batch (of any shape)."""
        # BEGIN SOLUTION
        self.keys = [None] * self.num_layers
        self.values = [None] * self.num_layers
        self.lengths = [0] * self.num_layers
        # END SOLUTION


class SlidingWindowSelfAttention(MultiHeadSelfAttention):
    """Your MultiHeadSelfAttention (same parameters, state-dict names, RoPE and GQA) where query i sees only keys
    j with i - window < j <= i. `forward(x, token_positions=None, kv_cache=None, layer_idx=0)`: with a
    SlidingWindowKVCache, the new tokens sit at positions kv_cache.lengths[layer_idx] onwards (RoPE's default
    positions and the mask both count from there), and decoding equals the full forward under the same window.
    Raises ValueError for window < 1.
    """

    def __init__(self, d_model: int, num_heads: int, window: int, max_seq_len: int | None = None,
                 theta: float | None = None, num_kv_heads: int | None = None,
                 device: torch.device | str | None = None, dtype: torch.dtype | None = None) -> None:
        super().__init__(d_model, num_heads, max_seq_len=max_seq_len, theta=theta, num_kv_heads=num_kv_heads,
                         device=device, dtype=dtype)
        # BEGIN SOLUTION
        if window < 1:
            raise ValueError(f"a sliding window holds at least one position; got window={window}")
        self.window = window
        # END SOLUTION

    def forward(self, x: Tensor, token_positions: Tensor | None = None, kv_cache: SlidingWindowKVCache | None = None,
                layer_idx: int = 0) -> Tensor:
        # BEGIN SOLUTION
        seq = x.shape[-2]
        start = 0 if kv_cache is None else kv_cache.lengths[layer_idx]
        q = self.q_proj(x).unflatten(-1, (self.num_heads, self.d_head)).transpose(-3, -2)
        k = self.k_proj(x).unflatten(-1, (self.num_kv_heads, self.d_head)).transpose(-3, -2)
        v = self.v_proj(x).unflatten(-1, (self.num_kv_heads, self.d_head)).transpose(-3, -2)
        if self.rope is not None:
            if token_positions is None:
                token_positions = torch.arange(start, start + seq, device=x.device)
            positions = token_positions.unsqueeze(-2)  # broadcast over the heads dim
            q, k = self.rope(q, positions), self.rope(k, positions)
        q_pos = torch.arange(start, start + seq, device=x.device)
        if kv_cache is None:
            k_pos = q_pos
        else:
            k, v, k_pos = kv_cache.update(layer_idx, k, v)
        if self.num_kv_heads != self.num_heads:
            group = self.num_heads // self.num_kv_heads
            k, v = k.repeat_interleave(group, dim=-3), v.repeat_interleave(group, dim=-3)
        out = scaled_dot_product_attention(q, k, v, sliding_window_mask(q_pos, k_pos, self.window))
        return self.output_proj(out.transpose(-3, -2).flatten(-2))
        # END SOLUTION
