"""Naive data parallelism: after backward, one blocking all-reduce per parameter's gradient."""

from __future__ import annotations

from typing import Any

import torch.distributed as dist
from torch import nn

from a2_systems.distributed.broadcast import broadcast_module
from a2_systems.distributed.world import require_world


class DDPNaive(nn.Module):
    """Wraps `module` for data-parallel training on the default process group (HANDOUT.md §4.1).

    Construction broadcasts rank 0's parameters and buffers, so every rank starts from the same weights. Each
    rank then runs forward and backward on its own shard of the batch; `finish_gradient_synchronization()`,
    called after `loss.backward()` and before `optimizer.step()`, replaces every gradient by its mean over the
    ranks: one `dist.all_reduce` per parameter that has a gradient, in `module.parameters()` order. Parameters
    without a gradient (frozen ones) are left alone. The wrapped model is `.module`.

    Naive equivalent: one process training on the concatenation of every rank's batch (with a loss that is a
    mean over the batch and equal shards per rank).
    """

    def __init__(self, module: nn.Module) -> None:
        super().__init__()
        # BEGIN SOLUTION
        require_world("DDPNaive")
        self.module = module
        broadcast_module(module)
        # END SOLUTION

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The wrapped module's forward, unchanged."""
        # BEGIN SOLUTION
        return self.module(*args, **kwargs)
        # END SOLUTION

    def finish_gradient_synchronization(self) -> None:
        """Average every parameter's gradient over the ranks, in place (blocking)."""
        # BEGIN SOLUTION
        world_size = dist.get_world_size()
        for p in self.module.parameters():  # tied parameters appear once
            if p.grad is None:
                continue
            dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)
            p.grad.div_(world_size)
        # END SOLUTION
