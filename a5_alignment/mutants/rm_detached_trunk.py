"""The head on a detached trunk: the preference loss trains the head alone."""

from a5_alignment.reward_model import RewardModel

UNIT = "a5.reward_model"
TARGET = "RewardModel"


class MUTANT(RewardModel):
    def __init__(self, policy):
        super().__init__(policy)
        policy.ln_final.register_forward_hook(lambda mod, args, out: out.detach())
