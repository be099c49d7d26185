"""Gradient clipping by the global L2 norm over all parameters."""

from __future__ import annotations

from collections.abc import Iterable

import torch
from torch import Tensor, nn

EPS = 1e-6


def clip_gradients(parameters: Iterable[nn.Parameter], max_l2_norm: float) -> Tensor:
    """Scales every gradient in place by max_l2_norm / (‖g‖ + 1e-6) when ‖g‖ > max_l2_norm, where ‖g‖ is the L2
    norm of all gradients concatenated into one vector; leaves them unchanged otherwise. Parameters whose .grad
    is None are skipped. Returns ‖g‖ before clipping (a 0-d tensor, float32 or float64, for logging).

    Naive equivalent: torch.nn.utils.clip_grad_norm_(parameters, max_l2_norm) (same formula and epsilon).
    """
    # BEGIN SOLUTION
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return torch.tensor(0.0)
    # subtle: one norm over ALL gradients (sqrt of the sum of squared per-tensor norms), not one per tensor.
    total = torch.sqrt(sum(g.detach().to(torch.promote_types(g.dtype, torch.float32)).pow(2).sum() for g in grads))
    if total > max_l2_norm:
        scale = max_l2_norm / (total + EPS)
        for g in grads:
            g.mul_(scale.to(g.dtype))
    return total
    # END SOLUTION
