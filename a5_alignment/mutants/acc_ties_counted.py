"""Labelled ties counted as correctly ordered pairs (ties counted as wins)."""

import torch

UNIT = "a5.preference_loss"
TARGET = "pairwise_accuracy"


def MUTANT(r_chosen, r_rejected, tie=None):
    if r_chosen.shape != r_rejected.shape or (tie is not None and bool(tie.all())):
        raise ValueError("bad input")
    right = (r_chosen > r_rejected).double() + 0.5 * (r_chosen == r_rejected).double()
    if tie is not None:
        right = torch.where(tie, torch.ones_like(right), right)
    return float(right.mean())
