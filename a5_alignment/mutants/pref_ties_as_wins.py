"""The tie labels ignored: a tie is scored as if its first response were preferred (with the margin)."""

import torch.nn.functional as F

UNIT = "a5.preference_loss"
TARGET = "preference_loss"


def MUTANT(r_chosen, r_rejected, margin=0.0, tie=None):
    return -F.logsigmoid(r_chosen - r_rejected - margin).mean()
