"""MoE whose load-balancing f_e counts only the tokens an expert kept after the capacity, not the router's choices.

The handout pins f_e before dropping (the router's decision, as Switch Transformer's implementation does); after
dropping, an overloaded expert looks less overloaded and the loss pushes back less.
"""

import torch
from torch import Tensor

from a1_basics.nn.moe import MoEFeedForward

UNIT = "a1.moe"
TARGET = "MoEFeedForward"


class MUTANT(MoEFeedForward):
    def aux_loss(self, probs: Tensor, top_e: Tensor) -> Tensor:
        keep = self.kept(top_e)
        choices = torch.zeros_like(probs)
        choices.scatter_add_(1, top_e, keep.to(probs.dtype))  # only the choices the capacity kept
        f = choices.sum(dim=0) / top_e.numel()
        return self.num_experts * (f * probs.mean(dim=0)).sum()
