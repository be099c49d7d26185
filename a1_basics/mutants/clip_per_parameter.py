"""Clipping each parameter's gradient by its own norm instead of the global norm over all of them.

The per-tensor version (common in older code and an easy misreading of "clip the gradient") changes the
direction of the overall update; the global version only rescales it.
"""

from collections.abc import Iterable

import torch
from torch import Tensor, nn

UNIT = "a1.clipping"
TARGET = "clip_gradients"


def MUTANT(parameters: Iterable[nn.Parameter], max_l2_norm: float) -> Tensor:
    grads = [p.grad for p in parameters if p.grad is not None]
    total = torch.sqrt(sum(g.pow(2).sum() for g in grads))
    for g in grads:
        norm = g.norm()
        if norm > max_l2_norm:
            g.mul_(max_l2_norm / (norm + 1e-6))
    return total
