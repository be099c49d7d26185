"""Our DDP variants against torch.nn.parallel.DistributedDataParallel (HANDOUT.md §4.6): a small TransformerLM
from a1 trained with SGD on 2 gloo ranks (forked, one thread each), time per step side by side in the same
world, and the share of each step spent on communication.

Communication share = (step time - compute-only step time) / step time, where compute-only is the same model and
local batch trained with no synchronisation at all, timed in the same world: it counts exposed communication
(what overlapping hides is not counted), whichever variant, torch's included. torch DDP runs with its defaults
(25 MB buckets, gradients all-reduced from autograd hooks). Goal (the issue's): the overlapped and bucketed
variants within 1.2x of torch DDP's step time (ratio >= 0.83). The variants take turns step by step in one world
(each on its own copy of the model), so a change in load hits them alike; times are medians of the timed steps,
the slower rank's.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Any

import torch
import torch.distributed as dist
import torch.nn.functional as F

from a1_basics.nn.transformer import ModelConfig, TransformerLM
from a2_systems.distributed.world import run_world
from shared.bench import Row

VARIANTS = ("none", "torch", "DDPNaive", "DDPFlat", "DDPIndividualParameters", "DDPBucketed")
GOAL = 1 / 1.2  # within 1.2x of torch DDP


@dataclass(frozen=True)
class Setting:
    name: str
    config: ModelConfig
    batch_per_rank: int
    warmup: int
    steps: int
    bucket_size_mb: float


QUICK = Setting("L2 d64", ModelConfig(vocab_size=512, context_length=32, d_model=64, num_layers=2, num_heads=4,
                                      d_ff=192), batch_per_rank=4, warmup=2, steps=5, bucket_size_mb=0.25)
FULL = Setting("L4 d256", ModelConfig(vocab_size=4096, context_length=128, d_model=256, num_layers=4, num_heads=8,
                                      d_ff=704), batch_per_rank=4, warmup=3, steps=10, bucket_size_mb=1.0)


def _wrap(variant: str, model: torch.nn.Module, setting: Setting) -> Any:
    from a2_systems.distributed.ddp_bucketed import DDPBucketed
    from a2_systems.distributed.ddp_flat import DDPFlat
    from a2_systems.distributed.ddp_naive import DDPNaive
    from a2_systems.distributed.ddp_overlap import DDPIndividualParameters

    if variant == "none":
        return model
    if variant == "torch":
        return torch.nn.parallel.DistributedDataParallel(model)
    if variant == "DDPBucketed":
        return DDPBucketed(model, setting.bucket_size_mb)
    return {"DDPNaive": DDPNaive, "DDPFlat": DDPFlat, "DDPIndividualParameters": DDPIndividualParameters}[
        variant](model)


def _steps(rank: int, world_size: int, setting: Setting) -> dict[str, list[float]]:
    """Per-step wall times on this rank (after warm-up) for every variant, each on its own copy of the model.
    The variants take turns step by step, so a change in the machine's load hits them all alike; each step
    starts at a barrier."""
    s = setting
    runs = {}
    for v in VARIANTS:
        torch.manual_seed(0)
        model = TransformerLM.from_config(s.config)
        runs[v] = (_wrap(v, model, s), torch.optim.SGD(model.parameters(), lr=1e-3))
    gen = torch.Generator().manual_seed(rank)
    times: dict[str, list[float]] = {v: [] for v in VARIANTS}
    for step in range(s.warmup + s.steps):
        tokens = torch.randint(0, s.config.vocab_size, (s.batch_per_rank, s.config.context_length + 1),
                               generator=gen)
        for v, (ddp, opt) in runs.items():
            dist.barrier()
            start = time.perf_counter()
            opt.zero_grad(set_to_none=True)
            logits = ddp(tokens[:, :-1])
            F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tokens[:, 1:].reshape(-1)).backward()
            if hasattr(ddp, "finish_gradient_synchronization"):
                ddp.finish_gradient_synchronization()
            opt.step()
            if step >= s.warmup:
                times[v].append(time.perf_counter() - start)
    return times


def measure(setting: Setting) -> dict[str, float]:
    """Median step time (the slower rank's) per variant, all in one 2-rank world."""
    result = run_world(_steps, [setting], world_size=2, task_timeout_s=1800.0, collective_timeout_s=300.0)[0]
    if not result.ok:
        raise RuntimeError(f"ddp benchmark: {result.error.describe()}\n{result.error.traceback}")
    return {v: max(statistics.median(per_rank[v]) for per_rank in result.values) for v in VARIANTS}


def run(quick: bool) -> list[Row]:
    s = QUICK if quick else FULL
    n_params = sum(p.numel() for p in TransformerLM.from_config(s.config).parameters())
    t = measure(s)
    rows = []
    for v in VARIANTS[2:]:
        share = max(0.0, (t[v] - t["none"]) / t[v])
        torch_share = max(0.0, (t["torch"] - t["none"]) / t["torch"])
        rows.append(Row(
            name=f"DDP step {v} ({s.name}, {n_params / 1e6:.2f}M params, 2 gloo ranks)", value=t[v] * 1e3,
            unit="ms", anchor="torch DistributedDataParallel", anchor_value=t["torch"] * 1e3,
            higher_is_better=False, goal=GOAL if v in ("DDPIndividualParameters", "DDPBucketed") else None,
            note=f"communication {share:.0%} of the step (torch DDP {torch_share:.0%}; compute-only step "
                 f"{t['none'] * 1e3:.1f} ms)" + (f"; buckets of {s.bucket_size_mb:g} MB" if v == "DDPBucketed"
                                                 else "")))
    return rows
