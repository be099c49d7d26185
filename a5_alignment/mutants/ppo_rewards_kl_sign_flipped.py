"""Reward shaping that rewards drifting from the reference: +kl_coef * (logp - logp_ref)."""

from a5_alignment.gae import shape_rewards

UNIT = "a5.ppo_rewards"
TARGET = "shape_rewards"


def MUTANT(scores, response_mask, policy_log_probs=None, ref_log_probs=None, kl_coef=0.0):
    if kl_coef > 0:
        return shape_rewards(scores, response_mask, ref_log_probs, policy_log_probs, kl_coef)
    return shape_rewards(scores, response_mask, policy_log_probs, ref_log_probs, kl_coef)
