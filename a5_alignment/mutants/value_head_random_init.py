"""A value head left at torch.nn.Linear's default (random) initialisation instead of zero."""

import torch

from a5_alignment.value_head import PolicyWithValue

UNIT = "a5.value_head"
TARGET = "PolicyWithValue"


class MUTANT(PolicyWithValue):
    def __init__(self, policy):
        super().__init__(policy)
        self.value_head = torch.nn.Linear(policy.config.d_model, 1)
