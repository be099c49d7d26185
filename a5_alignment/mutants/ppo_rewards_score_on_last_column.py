"""Reward shaping that puts the score on the row's last column (a pad position when the row is padded) instead
of the last response token."""

import torch

UNIT = "a5.ppo_rewards"
TARGET = "shape_rewards"


def MUTANT(scores, response_mask, policy_log_probs=None, ref_log_probs=None, kl_coef=0.0):
    if kl_coef > 0 and (policy_log_probs is None or ref_log_probs is None):
        raise ValueError("kl_coef > 0 needs both log-prob tensors")
    m = response_mask.bool()
    r = torch.zeros(m.shape)
    if kl_coef > 0:
        r = torch.where(m, -kl_coef * (policy_log_probs - ref_log_probs), r)
    r[:, -1] += scores.float()
    return r
