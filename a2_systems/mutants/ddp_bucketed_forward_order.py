"""Bucketed DDP that fills buckets in forward (registration) order instead of reverse: the first bucket holds
the first layers, whose gradients come last, so nothing is sent until backward is nearly over."""

from torch import nn

from a2_systems.distributed.ddp_bucketed import DDPBucketed

UNIT = "a2.ddp_bucketed"
TARGET = "DDPBucketed"


class _Forward(nn.Module):
    """A view of the module whose named_parameters come out reversed, so the reference's reversal undoes it."""

    def __init__(self, module: nn.Module) -> None:
        super().__init__()
        self.inner = [module]

    def named_parameters(self, *args, **kwargs):
        return reversed(list(self.inner[0].named_parameters(*args, **kwargs)))

    def parameters(self, *args, **kwargs):
        return self.inner[0].parameters(*args, **kwargs)

    def buffers(self, *args, **kwargs):
        return self.inner[0].buffers(*args, **kwargs)


class MUTANT(DDPBucketed):
    def __init__(self, module: nn.Module, bucket_size_mb: float) -> None:
        super().__init__(_Forward(module), bucket_size_mb)
        self.module = module
