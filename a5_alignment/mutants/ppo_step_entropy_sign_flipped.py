"""PPO step that adds the entropy term (an entropy penalty) instead of subtracting it (a bonus)."""

from a5_alignment.ppo_losses import ppo_microbatch_train_step

UNIT = "a5.ppo_step"
TARGET = "ppo_microbatch_train_step"


def MUTANT(policy_log_probs, values, response_mask, old_log_probs, old_values, advantages, returns,
           gradient_accumulation_steps, cliprange, cliprange_value, vf_coef, token_entropy=None, ent_coef=0.0):
    ent = None if token_entropy is None else -token_entropy
    return ppo_microbatch_train_step(policy_log_probs, values, response_mask, old_log_probs, old_values,
                                     advantages, returns, gradient_accumulation_steps, cliprange, cliprange_value,
                                     vf_coef, ent, ent_coef)
