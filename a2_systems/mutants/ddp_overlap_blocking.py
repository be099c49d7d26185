"""Overlapped DDP whose hooks all-reduce synchronously (async_op=False): launched during backward, but backward
stalls on every one, so communication never overlaps computation."""

import torch.distributed as dist
from torch import Tensor

from a2_systems.distributed.ddp_overlap import DDPIndividualParameters

UNIT = "a2.ddp_overlap"
TARGET = "DDPIndividualParameters"


class MUTANT(DDPIndividualParameters):
    def _launch(self, param: Tensor) -> None:
        dist.all_reduce(param.grad, op=dist.ReduceOp.SUM)
        self._pending.append((param, _Done()))


class _Done:
    def wait(self) -> None:
        pass
