"""Bucketed, overlapped data parallelism: gradients grouped into buckets of about `bucket_size_mb`, in reverse
parameter order, each bucket all-reduced asynchronously as soon as its last gradient is ready."""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.distributed as dist
from torch import Tensor, nn

from a2_systems.distributed.ddp_naive import broadcast_module
from a2_systems.distributed.world import require_world


class DDPBucketed(nn.Module):
    """Overlapped DDP with buckets (HANDOUT.md §4.4).

    Buckets (pinned: the cases read `self.buckets`): walk `module.named_parameters()` in REVERSE order (roughly
    the order backward produces gradients), skipping parameters that do not require grad. A parameter joins the
    current bucket if the bucket's size in bytes (numel x element size) stays <= bucket_size_mb * 2**20;
    otherwise it starts a new bucket (so a parameter larger than the cap has a bucket of its own).
    `self.buckets: list[list[str]]` lists each bucket's parameter names in that order, bucket 0 first.

    During backward, when the last gradient of a bucket is accumulated, the bucket's gradients are flattened
    into one buffer and `dist.all_reduce(buffer, async_op=True)` is launched: one launch per bucket per step.
    `finish_gradient_synchronization()` waits for them, divides by the world size and copies the averages back
    into the gradients, leaving the wrapper ready for the next step.
    """

    def __init__(self, module: nn.Module, bucket_size_mb: float) -> None:
        super().__init__()
        # BEGIN SOLUTION
        if isinstance(bucket_size_mb, bool) or not isinstance(bucket_size_mb, (int, float)) or \
                not math.isfinite(bucket_size_mb) or bucket_size_mb <= 0:
            raise ValueError(f"DDPBucketed: bucket_size_mb must be a positive number of megabytes (2**20 bytes), "
                             f"got {bucket_size_mb!r}")
        require_world("DDPBucketed")
        self.module = module
        broadcast_module(module)
        cap = bucket_size_mb * 2**20
        self.buckets: list[list[str]] = []
        self._params: list[list[Tensor]] = []
        size = 0.0
        for name, p in reversed(list(module.named_parameters())):
            if not p.requires_grad:
                continue
            nbytes = p.numel() * p.element_size()
            if not self.buckets or size + nbytes > cap:
                self.buckets.append([])
                self._params.append([])
                size = 0.0
            self.buckets[-1].append(name)
            self._params[-1].append(p)
            size += nbytes
        self._bucket_of = {id(p): i for i, ps in enumerate(self._params) for p in ps}
        self._ready = [0] * len(self._params)  # gradients accumulated so far this step, per bucket
        self._inflight: dict[int, tuple[Tensor, Any]] = {}  # bucket -> (flat buffer, async work handle)
        for ps in self._params:
            for p in ps:
                p.register_post_accumulate_grad_hook(self._on_grad)
        # END SOLUTION

    # BEGIN SOLUTION ONLY
    def _on_grad(self, param: Tensor) -> None:
        b = self._bucket_of[id(param)]
        self._ready[b] += 1
        if self._ready[b] == len(self._params[b]):
            self._launch(b)

    def _launch(self, b: int) -> None:
        grads = [p.grad for p in self._params[b] if p.grad is not None]
        if not grads:
            return
        flat = torch.cat([g.reshape(-1) for g in grads])  # (bucket numel,)
        self._inflight[b] = (flat, dist.all_reduce(flat, op=dist.ReduceOp.SUM, async_op=True))
    # END SOLUTION ONLY

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The wrapped module's forward, unchanged."""
        # BEGIN SOLUTION
        return self.module(*args, **kwargs)
        # END SOLUTION

    def finish_gradient_synchronization(self) -> None:
        """Wait for every bucket's all-reduce, average, and write the results back into the gradients."""
        # BEGIN SOLUTION
        # subtle: a bucket holding a parameter that got no gradient this step never filled up during backward;
        # it is sent now (every rank takes the same branch, since every rank ran the same model)
        for b in range(len(self._params)):
            if b not in self._inflight:
                self._launch(b)
        world_size = dist.get_world_size()
        for b, (flat, work) in sorted(self._inflight.items()):
            work.wait()
            flat.div_(world_size)
            offset = 0
            for p in self._params[b]:
                if p.grad is None:
                    continue
                p.grad.copy_(flat[offset:offset + p.numel()].view_as(p.grad))
                offset += p.numel()
        self._inflight.clear()
        self._ready = [0] * len(self._params)
        # END SOLUTION
