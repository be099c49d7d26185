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
    def forward(self, x: Tensor) -> Tensor:
        shape = x.shape
        tokens = x.reshape(-1, shape[-1])
        n = tokens.shape[0]
        logits = self.router(tokens)
        probs = softmax(logits.to(torch.promote_types(logits.dtype, torch.float32)), dim=-1)
        top_p, top_e = torch.topk(probs, self.top_k, dim=-1)
        gates = top_p
        choices = torch.zeros_like(probs)
        choices.scatter_(1, top_e, 1.0)
        f = choices.sum(dim=0) / (n * self.top_k)
        self.last_aux_loss = self.num_experts * (f * probs.mean(dim=0)).sum()
        keep = torch.ones_like(top_e, dtype=torch.bool)
        cap = self.capacity(n)
        if cap is not None:
            position = torch.cumsum(choices, dim=0) - choices
            keep = position.gather(1, top_e) < cap
        out = torch.zeros_like(tokens)
        for e, expert in enumerate(self.experts):
            rows, slots = torch.nonzero((top_e == e) & keep, as_tuple=True)
            if rows.numel() == 0:
                continue
            weighted = expert(tokens[rows]) * gates[rows, slots].unsqueeze(-1).to(tokens.dtype)
            out = out.index_add(0, rows, weighted)
        return out.reshape(shape)
