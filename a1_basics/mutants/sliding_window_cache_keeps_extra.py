"""Sliding-window KV cache with window + 1 slots: it decodes correctly, but holds one position more than needed.

Outputs are right (the mask hides the extra key), so only the memory bound catches it: the cache must never hold
more than `window` positions.
"""

from a1_basics.nn.sliding_window import SlidingWindowKVCache

UNIT = "a1.sliding_window"
TARGET = "SlidingWindowKVCache"


class MUTANT(SlidingWindowKVCache):
    def __init__(self, num_layers: int, window: int) -> None:
        super().__init__(num_layers, window + 1)  # a ring of window + 1 slots; the attention's mask uses its own
