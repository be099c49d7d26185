"""Times each step without synchronising: on a GPU this measures the kernel launch (near 0 s), not the work."""

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
        times.append(clock() - start)
    return Timing(tuple(times))
