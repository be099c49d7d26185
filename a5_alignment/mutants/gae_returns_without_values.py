"""GAE returning the advantages as the value targets (returns = A instead of A + V)."""

from a5_alignment.gae import compute_gae

UNIT = "a5.gae"
TARGET = "compute_gae"


def MUTANT(rewards, values, response_mask, gamma, lam):
    adv, _ = compute_gae(rewards, values, response_mask, gamma, lam)
    return adv, adv
