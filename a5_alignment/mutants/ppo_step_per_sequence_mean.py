"""PPO step averaging per sequence, then over the batch (GRPO's §4.3 reduction) instead of one token-level
masked mean over the microbatch."""

import torch

from a5_alignment.masked import masked_mean
from a5_alignment.pg_losses import compute_grpo_clip_loss

UNIT = "a5.ppo_step"
TARGET = "ppo_microbatch_train_step"


def MUTANT(policy_log_probs, values, response_mask, old_log_probs, old_values, advantages, returns,
           gradient_accumulation_steps, cliprange, cliprange_value, vf_coef, token_entropy=None, ent_coef=0.0):
    if gradient_accumulation_steps < 1:
        raise ValueError("gradient_accumulation_steps must be >= 1")
    per_token, _ = compute_grpo_clip_loss(advantages, policy_log_probs, old_log_probs, cliprange)
    v_clip = old_values + torch.clamp(values - old_values, -cliprange_value, cliprange_value)
    v_err = 0.5 * torch.maximum((values - returns) ** 2, (v_clip - returns) ** 2)
    per_token = per_token + vf_coef * v_err
    if ent_coef > 0:
        per_token = per_token - ent_coef * token_entropy
    loss = masked_mean(per_token, response_mask, dim=-1).mean() / gradient_accumulation_steps
    loss.backward()
    return loss, {}
