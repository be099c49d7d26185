"""A key/value cache for incremental decoding: each attention layer appends the keys and values of the new
tokens, so generating one more token costs one position of work instead of recomputing the whole prefix."""

from __future__ import annotations

import torch
from torch import Tensor


class KVCache:
    """Keys and values of every attention layer, preallocated to `max_seq_len` positions.

    After `update`, layer i holds keys[i] and values[i] of shape (*batch, num_kv_heads, max_seq_len, d_head),
    of which the first lengths[i] positions are filled (keys after RoPE, kv heads not repeated for GQA). The
    buffers are allocated on the first update of a layer, taking batch dims, heads, d_head, dtype and device
    from the keys it is given. A cache belongs to one batch of sequences: call `reset()` before reusing it.
    It is for inference: the cached tensors are detached from autograd.

    Usage: `cache = KVCache(num_layers, max_seq_len)`, then `model(prompt, kv_cache=cache)` and
    `model(next_token, kv_cache=cache)` for each new token; the logits equal those of `model(full_sequence)`.
    Naive equivalent: keep a Python list of every key and value and torch.cat them on each step.
    """

    def __init__(self, num_layers: int, max_seq_len: int) -> None:
        # BEGIN SOLUTION
        self.num_layers, self.max_seq_len = num_layers, max_seq_len
        self.keys: list[Tensor | None] = [None] * num_layers
        self.values: list[Tensor | None] = [None] * num_layers
        self.lengths: list[int] = [0] * num_layers  # positions filled, per layer
        # END SOLUTION

    def update(self, layer_idx: int, k: Tensor, v: Tensor) -> tuple[Tensor, Tensor]:
        """Appends k, v (*batch, num_kv_heads, new, d_head) to layer `layer_idx` and returns that layer's keys
        and values for every position so far, (*batch, num_kv_heads, lengths[layer_idx], d_head). Raises
        ValueError when the cache would exceed max_seq_len positions."""
        # BEGIN SOLUTION
        start, new = self.lengths[layer_idx], k.shape[-2]
        if start + new > self.max_seq_len:
            raise ValueError(f"KVCache holds at most {self.max_seq_len} positions; {start} cached + {new} new "
                             f"would exceed it")
        if self.keys[layer_idx] is None:
            shape = (*k.shape[:-2], self.max_seq_len, k.shape[-1])
            self.keys[layer_idx] = torch.empty(shape, dtype=k.dtype, device=k.device)
            self.values[layer_idx] = torch.empty((*v.shape[:-2], self.max_seq_len, v.shape[-1]), dtype=v.dtype,
                                                 device=v.device)
        keys, values = self.keys[layer_idx], self.values[layer_idx]
        # subtle: detach, so a cache filled under autograd does not keep every step's graph alive.
        keys[..., start:start + new, :] = k.detach()
        values[..., start:start + new, :] = v.detach()
        self.lengths[layer_idx] = start + new
        return keys[..., :start + new, :], values[..., :start + new, :]
        # END SOLUTION

    def reset(self) -> None:
        """Forgets every cached position, so the cache can serve a new batch (of any shape)."""
        # BEGIN SOLUTION
        self.keys = [None] * self.num_layers
        self.values = [None] * self.num_layers
        self.lengths = [0] * self.num_layers
        # END SOLUTION
