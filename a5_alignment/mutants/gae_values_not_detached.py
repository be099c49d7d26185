"""GAE that lets gradients flow from the targets into the values (no detach)."""

import torch

from a5_alignment.gae import compute_gae

UNIT = "a5.gae"
TARGET = "compute_gae"


def MUTANT(rewards, values, response_mask, gamma, lam):
    adv, ret = compute_gae(rewards, values, response_mask, gamma, lam)
    zero = (values * 0.0).where(response_mask.bool(), torch.zeros_like(values))
    return adv + zero, ret + zero
