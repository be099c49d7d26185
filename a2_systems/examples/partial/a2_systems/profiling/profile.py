"""Student: profiling (HANDOUT §2.2)."""

from dataclasses import dataclass

import torch
from torch.profiler import ProfilerActivity, profile


@dataclass(frozen=True)
class OpStat:
    name: str
    calls: int
    total_us: float
    self_us: float


def profile_ops(fn, *, steps=1, warmup=1):
    if steps < 1 or warmup < 0:
        raise ValueError("bad steps/warmup")
    for _ in range(warmup):
        fn()
    acts = [ProfilerActivity.CPU]
    if torch.cuda.is_available():
        acts.append(ProfilerActivity.CUDA)
    with profile(activities=acts) as prof:
        for _ in range(steps):
            fn()
    rows = [OpStat(e.key, e.count, e.cpu_time_total, e.self_cpu_time_total) for e in prof.key_averages()]
    rows.sort(key=lambda r: (-r.total_us, r.name))
    return rows


def format_table(stats, rows=15):
    return "\n".join(f"{s.name} {s.calls} {s.total_us:.1f}" for s in stats[:rows])
