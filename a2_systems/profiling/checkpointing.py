"""Activation checkpointing: keep only each segment's input, recompute the segment's insides in backward.

A plain forward saves every intermediate the backward needs: memory grows with depth x activations. Checkpointing
a segment of layers saves just its input; backward reruns the segment's forward (under grad) to rebuild what it
needs, then frees it. Memory falls from O(layers) activations to O(segments + layers per segment); the price is
one extra forward. With sqrt(L) segments of sqrt(L) layers both terms are O(sqrt(L)).
"""

from __future__ import annotations

from collections.abc import Sequence

from torch import Tensor, nn


class CheckpointedSequential(nn.Module):
    """Like nn.Sequential(*layers), but every run of `segment_size` consecutive layers is one checkpointed
    segment (the last may be shorter). Outputs and gradients equal nn.Sequential's. Use
    torch.utils.checkpoint.checkpoint with use_reentrant=False. segment_size >= 1."""

    def __init__(self, layers: Sequence[nn.Module], segment_size: int = 1) -> None:
        super().__init__()
        # BEGIN SOLUTION
        if segment_size < 1:
            raise ValueError(f"segment_size must be >= 1, got {segment_size}")
        self.layers = nn.ModuleList(layers)
        self.segment_size = segment_size
        # END SOLUTION

    def forward(self, x: Tensor) -> Tensor:
        # BEGIN SOLUTION
        from torch.utils.checkpoint import checkpoint

        for start in range(0, len(self.layers), self.segment_size):
            segment = self.layers[start:start + self.segment_size]
            x = checkpoint(_run_segment, segment, x, use_reentrant=False)
        return x
        # END SOLUTION


# BEGIN SOLUTION ONLY
def _run_segment(segment: nn.ModuleList, x: Tensor) -> Tensor:
    for layer in segment:
        x = layer(x)
    return x
# END SOLUTION ONLY
