"""The margin subtracted inside the tie term too: ties are pulled to d = margin instead of d = 0."""

import torch
import torch.nn.functional as F

UNIT = "a5.preference_loss"
TARGET = "preference_loss"


def MUTANT(r_chosen, r_rejected, margin=0.0, tie=None):
    x = r_chosen - r_rejected - margin
    tie = torch.zeros_like(x, dtype=torch.bool) if tie is None else tie
    return torch.where(tie, -0.5 * (F.logsigmoid(x) + F.logsigmoid(-x)), -F.logsigmoid(x)).mean()
