"""Counts every op output as new memory: views and in-place results are charged again for a storage that already
exists."""

import torch
from torch.utils._pytree import tree_flatten

from a2_systems.profiling.memory import PeakMemoryTracker

UNIT = "a2.peak_memory"
TARGET = "PeakMemoryTracker"


class MUTANT(PeakMemoryTracker):
    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        for t in tree_flatten(out)[0]:
            if isinstance(t, torch.Tensor):
                n = t.numel() * t.element_size()
                self.live_bytes += n
                self.allocated_bytes += n
        self.peak_bytes = max(self.peak_bytes, self.live_bytes)
        return out
