"""MoE whose gates are the raw top-k probabilities, not renormalised to sum to 1 over the chosen experts.

Switch Transformer (top-1) multiplies by the raw probability and GShard/Mixtral renormalise; students mix the two
conventions. The handout pins renormalisation, so with top_k >= 2 the output is scaled by the chosen mass.
"""

import torch
from torch import Tensor

from a1_basics.nn.activations import softmax
from a1_basics.nn.moe import MoEFeedForward

UNIT = "a1.moe"
TARGET = "MoEFeedForward"


class MUTANT(MoEFeedForward):
    def route(self, tokens: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        logits = self.router(tokens)
        probs = softmax(logits.to(torch.promote_types(logits.dtype, torch.float32)), dim=-1)
        top_p, top_e = torch.topk(probs, self.top_k, dim=-1)
        return probs, top_e, top_p  # the raw probabilities as gates
