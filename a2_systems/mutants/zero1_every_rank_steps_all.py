"""ZeRO-1 in name only: every rank builds the optimizer over every parameter and steps them all. The values
are right (every rank computes the same update) but each rank holds the whole optimizer state, which the
per-rank state measurement shows."""

from typing import Any

import torch

from a2_systems.distributed.sharded_optimizer import ShardedOptimizer

UNIT = "a2.zero1"
TARGET = "ShardedOptimizer"


class MUTANT(ShardedOptimizer):
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        torch.optim.Optimizer.add_param_group(self, param_group)
        group = self.param_groups[-1]
        for p in group["params"]:
            self.owner[id(p)] = self.rank
        local = {**{k: v for k, v in group.items() if k != "params"}, "params": list(group["params"])}
        if self.optimizer is None:
            self.optimizer = self.optimizer_cls([local], **self.optimizer_kwargs)
        else:
            self.optimizer.add_param_group(local)

    def step(self, closure: Any = None, **kwargs: Any) -> Any:
        self.optimizer.step(**kwargs)
