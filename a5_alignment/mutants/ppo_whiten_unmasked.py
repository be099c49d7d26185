"""Whitening with the mean and variance of every element, padding and prompt included."""

import torch

UNIT = "a5.ppo_rewards"
TARGET = "masked_whiten"


def MUTANT(x, mask, eps=1e-8):
    m = mask.bool()
    return torch.where(m, (x - x.mean()) * torch.rsqrt(x.var(unbiased=False) + eps), 0.0)
