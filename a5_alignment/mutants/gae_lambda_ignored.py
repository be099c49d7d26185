"""GAE with lambda ignored (always 1): Monte-Carlo advantages whatever lam is."""

from a5_alignment.gae import compute_gae

UNIT = "a5.gae"
TARGET = "compute_gae"


def MUTANT(rewards, values, response_mask, gamma, lam):
    return compute_gae(rewards, values, response_mask, gamma, 1.0)
