"""MoE whose router softmax normalises over the tokens (dim 0) instead of over the experts (dim -1).

The (T, E) logits are a 2-D matrix and dim=0 looks plausible; the probabilities then compare tokens, not experts.
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
        probs = softmax(logits.to(torch.promote_types(logits.dtype, torch.float32)), dim=0)  # over the tokens
        top_p, top_e = torch.topk(probs, self.top_k, dim=-1)
        return probs, top_e, top_p / top_p.sum(dim=-1, keepdim=True)
