"""Never notices a free: the "peak" is then the total allocated, which overstates any loop that reuses memory."""

import torch
from torch.utils._pytree import tree_flatten

from a2_systems.profiling.memory import PeakMemoryTracker

UNIT = "a2.peak_memory"
TARGET = "PeakMemoryTracker"


class MUTANT(PeakMemoryTracker):
    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        before = {t.untyped_storage().data_ptr() for t in tree_flatten((args, kwargs))[0]
                  if isinstance(t, torch.Tensor)}
        out = func(*args, **(kwargs or {}))
        for t in tree_flatten(out)[0]:
            if isinstance(t, torch.Tensor) and t.untyped_storage().data_ptr() not in before:
                n = t.untyped_storage().nbytes()
                self.live_bytes += n
                self.allocated_bytes += n
        self.peak_bytes = max(self.peak_bytes, self.live_bytes)
        return out
