"""ZeRO-1 that gives the local optimizer its shard as one plain list, dropping each group's own
hyperparameters: a second group with its own learning rate trains at the default one."""

from typing import Any

from a2_systems.distributed.sharded_optimizer import ShardedOptimizer

UNIT = "a2.zero1"
TARGET = "ShardedOptimizer"


class MUTANT(ShardedOptimizer):
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        plain = {"params": param_group["params"]} if isinstance(param_group, dict) else param_group
        super().add_param_group(plain)
