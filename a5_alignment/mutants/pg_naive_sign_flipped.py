"""REINFORCE loss with the sign flipped: gradient descent would then lower the reward."""

UNIT = "a5.pg_losses"
TARGET = "compute_naive_policy_gradient_loss"


def MUTANT(raw_rewards_or_advantages, policy_log_probs):
    return raw_rewards_or_advantages * policy_log_probs
