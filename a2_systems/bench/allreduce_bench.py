"""All-reduce bandwidth on this machine (HANDOUT.md §4.6): float32 tensors of 1, 10 and 100 MB summed over 2
and 4 gloo ranks (forked processes on one host, one thread each), against a plain in-process copy of the same
tensor as the anchor (the memory bandwidth every all-reduce on one host is built from).

Bus bandwidth = bytes x 2 (n - 1) / n / time: what each rank sends and receives in a ring all-reduce, so the
figures of 2 and 4 ranks are comparable (NCCL's convention). Times are the slowest rank's fastest call (the least
disturbed by other load; likewise the copy). Reported, not judged: there is no goal, since the CPU cores are
shared by the ranks.
"""

from __future__ import annotations

import time

import torch
import torch.distributed as dist

from a2_systems.distributed.world import run_world
from shared.bench import Row, best_of

MB = 2**20


def _allreduce(rank: int, world_size: int, payload: tuple[int, int]) -> float:
    nbytes, repeats = payload
    x = torch.ones(nbytes // 4)
    dist.all_reduce(x)  # warm-up: gloo sets up its buffers for this size
    times = []
    for _ in range(repeats):
        dist.barrier()
        start = time.perf_counter()
        dist.all_reduce(x)
        times.append(time.perf_counter() - start)
    return min(times)


def _copy_time(nbytes: int, repeats: int) -> float:
    x, y = torch.ones(nbytes // 4), torch.empty(nbytes // 4)
    y.copy_(x)
    return best_of(lambda: y.copy_(x), repeat=4 * repeats)


def run(quick: bool) -> list[Row]:
    sizes = (1, 10) if quick else (1, 10, 100)
    repeats = 3 if quick else 5
    rows = []
    for world_size in (2, 4):
        results = run_world(_allreduce, [(mb * MB, repeats) for mb in sizes], world_size=world_size,
                            task_timeout_s=600.0, collective_timeout_s=300.0)
        for mb, r in zip(sizes, results, strict=True):
            if not r.ok:
                raise RuntimeError(f"all-reduce benchmark {mb} MB x {world_size}: {r.error.describe()}")
            seconds = max(r.values)
            nbytes = mb * MB
            bus = nbytes * 2 * (world_size - 1) / world_size / seconds / 1e9
            copy = nbytes / _copy_time(nbytes, repeats) / 1e9
            rows.append(Row(name=f"all-reduce {mb} MB x {world_size} ranks (gloo, bus bandwidth)", value=bus,
                            unit="GB/s", anchor="in-process copy of the same tensor", anchor_value=copy,
                            higher_is_better=True, note=f"{seconds * 1e3:.2f} ms per all-reduce"))
    return rows
