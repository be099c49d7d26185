"""reinforce_with_baseline fed the raw rewards instead of the advantages (no baseline at all)."""

from a5_alignment.pg_losses import compute_grpo_clip_loss

UNIT = "a5.pg_losses"
TARGET = "compute_policy_gradient_loss"


def MUTANT(policy_log_probs, loss_type, raw_rewards=None, advantages=None, old_log_probs=None, cliprange=None):
    if loss_type in ("no_baseline", "reinforce_with_baseline"):
        return -raw_rewards * policy_log_probs, {}
    if loss_type == "grpo_clip":
        return compute_grpo_clip_loss(advantages, policy_log_probs, old_log_probs, cliprange)
    raise ValueError(loss_type)
