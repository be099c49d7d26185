"""Policy-gradient losses per token (REINFORCE without and with a baseline, GRPO-clip) and the GRPO
microbatch step (HANDOUT.md §4.2-§4.4). Losses are *per token*: (batch, seq); the step reduces them."""

from __future__ import annotations

from typing import Literal

import torch
from torch import Tensor

from a5_alignment.masked import masked_mean

LossType = Literal["no_baseline", "reinforce_with_baseline", "grpo_clip"]


def compute_naive_policy_gradient_loss(raw_rewards_or_advantages: Tensor, policy_log_probs: Tensor) -> Tensor:
    """-A * log pi(o_t): A (batch, 1) broadcast over policy_log_probs (batch, seq) -> (batch, seq).
    Its gradient is the REINFORCE estimator; A is a constant (no gradient flows into it)."""
    # BEGIN SOLUTION
    return -raw_rewards_or_advantages.detach() * policy_log_probs
    # END SOLUTION


def compute_grpo_clip_loss(advantages: Tensor, policy_log_probs: Tensor, old_log_probs: Tensor,
                           cliprange: float) -> tuple[Tensor, dict[str, Tensor]]:
    """The clipped surrogate (PPO, Schulman et al., 2017, eq. 7), per token:

        ratio = exp(log_probs - old_log_probs)
        loss  = -min(ratio * A, clip(ratio, 1 - cliprange, 1 + cliprange) * A)

    advantages (batch, 1); log-prob tensors (batch, seq). Returns (loss (batch, seq), {"clipped": bool
    (batch, seq), True where the clipped term is strictly smaller, i.e. the one taken}).
    """
    # BEGIN SOLUTION
    ratio = torch.exp(policy_log_probs - old_log_probs)  # (batch, seq)
    unclipped = ratio * advantages
    clipped = torch.clamp(ratio, 1.0 - cliprange, 1.0 + cliprange) * advantages
    return -torch.minimum(unclipped, clipped), {"clipped": clipped < unclipped}
    # END SOLUTION


def compute_policy_gradient_loss(policy_log_probs: Tensor, loss_type: LossType, raw_rewards: Tensor | None = None,
                                 advantages: Tensor | None = None, old_log_probs: Tensor | None = None,
                                 cliprange: float | None = None) -> tuple[Tensor, dict[str, Tensor]]:
    """Dispatches on loss_type: "no_baseline" (naive loss on raw_rewards), "reinforce_with_baseline" (naive loss
    on advantages), "grpo_clip" (clip loss on advantages, old_log_probs, cliprange). Returns (loss (batch, seq),
    metadata). Raises ValueError for an unknown loss_type or a missing argument that the type needs."""
    # BEGIN SOLUTION
    def need(name: str, value: object) -> None:
        if value is None:
            raise ValueError(f"loss_type={loss_type!r} needs {name}")

    if loss_type == "no_baseline":
        need("raw_rewards", raw_rewards)
        return compute_naive_policy_gradient_loss(raw_rewards, policy_log_probs), {}
    if loss_type == "reinforce_with_baseline":
        need("advantages", advantages)
        return compute_naive_policy_gradient_loss(advantages, policy_log_probs), {}
    if loss_type == "grpo_clip":
        need("advantages", advantages)
        need("old_log_probs", old_log_probs)
        need("cliprange", cliprange)
        return compute_grpo_clip_loss(advantages, policy_log_probs, old_log_probs, cliprange)
    raise ValueError(f"unknown loss_type {loss_type!r}; use 'no_baseline', 'reinforce_with_baseline' or "
                     f"'grpo_clip'")
    # END SOLUTION


def grpo_microbatch_train_step(policy_log_probs: Tensor, response_mask: Tensor, gradient_accumulation_steps: int,
                               loss_type: LossType, raw_rewards: Tensor | None = None,
                               advantages: Tensor | None = None, old_log_probs: Tensor | None = None,
                               cliprange: float | None = None) -> tuple[Tensor, dict[str, Tensor]]:
    """Per-token loss from compute_policy_gradient_loss, averaged over each sequence's response tokens
    (masked_mean over dim -1), then over the batch, divided by gradient_accumulation_steps; calls
    loss.backward() and returns (loss, metadata) (the loss function's metadata)."""
    # BEGIN SOLUTION
    if gradient_accumulation_steps < 1:
        raise ValueError(f"gradient_accumulation_steps must be >= 1, got {gradient_accumulation_steps}")
    per_token, meta = compute_policy_gradient_loss(policy_log_probs, loss_type, raw_rewards, advantages,
                                                   old_log_probs, cliprange)
    loss = masked_mean(per_token, response_mask, dim=-1).mean() / gradient_accumulation_steps
    loss.backward()
    return loss, meta
    # END SOLUTION
