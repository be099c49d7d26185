"""Start every rank from the same weights: broadcast a module's parameters and buffers from rank 0."""

from __future__ import annotations

import torch.distributed as dist
from torch import nn


def broadcast_module(module: nn.Module, src: int = 0) -> None:
    """Overwrite, in place, every parameter and buffer of `module` on every rank with rank `src`'s values.

    Frozen parameters (requires_grad=False) are broadcast too: they are part of the model every rank must agree
    on. A tied parameter (one tensor reachable under two names) is broadcast once. Collective: every rank of the
    default process group must call it, with the same module structure.
    Naive equivalent: `for t in module.state_dict().values(): dist.broadcast(t, src)`.
    """
    # BEGIN SOLUTION
    # named_parameters()/named_buffers() skip duplicates, so a tied weight is sent once
    for tensor in [*module.parameters(), *module.buffers()]:
        # subtle: broadcast into .data: a leaf that requires grad cannot be written in place under autograd
        dist.broadcast(tensor.data, src=src)
    # END SOLUTION
