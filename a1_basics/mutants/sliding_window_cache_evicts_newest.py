"""Sliding-window KV cache that, once full, drops the new positions instead of the oldest ones.

It keeps the first `window` positions forever (a "full? then stop writing" buffer): decoding is right until the
sequence outgrows the window, then every query attends to stale keys from the start of the sequence.
"""

import torch
from torch import Tensor

from a1_basics.nn.sliding_window import SlidingWindowKVCache

UNIT = "a1.sliding_window"
TARGET = "SlidingWindowKVCache"


class MUTANT(SlidingWindowKVCache):
    def update(self, layer_idx: int, k: Tensor, v: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        start, new, w = self.lengths[layer_idx], k.shape[-2], self.window
        if self.keys[layer_idx] is None:
            self.keys[layer_idx] = torch.empty((*k.shape[:-2], w, k.shape[-1]), dtype=k.dtype)
            self.values[layer_idx] = torch.empty((*v.shape[:-2], w, v.shape[-1]), dtype=v.dtype)
        kept = min(start, w)  # the first `kept` positions, never evicted
        keys, values = self.keys[layer_idx], self.values[layer_idx]
        all_k = torch.cat([keys[..., :kept, :], k], dim=-2)
        all_v = torch.cat([values[..., :kept, :], v], dim=-2)
        room = max(0, w - start)
        keys[..., start:start + min(room, new), :] = k[..., :room, :]
        values[..., start:start + min(room, new), :] = v[..., :room, :]
        self.lengths[layer_idx] = start + new
        # it reports the positions it believes it returns: the newest ones
        return all_k, all_v, torch.arange(start + new - all_k.shape[-2], start + new)
