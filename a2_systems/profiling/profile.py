"""Which operators a step spends its time in: torch.profiler, aggregated per operator name.

The profiler records every aten call with its CPU time (and CUDA time on a GPU). Aggregating by name
(`key_averages()`) gives the table the handout asks about: which kernels dominate a forward, a backward, a step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class OpStat:
    name: str  # e.g. "aten::mm"
    calls: int  # over the measured steps (warm-up excluded)
    total_us: float  # time inside this op, children included, summed over calls
    self_us: float  # time inside this op, children excluded


def profile_ops(fn: Callable[[], object], *, steps: int = 1, warmup: int = 1) -> list[OpStat]:
    """Run `fn` `warmup` times unprofiled, then `steps` times under torch.profiler (CPU activity, plus CUDA
    when available). One OpStat per operator name, sorted by `total_us` descending (ties by name)."""
    # BEGIN SOLUTION
    import torch
    from torch.profiler import ProfilerActivity, profile

    if steps < 1 or warmup < 0:
        raise ValueError(f"need steps >= 1 and warmup >= 0, got steps={steps}, warmup={warmup}")
    for _ in range(warmup):
        fn()
    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if torch.cuda.is_available() else [])
    with profile(activities=activities) as prof:
        for _ in range(steps):
            fn()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
    stats = [OpStat(e.key, int(e.count), float(e.cpu_time_total), float(e.self_cpu_time_total))
             for e in prof.key_averages()]
    return sorted(stats, key=lambda s: (-s.total_us, s.name))
    # END SOLUTION


def format_table(stats: list[OpStat], rows: int = 15) -> str:
    """A plain-text table of the top operators, for the handout's questions."""
    total = sum(s.self_us for s in stats) or 1.0
    lines = [f"{'operator':<36} {'calls':>6} {'total ms':>10} {'self ms':>10} {'self %':>7}"]
    for s in stats[:rows]:
        lines.append(f"{s.name[:36]:<36} {s.calls:>6} {s.total_us / 1e3:>10.3f} {s.self_us / 1e3:>10.3f} "
                     f"{100 * s.self_us / total:>6.1f}%")
    return "\n".join(lines)
