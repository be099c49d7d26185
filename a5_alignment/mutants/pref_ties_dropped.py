"""Ties excluded: the mean over the preferred pairs only (the other common rule, not the one pinned)."""

import torch
import torch.nn.functional as F

UNIT = "a5.preference_loss"
TARGET = "preference_loss"


def MUTANT(r_chosen, r_rejected, margin=0.0, tie=None):
    keep = torch.ones_like(r_chosen, dtype=torch.bool) if tie is None else ~tie
    m = torch.as_tensor(margin, dtype=r_chosen.dtype).expand(r_chosen.shape)
    return -F.logsigmoid((r_chosen - r_rejected - m)[keep]).mean()
