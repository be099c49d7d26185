"""The sum over pairs instead of the mean: the loss and the gradients scale with the batch."""

import torch
import torch.nn.functional as F

UNIT = "a5.preference_loss"
TARGET = "preference_loss"


def MUTANT(r_chosen, r_rejected, margin=0.0, tie=None):
    d = r_chosen - r_rejected
    tie = torch.zeros_like(d, dtype=torch.bool) if tie is None else tie
    return torch.where(tie, -0.5 * (F.logsigmoid(d) + F.logsigmoid(-d)), -F.logsigmoid(d - margin)).sum()
