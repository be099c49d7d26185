"""PPO step not divided by gradient_accumulation_steps."""

from a5_alignment.ppo_losses import ppo_microbatch_train_step

UNIT = "a5.ppo_step"
TARGET = "ppo_microbatch_train_step"




def MUTANT(policy_log_probs, values, response_mask, old_log_probs, old_values, advantages, returns,
           gradient_accumulation_steps, cliprange, cliprange_value, vf_coef, token_entropy=None, ent_coef=0.0):
    if gradient_accumulation_steps < 1:
        raise ValueError("gradient_accumulation_steps must be >= 1")
    return ppo_microbatch_train_step(policy_log_probs, values, response_mask, old_log_probs, old_values,
                                     advantages, returns, 1, cliprange, cliprange_value, vf_coef, token_entropy,
                                     ent_coef)
