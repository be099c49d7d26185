"""The reward read at the last column of every row, whatever its length: a padded row is scored at a pad."""

from a5_alignment.reward_model import RewardModel

UNIT = "a5.reward_model"
TARGET = "RewardModel"


class MUTANT(RewardModel):
    def forward(self, input_ids, lengths=None):
        return super().forward(input_ids, None)
