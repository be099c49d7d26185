"""Student: peak memory tracker (HANDOUT §2.3). Bug: every op output is counted as new memory, by tensor rather
than by storage, so views and in-place results are charged twice."""

import weakref

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten


class PeakMemoryTracker(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.peak_bytes = 0
        self.live_bytes = 0
        self.allocated_bytes = 0

    def _free(self, n):
        self.live_bytes -= n

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        for t in tree_flatten(out)[0]:
            if isinstance(t, torch.Tensor):
                n = t.numel() * t.element_size()
                self.live_bytes += n
                self.allocated_bytes += n
                weakref.finalize(t, self._free, n)
        self.peak_bytes = max(self.peak_bytes, self.live_bytes)
        return out
