"""GRPO step averaging over every position (prompt and padding too): the response mask ignored."""

from a5_alignment.pg_losses import compute_policy_gradient_loss

UNIT = "a5.grpo_step"
TARGET = "grpo_microbatch_train_step"


def MUTANT(policy_log_probs, response_mask, gradient_accumulation_steps, loss_type, raw_rewards=None,
           advantages=None, old_log_probs=None, cliprange=None):
    per_token, meta = compute_policy_gradient_loss(policy_log_probs, loss_type, raw_rewards, advantages,
                                                   old_log_probs, cliprange)
    loss = per_token.mean() / gradient_accumulation_steps
    loss.backward()
    return loss, meta
