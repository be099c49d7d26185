"""ZeRO-1 that steps its own shard and never broadcasts: each rank's copy of the other ranks' parameters stays
at its initial value."""

from typing import Any

from a2_systems.distributed.sharded_optimizer import ShardedOptimizer

UNIT = "a2.zero1"
TARGET = "ShardedOptimizer"


class MUTANT(ShardedOptimizer):
    def step(self, closure: Any = None, **kwargs: Any) -> Any:
        if self.optimizer is not None:
            self.optimizer.step(**kwargs)
