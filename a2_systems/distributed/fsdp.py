"""Fully sharded data parallelism (ZeRO stage 3, the idea behind PyTorch FSDP), one flat parameter for the whole
model. HANDOUT.md §7.2.

Between steps each rank holds only 1/P of the parameters (and so the optimizer built on `fsdp.parameters()` holds
only 1/P of the optimizer state). A step:

    loss = loss_fn(fsdp(x_local))          # forward all-gathers the full parameters first
    loss.backward()                        # gradients of the full parameters (this rank's batch)
    fsdp.finish_gradient_synchronization() # reduce-scatter (average): this rank's shard of the mean gradient;
                                           # the full parameters are freed
    optimizer.step()                       # steps the local shard only

gloo in torch 2.13 implements both collectives (dist.all_gather into a list of chunks of one flat buffer,
dist.reduce_scatter from a list of chunks); the tensor forms all_gather_into_tensor / reduce_scatter_tensor work
too but print a deprecation warning.
"""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.distributed as dist
from torch import Tensor, nn

from a2_systems.distributed.world import require_world


class FSDP(nn.Module):
    """`FSDP(module)`: shard every trainable parameter of `module` over the ranks of the default process group.

    Layout (pinned): the trainable parameters in `module.parameters()` order (a tied weight once) are flattened
    and concatenated into one vector of N elements, zero-padded to S * P with S = ceil(N / P); rank r holds
    elements r*S .. (r+1)*S as `flat_shard`, an nn.Parameter of shape (S,), the only trainable parameter of the
    wrapper (`fsdp.parameters()` yields it, plus any frozen parameters, which stay whole on every rank).
    Construction broadcasts rank 0's parameters first, so every rank starts from rank 0's weights.

    - forward: all-gather the shards into the full flat vector (one all-gather), point every parameter slot of
      the module at a leaf tensor (requires_grad) viewing its slice, run the module. The full parameters stay alive
      until `finish_gradient_synchronization` (no re-gather for backward).
    - finish_gradient_synchronization(): one reduce-scatter of the full flat gradient, divided by P, added to
      `flat_shard.grad` (so it accumulates like autograd's); then the full parameters are freed: between steps
      the module's sharded parameter attributes are None and the rank holds S elements, not N.
    - full_state_dict(): {name: full parameter} of the module (a collective: every rank must call it).

    Raises RuntimeError without a process group, ValueError for a module with no trainable parameter.
    """

    def __init__(self, module: nn.Module) -> None:
        super().__init__()
        # BEGIN SOLUTION
        self.rank, self.world_size = require_world("FSDP")
        self.module = module
        # (submodule, attribute) of every parameter slot, a tied parameter under each of its names
        slots: dict[int, list[tuple[nn.Module, str]]] = {}
        params: dict[int, nn.Parameter] = {}
        for mod in module.modules():
            for name, p in list(mod._parameters.items()):
                if p is not None and p.requires_grad:
                    slots.setdefault(id(p), []).append((mod, name))
                    params[id(p)] = p
        order = [p for p in module.parameters() if id(p) in params]
        if not order:
            raise ValueError("FSDP needs a module with at least one trainable parameter")
        self.names = [n for n, p in module.named_parameters() if id(p) in params]
        self.shapes = [tuple(p.shape) for p in order]
        self.numels = [p.numel() for p in order]
        self.slots = [slots[id(p)] for p in order]
        total = sum(self.numels)
        self.shard_size = math.ceil(total / self.world_size)
        flat = torch.zeros(self.shard_size * self.world_size, dtype=order[0].dtype)
        flat[:total] = torch.cat([p.detach().reshape(-1) for p in order])
        dist.broadcast(flat, src=0)
        self.flat_shard = nn.Parameter(flat[self.rank * self.shard_size:(self.rank + 1) * self.shard_size].clone())
        for mod_slots in self.slots:
            for mod, name in mod_slots:
                del mod._parameters[name]
                setattr(mod, name, None)
        for p in module.parameters():  # frozen ones: whole on every rank, from rank 0
            dist.broadcast(p.data, src=0)
        self._full: Tensor | None = None  # the gathered flat parameters, alive from forward to finish
        self._views: list[Tensor] = []  # one leaf per parameter, sharing _full's storage
        # END SOLUTION

    def _gather(self) -> Tensor:
        """All-gather the shards: the full flat vector (S * P,)."""
        # BEGIN SOLUTION
        full = torch.empty(self.shard_size * self.world_size, dtype=self.flat_shard.dtype)
        dist.all_gather(list(full.chunk(self.world_size)), self.flat_shard.detach())
        return full
        # END SOLUTION

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Gather the parameters (once per step), then the wrapped module's forward."""
        # BEGIN SOLUTION
        if self._full is None:
            self._full = self._gather()
            self._views, offset = [], 0
            for shape, numel, mod_slots in zip(self.shapes, self.numels, self.slots, strict=True):
                # subtle: a leaf per parameter (sharing the gathered storage), not views of one leaf: autograd
                # would give every view's gradient as a zero-filled copy of the whole flat vector
                view = self._full[offset:offset + numel].view(shape).requires_grad_(True)
                self._views.append(view)
                for mod, name in mod_slots:
                    setattr(mod, name, view)
                offset += numel
        return self.module(*args, **kwargs)
        # END SOLUTION

    def finish_gradient_synchronization(self) -> None:
        """Reduce-scatter (average) the full gradient into `flat_shard.grad`, then free the full parameters."""
        # BEGIN SOLUTION
        if self._full is None:
            return
        grad = self._flat_grad()
        shard = torch.empty_like(self.flat_shard)
        dist.reduce_scatter(shard, list(grad.chunk(self.world_size)), op=dist.ReduceOp.SUM)
        shard.div_(self.world_size)
        if self.flat_shard.grad is None:
            self.flat_shard.grad = shard
        else:
            self.flat_shard.grad.add_(shard)
        self._free()
        # END SOLUTION

    def _flat_grad(self) -> Tensor:
        """This rank's gradient of the full flat vector (S * P,), zeros where a parameter got none."""
        # BEGIN SOLUTION
        grads = [v.grad.reshape(-1) if v.grad is not None else torch.zeros(v.numel(), dtype=v.dtype)
                 for v in self._views]
        pad = self.shard_size * self.world_size - sum(self.numels)
        return torch.cat([*grads, torch.zeros(pad, dtype=self.flat_shard.dtype)])
        # END SOLUTION

    def _free(self) -> None:
        """Drop the gathered parameters: the module's sharded slots become None."""
        # BEGIN SOLUTION
        for mod_slots in self.slots:
            for mod, name in mod_slots:
                setattr(mod, name, None)
        self._full, self._views = None, []
        # END SOLUTION

    def full_state_dict(self) -> dict[str, Tensor]:
        """{name: full parameter (a copy)}: the sharded ones (under their first name), then the frozen ones; every
        rank must call it (it all-gathers)."""
        # BEGIN SOLUTION
        full = self._gather()
        out, offset = {}, 0
        for name, shape, numel in zip(self.names, self.shapes, self.numels, strict=True):
            out[name] = full[offset:offset + numel].view(shape).clone()
            offset += numel
        for name, p in self.module.named_parameters():
            out[name] = p.detach().clone()
        return out
        # END SOLUTION
