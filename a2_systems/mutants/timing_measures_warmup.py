"""Measures every call, warm-up included (then drops nothing): compilation time pollutes the figures."""

import time

from a2_systems.profiling.timing import Timing

UNIT = "a2.timing"
TARGET = "benchmark"


def MUTANT(fn, *, warmup=5, steps=10, sync=None, clock=time.perf_counter):
    times = []
    for _ in range(warmup + steps):
        start = clock()
        fn()
        sync()
        times.append(clock() - start)
    return Timing(tuple(times[:steps]))
