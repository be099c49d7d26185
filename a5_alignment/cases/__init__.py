"""The visible cases of a5: one module per concept, summed into the assignment's SUITE."""

from a5_alignment.cases import dpo, gae, log_probs, losses, masked, ppo, rewards, steps, tokenization

SUITE = (tokenization.SUITE + log_probs.SUITE + masked.SUITE + steps.SUITE + rewards.SUITE + losses.SUITE
         + dpo.SUITE + gae.SUITE + ppo.SUITE)
