"""-log sigmoid(d + margin): the margin makes the pair easier instead of demanding a gap."""

import torch
import torch.nn.functional as F

UNIT = "a5.preference_loss"
TARGET = "preference_loss"


def MUTANT(r_chosen, r_rejected, margin=0.0, tie=None):
    d = r_chosen - r_rejected
    tie = torch.zeros_like(d, dtype=torch.bool) if tie is None else tie
    return torch.where(tie, -0.5 * (F.logsigmoid(d) + F.logsigmoid(-d)), -F.logsigmoid(d + margin)).mean()
