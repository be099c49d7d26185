"""Optimizer-state sharding (ZeRO stage 1): each rank keeps optimizer state for, and updates, only its share of
the parameters, then every parameter is broadcast from the rank that owns it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import torch
import torch.distributed as dist
from torch import Tensor

from a2_systems.distributed.world import require_world


class ShardedOptimizer(torch.optim.Optimizer):
    """ZeRO-1 around any torch optimizer class (HANDOUT.md §4.5).

    `ShardedOptimizer(params, optimizer_cls, **kwargs)`: `params` as for any torch optimizer (tensors or
    param-group dicts with their own hyperparameters); `kwargs` are `optimizer_cls`'s defaults. Every parameter
    is owned by exactly one rank; each rank builds one `optimizer_cls` over the parameters it owns only, so its
    optimizer state (AdamW: two moments per parameter) is about 1/world_size of the unsharded optimizer's.
    `step()` steps the local optimizer, then broadcasts each parameter from its owner so every rank again holds
    the same full model. Equal to `optimizer_cls(params, **kwargs)` run unsharded on the same gradients.

    Ownership (pinned only as "balanced"): each parameter goes to the rank that owns the fewest trainable elements
    so far, ties to the lowest rank, in parameter order; every rank computes the same assignment.
    """

    def __init__(self, params: Iterable[Tensor] | Iterable[dict[str, Any]], optimizer_cls: type[torch.optim.Optimizer],
                 **kwargs: Any) -> None:
        # BEGIN SOLUTION
        self.rank, self.world_size = require_world("ShardedOptimizer")
        self.optimizer_cls, self.optimizer_kwargs = optimizer_cls, kwargs
        self.optimizer: torch.optim.Optimizer | None = None  # the local one, over this rank's parameters
        self.owner: dict[int, int] = {}  # id(param) -> rank
        self._load = [0] * self.world_size  # elements owned per rank
        # subtle: Optimizer.__init__ calls self.add_param_group for every group, so the sharding happens there
        # END SOLUTION
        super().__init__(params, kwargs)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Register a group (all of its parameters, for zero_grad and broadcasts) and hand this rank's share of
        it, with the group's hyperparameters, to the local optimizer."""
        # BEGIN SOLUTION
        super().add_param_group(param_group)
        group = self.param_groups[-1]
        local = []
        for p in group["params"]:
            r = min(range(self.world_size), key=lambda k: (self._load[k], k))
            self.owner[id(p)] = r
            # a frozen parameter gets an owner (for the broadcast) but no optimizer state: it adds no load
            self._load[r] += p.numel() if p.requires_grad else 0
            if r == self.rank:
                local.append(p)
        if not local:
            return
        local_group = {k: v for k, v in group.items() if k != "params"}
        local_group["params"] = local
        if self.optimizer is None:
            self.optimizer = self.optimizer_cls([local_group], **self.optimizer_kwargs)
        else:
            self.optimizer.add_param_group(local_group)
        # END SOLUTION

    def step(self, closure: Callable[[], float] | None = None, **kwargs: Any) -> float | None:
        """Step this rank's parameters, then broadcast every parameter from its owner."""
        # BEGIN SOLUTION
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        if self.optimizer is not None:
            self.optimizer.step(**kwargs)
        for group in self.param_groups:
            for p in group["params"]:
                dist.broadcast(p.data, src=self.owner[id(p)])
        return loss
        # END SOLUTION
