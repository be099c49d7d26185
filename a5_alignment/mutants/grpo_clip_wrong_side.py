"""GRPO-clip taking the max of the two surrogates (the optimistic side) instead of the min."""

import torch

UNIT = "a5.pg_losses"
TARGET = "compute_grpo_clip_loss"


def MUTANT(advantages, policy_log_probs, old_log_probs, cliprange):
    ratio = torch.exp(policy_log_probs - old_log_probs)
    clipped = torch.clamp(ratio, 1 - cliprange, 1 + cliprange) * advantages
    return -torch.maximum(ratio * advantages, clipped), {}
