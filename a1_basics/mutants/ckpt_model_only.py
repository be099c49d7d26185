"""A checkpoint of the model weights and iteration only, without the optimizer state.

Resuming then restarts AdamW's moments from zero (and its bias correction from step 1): the run continues,
but not as it would have without the interruption.
"""

import torch
from torch import nn

UNIT = "a1.checkpoint"
TARGET = "save_checkpoint"


def MUTANT(model: nn.Module, optimizer: torch.optim.Optimizer, iteration: int, out: object) -> None:
    fresh = type(optimizer)(model.parameters(), **optimizer.defaults)
    torch.save({"model": model.state_dict(), "optimizer": fresh.state_dict(), "iteration": iteration}, out)
