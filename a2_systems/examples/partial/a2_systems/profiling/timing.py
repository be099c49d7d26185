"""Student: benchmarking (HANDOUT §2.1)."""

import statistics
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    times_s: tuple

    @property
    def mean_s(self):
        return statistics.fmean(self.times_s)

    @property
    def std_s(self):
        return statistics.stdev(self.times_s) if len(self.times_s) > 1 else 0.0


def default_sync():
    import torch

    if torch.cuda.is_available():
        torch.cuda.synchronize()


def benchmark(fn, *, warmup=5, steps=10, sync=None, clock=time.perf_counter):
    if warmup < 0 or steps < 1:
        raise ValueError("need warmup >= 0 and steps >= 1")
    sync = sync if sync is not None else default_sync
    for _ in range(warmup):
        fn()
    sync()
    out = []
    for _ in range(steps):
        t0 = clock()
        fn()
        sync()
        out.append(clock() - t0)
    return Timing(tuple(out))
