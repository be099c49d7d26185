"""normalize_by_std ignored: always divides by the std."""

import torch

UNIT = "a5.group_rewards"
TARGET = "compute_group_normalized_rewards"


def MUTANT(reward_fn, rollout_responses, repeated_ground_truths, group_size, advantage_eps, normalize_by_std):
    pairs = zip(rollout_responses, repeated_ground_truths, strict=True)
    raw = torch.tensor([float(reward_fn(r, g)["reward"]) for r, g in pairs])
    groups = raw.view(-1, group_size)
    a = (groups - groups.mean(-1, keepdim=True)) / (groups.std(-1, keepdim=True) + advantage_eps)
    return a.reshape(-1), raw, {}
