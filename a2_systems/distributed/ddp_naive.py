"""Naive data parallelism: broadcast rank 0's weights at construction (`broadcast_module`, reused by every
wrapper), then after backward one blocking all-reduce per parameter's gradient."""

from __future__ import annotations

from typing import Any

import torch.distributed as dist
from torch import nn

from a2_systems.distributed.world import require_world


def broadcast_module(module: nn.Module, src: int = 0) -> None:
    """Overwrite, in place, every parameter and buffer of `module` on every rank with rank `src`'s values.

    Frozen parameters (requires_grad=False) are broadcast too: they are part of the model every rank must agree
    on. A tied parameter (one tensor reachable under two names) is broadcast once. Collective: every rank of the
    default process group must call it, with the same module structure.
    Naive equivalent: `for t in module.state_dict().values(): dist.broadcast(t, src)`.
    """
    # BEGIN SOLUTION
    # parameters() and buffers() skip duplicates, so a tied weight is sent once
    for tensor in [*module.parameters(), *module.buffers()]:
        # subtle: broadcast into .data: a leaf that requires grad cannot be written in place under autograd
        dist.broadcast(tensor.data, src=src)
    # END SOLUTION


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
