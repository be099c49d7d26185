"""torch.log(torch.sigmoid(x)): sigmoid(-150) is 0 in float32, so the loss is inf and the gradient NaN."""

import torch

UNIT = "a5.preference_loss"
TARGET = "preference_loss"


def MUTANT(r_chosen, r_rejected, margin=0.0, tie=None):
    d = r_chosen - r_rejected
    tie = torch.zeros_like(d, dtype=torch.bool) if tie is None else tie
    ls = lambda x: torch.log(torch.sigmoid(x))  # noqa: E731
    return torch.where(tie, -0.5 * (ls(d) + ls(-d)), -ls(d - margin)).mean()
