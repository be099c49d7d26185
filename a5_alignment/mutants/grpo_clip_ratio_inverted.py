"""Importance ratio inverted: old / new instead of new / old."""

import torch

UNIT = "a5.pg_losses"
TARGET = "compute_grpo_clip_loss"


def MUTANT(advantages, policy_log_probs, old_log_probs, cliprange):
    ratio = torch.exp(old_log_probs - policy_log_probs)
    clipped = torch.clamp(ratio, 1 - cliprange, 1 + cliprange) * advantages
    return -torch.minimum(ratio * advantages, clipped), {}
