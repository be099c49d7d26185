"""Entropy through exp(logits) without subtracting the max: NaN for large logits."""

import torch

UNIT = "a5.entropy"
TARGET = "compute_entropy"


def MUTANT(logits):
    e = torch.exp(logits)
    p = e / e.sum(-1, keepdim=True)
    return -(p * torch.log(p)).sum(-1)
