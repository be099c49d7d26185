"""Profiles the warm-up calls too, so every count is inflated by `warmup` calls' worth of ops."""

from a2_systems.profiling.profile import OpStat

UNIT = "a2.profiling"
TARGET = "profile_ops"


def MUTANT(fn, *, steps=1, warmup=1):
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(warmup + steps):
            fn()
    stats = [OpStat(e.key, int(e.count), float(e.cpu_time_total), float(e.self_cpu_time_total))
             for e in prof.key_averages()]
    return sorted(stats, key=lambda s: (-s.total_us, s.name))
