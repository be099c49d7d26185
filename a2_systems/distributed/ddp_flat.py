"""Data parallelism with one all-reduce: every gradient flattened into a single buffer."""

from __future__ import annotations

from typing import Any

import torch
import torch.distributed as dist
from torch import nn

from a2_systems.distributed.ddp_naive import broadcast_module
from a2_systems.distributed.world import require_world


class DDPFlat(nn.Module):
    """As DDPNaive (HANDOUT.md §4.2), but `finish_gradient_synchronization()` concatenates every gradient into
    one flat buffer, issues a single `dist.all_reduce` on it, and copies the averaged slices back into the
    gradients. Fewer, larger messages: one latency instead of one per parameter.

    Only parameters that have a gradient take part (frozen ones are neither sent nor given a gradient).
    Naive equivalent: DDPNaive (same result up to float rounding).
    """

    def __init__(self, module: nn.Module) -> None:
        super().__init__()
        # BEGIN SOLUTION
        require_world("DDPFlat")
        self.module = module
        broadcast_module(module)
        # END SOLUTION

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The wrapped module's forward, unchanged."""
        # BEGIN SOLUTION
        return self.module(*args, **kwargs)
        # END SOLUTION

    def finish_gradient_synchronization(self) -> None:
        """Average every gradient over the ranks with one all-reduce of a flat buffer."""
        # BEGIN SOLUTION
        grads = [p.grad for p in self.module.parameters() if p.grad is not None]
        if not grads:
            return
        flat = torch.cat([g.reshape(-1) for g in grads])  # (sum of numels,)
        dist.all_reduce(flat, op=dist.ReduceOp.SUM)
        flat.div_(dist.get_world_size())
        offset = 0
        for g in grads:
            g.copy_(flat[offset:offset + g.numel()].view_as(g))
            offset += g.numel()
        # END SOLUTION
