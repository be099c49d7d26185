"""Ignores segment_size and checkpoints the whole stack as one segment: correct values, wrong memory profile."""

from torch import nn
from torch.utils.checkpoint import checkpoint

UNIT = "a2.checkpointing"
TARGET = "CheckpointedSequential"


class MUTANT(nn.Module):
    def __init__(self, layers, segment_size=1):
        super().__init__()
        if segment_size < 1:
            raise ValueError("segment_size must be >= 1")
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return checkpoint(self.layers, x, use_reentrant=False)
