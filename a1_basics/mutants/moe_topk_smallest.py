"""MoE whose router picks the top_k *least* probable experts (torch.topk with largest=False).

A sign slip (sorting ascending, or taking the last k of an ascending argsort) that still gives valid, normalised
gates.
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
        top_p, top_e = torch.topk(probs, self.top_k, dim=-1, largest=False)
        return probs, top_e, top_p / top_p.sum(dim=-1, keepdim=True)
