"""Sliding-window mask that lets query i see keys i - window .. i: window + 1 positions (<= where < belongs).

The classic fencepost slip of `i - k <= window` for `i - k < window`: every query reads one key too many, so
outputs differ wherever a sequence is longer than the window.
"""

from torch import Tensor

UNIT = "a1.sliding_window"
TARGET = "sliding_window_mask"


def MUTANT(q_positions: Tensor, k_positions: Tensor, window: int) -> Tensor:  # noqa: N802 - the mutant's name
    if window < 1:
        raise ValueError(f"window={window}")
    diff = q_positions[:, None] - k_positions[None, :]
    return (diff >= 0) & (diff <= window)
