"""A plain nn.Sequential: right values, but every activation is kept (nothing is recomputed in backward)."""

from torch import nn

UNIT = "a2.checkpointing"
TARGET = "CheckpointedSequential"


class MUTANT(nn.Module):
    def __init__(self, layers, segment_size=1):
        super().__init__()
        if segment_size < 1:
            raise ValueError("segment_size must be >= 1")
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x)
