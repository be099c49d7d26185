"""Group-normalised rewards, GRPO's advantage estimate (Shao et al., 2024, DeepSeekMath §4.1.2): each rollout's
reward relative to the other rollouts of the same prompt (HANDOUT.md §4.1)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import Tensor


def compute_group_normalized_rewards(reward_fn: Callable[[str, str], dict[str, float]],
                                     rollout_responses: Sequence[str], repeated_ground_truths: Sequence[str],
                                     group_size: int, advantage_eps: float,
                                     normalize_by_std: bool) -> tuple[Tensor, Tensor, dict[str, float]]:
    """Scores every response with reward_fn(response, ground_truth)["reward"] and normalises within groups of
    `group_size` consecutive rollouts (one prompt each):

        A_i = (r_i - mean(group)) / (std(group) + advantage_eps)   if normalize_by_std
        A_i =  r_i - mean(group)                                    otherwise

    std is the unbiased sample std (divides by group_size - 1, as torch.std). Returns (advantages (n,),
    raw_rewards (n,), metadata) with float32 tensors and metadata holding "reward_mean", "reward_std",
    "reward_max", "reward_min" of the raw rewards. Raises ValueError when n is not a multiple of group_size,
    or the two lists differ in length.
    """
    # BEGIN SOLUTION
    n = len(rollout_responses)
    if n != len(repeated_ground_truths):
        raise ValueError(f"{n} responses but {len(repeated_ground_truths)} ground truths: repeat each ground "
                         f"truth group_size times")
    if group_size < 1 or n % group_size != 0:
        raise ValueError(f"the number of responses ({n}) must be a positive multiple of group_size ({group_size})")
    raw = torch.tensor([float(reward_fn(r, g)["reward"]) for r, g in
                        zip(rollout_responses, repeated_ground_truths, strict=True)], dtype=torch.float32)
    groups = raw.view(-1, group_size)  # (n_prompts, group_size)
    centred = groups - groups.mean(dim=-1, keepdim=True)
    if normalize_by_std:
        centred = centred / (groups.std(dim=-1, keepdim=True) + advantage_eps)
    meta = {"reward_mean": float(raw.mean()), "reward_std": float(raw.std()) if n > 1 else 0.0,
            "reward_max": float(raw.max()), "reward_min": float(raw.min())}
    return centred.reshape(-1), raw, meta
    # END SOLUTION
