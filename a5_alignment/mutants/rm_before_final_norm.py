"""The head reads the last layer's output before ln_final (not the LM head's input)."""

from a5_alignment.reward_model import RewardModel

UNIT = "a5.reward_model"
TARGET = "RewardModel"


class MUTANT(RewardModel):
    def __init__(self, policy):
        super().__init__(policy)
        policy.ln_final.register_forward_hook(lambda mod, args, out: args[0])  # ln_final's input goes on
