"""Timing code that runs asynchronously: warm-up first, then a synchronised clock around every step.

A GPU runs kernels asynchronously: `fn()` returns as soon as the work is queued, so a clock read right after it
measures the launch, not the work. `sync()` (torch.cuda.synchronize on a GPU) waits for the queue to drain; it
must run *before* the closing clock read of every step. The first calls of a step are slower for reasons that
have nothing to do with steady state (allocator growth, autotuning, compilation, cold caches): they are warm-up
and must not be measured.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    """Seconds per measured step, in order."""

    times_s: tuple[float, ...]

    @property
    def mean_s(self) -> float:
        return statistics.fmean(self.times_s)

    @property
    def std_s(self) -> float:
        return statistics.stdev(self.times_s) if len(self.times_s) > 1 else 0.0


def default_sync() -> None:
    """Wait for queued GPU work when there is a GPU; nothing to wait for on a CPU."""
    import torch

    if torch.cuda.is_available():
        torch.cuda.synchronize()


def benchmark(fn: Callable[[], object], *, warmup: int = 5, steps: int = 10,
              sync: Callable[[], None] | None = None, clock: Callable[[], float] = time.perf_counter) -> Timing:
    """Call `fn` `warmup` times unmeasured, then `steps` times, each timed as clock() before `fn()` to clock()
    after `fn()` and `sync()`. `warmup >= 0`, `steps >= 1`. Returns the per-step times in call order.

    Naive equivalent (wrong on a GPU): t0 = clock(); [fn() for _ in range(steps)]; (clock() - t0) / steps.
    """
    # BEGIN SOLUTION
    if not isinstance(warmup, int) or warmup < 0:
        raise ValueError(f"warmup must be an int >= 0, got {warmup!r}")
    if not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be an int >= 1, got {steps!r}")
    sync = sync or default_sync
    for _ in range(warmup):
        fn()
    sync()  # subtle: warm-up work still queued would otherwise land in the first measured step
    times = []
    for _ in range(steps):
        start = clock()
        fn()
        sync()
        times.append(clock() - start)
    return Timing(tuple(times))
    # END SOLUTION
