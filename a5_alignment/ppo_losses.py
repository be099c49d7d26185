"""PPO's losses for a language model with a value head (HANDOUT.md §10.4): the clipped value loss and the
microbatch step that adds it to the clipped policy surrogate of §4.2, with per-token advantages from GAE."""

from __future__ import annotations

import torch
from torch import Tensor

from a5_alignment.masked import masked_mean
from a5_alignment.pg_losses import compute_grpo_clip_loss


def compute_value_loss(values: Tensor, old_values: Tensor, returns: Tensor, response_mask: Tensor,
                       cliprange_value: float) -> tuple[Tensor, dict[str, Tensor]]:
    """The clipped value loss of PPO (as in OpenAI's baselines), a masked mean over all response tokens:

        V_clip = old_values + clip(values - old_values, -cliprange_value, +cliprange_value)
        loss   = 0.5 * masked_mean( max((values - returns)^2, (V_clip - returns)^2) )

    values (with gradient), old_values, returns, response_mask: (batch, seq). Returns (loss (scalar), {"clipped":
    bool (batch, seq), True where the clipped error is strictly larger, i.e. the one taken}). Raises ValueError
    on shape mismatches or cliprange_value < 0.
    """
    # BEGIN SOLUTION
    if cliprange_value < 0:
        raise ValueError(f"cliprange_value must be >= 0, got {cliprange_value}")
    shapes = {tuple(t.shape) for t in (values, old_values, returns, response_mask)}
    if len(shapes) != 1:
        raise ValueError(f"values, old_values, returns and response_mask must share one shape, got {shapes}")
    old, ret = old_values.detach(), returns.detach()
    v_clip = old + torch.clamp(values - old, -cliprange_value, cliprange_value)
    unclipped, clipped = (values - ret) ** 2, (v_clip - ret) ** 2
    return 0.5 * masked_mean(torch.maximum(unclipped, clipped), response_mask), {"clipped": clipped > unclipped}
    # END SOLUTION


def ppo_microbatch_train_step(policy_log_probs: Tensor, values: Tensor, response_mask: Tensor,
                              old_log_probs: Tensor, old_values: Tensor, advantages: Tensor, returns: Tensor,
                              gradient_accumulation_steps: int, cliprange: float, cliprange_value: float,
                              vf_coef: float, token_entropy: Tensor | None = None,
                              ent_coef: float = 0.0) -> tuple[Tensor, dict[str, Tensor]]:
    """One PPO microbatch, every tensor (batch, seq), advantages per token:

        policy_loss = masked_mean(compute_grpo_clip_loss(advantages, log_probs, old_log_probs, cliprange))
        value_loss  = compute_value_loss(values, old_values, returns, response_mask, cliprange_value)
        loss = (policy_loss + vf_coef * value_loss - ent_coef * masked_mean(token_entropy))
               / gradient_accumulation_steps

    where masked_mean is over ALL response tokens of the microbatch (a token-level mean, not per sequence as in
    §4.3). Calls loss.backward() and returns (loss, metadata) with detached scalars "policy_loss", "value_loss",
    "clip_fraction", "value_clip_fraction" and "approx_kl" (masked mean of old_log_probs - log_probs).
    Raises ValueError when gradient_accumulation_steps < 1, shapes differ, or ent_coef > 0 without
    token_entropy.
    """
    # BEGIN SOLUTION
    if gradient_accumulation_steps < 1:
        raise ValueError(f"gradient_accumulation_steps must be >= 1, got {gradient_accumulation_steps}")
    shapes = {tuple(t.shape) for t in (policy_log_probs, values, response_mask, old_log_probs, old_values,
                                      advantages, returns)}
    if len(shapes) != 1:
        raise ValueError(f"every PPO tensor must be (batch, seq) of one shape, got {shapes}")
    if ent_coef > 0 and token_entropy is None:
        raise ValueError("ent_coef > 0 needs token_entropy (batch, seq)")
    per_token, clip_meta = compute_grpo_clip_loss(advantages.detach(), policy_log_probs, old_log_probs.detach(),
                                                  cliprange)
    policy_loss = masked_mean(per_token, response_mask)
    value_loss, v_meta = compute_value_loss(values, old_values, returns, response_mask, cliprange_value)
    loss = policy_loss + vf_coef * value_loss
    if ent_coef > 0:
        loss = loss - ent_coef * masked_mean(token_entropy, response_mask)  # type: ignore[arg-type]
    loss = loss / gradient_accumulation_steps
    loss.backward()
    with torch.no_grad():
        meta = {"policy_loss": policy_loss.detach(), "value_loss": value_loss.detach(),
                "clip_fraction": masked_mean(clip_meta["clipped"].float(), response_mask),
                "value_clip_fraction": masked_mean(v_meta["clipped"].float(), response_mask),
                "approx_kl": masked_mean(old_log_probs - policy_log_probs.detach(), response_mask)}
    return loss, meta
    # END SOLUTION
