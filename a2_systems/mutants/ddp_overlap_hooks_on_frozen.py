"""Overlapped DDP that registers a post-accumulate-grad hook on every parameter, frozen ones included:
registering a hook on a tensor that does not require grad raises at construction."""

from torch import nn

from a2_systems.distributed.ddp_naive import broadcast_module
from a2_systems.distributed.ddp_overlap import DDPIndividualParameters
from a2_systems.distributed.world import require_world

UNIT = "a2.ddp_overlap"
TARGET = "DDPIndividualParameters"


class MUTANT(DDPIndividualParameters):
    def __init__(self, module: nn.Module) -> None:
        nn.Module.__init__(self)
        require_world("DDPIndividualParameters")
        self.module = module
        broadcast_module(module)
        self._pending = []
        for p in module.parameters():
            p.register_post_accumulate_grad_hook(self._launch)
