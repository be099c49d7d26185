"""MoE whose load-balancing loss omits the num_experts factor of Switch Transformer's eq. 4 (sum_e f_e P_e).

Without the factor the balanced loss is 1/E instead of 1, so its scale (and the right coefficient) changes with
the number of experts; an easy term to drop when reading the formula.
"""

from torch import Tensor

from a1_basics.nn.moe import MoEFeedForward

UNIT = "a1.moe"
TARGET = "MoEFeedForward"


class MUTANT(MoEFeedForward):
    def aux_loss(self, probs: Tensor, top_e: Tensor) -> Tensor:
        return super().aux_loss(probs, top_e) / self.num_experts
