"""Sliding-window attention whose mask admits window + 1 keys per query (i - window <= j <= i).

The same fencepost slip as sliding_window_mask_off_by_one, made inside the attention (the layer builds its own
mask), so the forward and decoding cases must catch it, not only the mask case.
"""

import torch
from torch import Tensor

from a1_basics.nn import sliding_window as sw

UNIT = "a1.sliding_window"
TARGET = "SlidingWindowSelfAttention"


class MUTANT(sw.SlidingWindowSelfAttention):
    def forward(self, x: Tensor, token_positions: Tensor | None = None, kv_cache: object = None,
                layer_idx: int = 0) -> Tensor:
        self.window += 1  # the mask of window + 1, everything else as the reference
        try:
            return super().forward(x, token_positions, kv_cache, layer_idx)
        finally:
            self.window -= 1


del torch
