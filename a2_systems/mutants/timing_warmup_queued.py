"""Synchronises inside each measured step but not after warm-up: the warm-up's queued work lands in step one."""

import time

from a2_systems.profiling.timing import Timing

UNIT = "a2.timing"
TARGET = "benchmark"


def MUTANT(fn, *, warmup=5, steps=10, sync=None, clock=time.perf_counter):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(steps):
        start = clock()
        fn()
        sync()
        times.append(clock() - start)
    return Timing(tuple(times))
