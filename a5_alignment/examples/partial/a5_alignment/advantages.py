"""A student's group normalisation, with a bug: the biased std (divides by G, not G - 1)."""

from __future__ import annotations

import torch


def compute_group_normalized_rewards(reward_fn, rollout_responses, repeated_ground_truths, group_size,
                                     advantage_eps, normalize_by_std):
    rewards = torch.tensor([float(reward_fn(r, g)["reward"])
                            for r, g in zip(rollout_responses, repeated_ground_truths, strict=True)])
    if len(rewards) % group_size:
        raise ValueError("the number of responses must be a multiple of group_size")
    grouped = rewards.view(-1, group_size)
    adv = grouped - grouped.mean(dim=1, keepdim=True)
    if normalize_by_std:
        adv = adv / (grouped.std(dim=1, unbiased=False, keepdim=True) + advantage_eps)
    return adv.flatten(), rewards, {}
