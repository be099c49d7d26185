"""Data parallelism that overlaps communication with backward: each gradient's all-reduce is launched
asynchronously the moment autograd finishes accumulating it."""

from __future__ import annotations

from typing import Any

import torch.distributed as dist
from torch import Tensor, nn

from a2_systems.distributed.ddp_naive import broadcast_module
from a2_systems.distributed.world import require_world


class DDPIndividualParameters(nn.Module):
    """Overlapped DDP, one all-reduce per parameter (HANDOUT.md §4.3).

    At construction: broadcast from rank 0, then register a `register_post_accumulate_grad_hook` on every
    parameter that requires grad. The hook launches `dist.all_reduce(param.grad, async_op=True)` and keeps the
    returned work handle, so later layers' gradients travel while earlier layers still compute theirs.
    `finish_gradient_synchronization()` waits on every handle and divides by the world size, leaving the same
    averaged gradients as DDPNaive. Frozen parameters get no hook (registering one raises).
    """

    def __init__(self, module: nn.Module) -> None:
        super().__init__()
        # BEGIN SOLUTION
        require_world("DDPIndividualParameters")
        self.module = module
        broadcast_module(module)
        self._pending: list[tuple[Tensor, Any]] = []  # (param, async work handle), in launch order
        for p in module.parameters():  # tied parameters appear once, so get one hook
            if p.requires_grad:
                p.register_post_accumulate_grad_hook(self._launch)
        # END SOLUTION

    # BEGIN SOLUTION ONLY
    def _launch(self, param: Tensor) -> None:
        # subtle: runs inside loss.backward(), after the gradient is complete (a tied weight's two uses are
        # summed before this hook fires), so the buffer is final and may travel now
        self._pending.append((param, dist.all_reduce(param.grad, op=dist.ReduceOp.SUM, async_op=True)))
    # END SOLUTION ONLY

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The wrapped module's forward, unchanged."""
        # BEGIN SOLUTION
        return self.module(*args, **kwargs)
        # END SOLUTION

    def finish_gradient_synchronization(self) -> None:
        """Wait for every all-reduce launched during backward, then average (divide by the world size)."""
        # BEGIN SOLUTION
        world_size = dist.get_world_size()
        for param, work in self._pending:
            work.wait()
            param.grad.div_(world_size)
        self._pending.clear()
        # END SOLUTION
