"""Model parallelism on 2 gloo ranks (forked, one thread each) beside the single process (HANDOUT.md §7.3).

Tensor parallelism: forward + backward of the parallel SwiGLU MLP and attention block against the same full block
in one process (one thread), timed in the same world (rank 0 runs the single-process block while rank 1 waits at
the barrier), and each rank's parameter bytes against the full block's. FSDP: an AdamW step of a small a1
TransformerLM against the single process training the whole batch and against DDPBucketed (each rank half the
batch), taking turns step by step in one world so a change in load hits them alike; and each rank's bytes of
parameters + optimizer state between steps (fsdp_drivers.held_bytes + zero1_drivers.state_bytes).

Times are medians of the timed repetitions, the slower rank's. On a 2-core machine shared with other work the two
ranks rarely get a core each, so the time ratios are noisy; the byte ratios are exact.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Any

import torch
import torch.distributed as dist
import torch.nn.functional as F

from a1_basics.nn.activations import SwiGLU
from a1_basics.nn.attention import MultiHeadSelfAttention
from a1_basics.nn.transformer import ModelConfig, TransformerLM
from a2_systems.distributed.world import run_world
from shared.bench import Row

WORLD = 2


@dataclass(frozen=True)
class Setting:
    d_model: int
    d_ff: int
    heads: int
    batch: int
    seq: int
    reps: int
    lm: ModelConfig
    lm_batch: int  # whole batch (each rank half)
    steps: int


QUICK = Setting(128, 512, 4, 4, 64, 5, ModelConfig(vocab_size=512, context_length=32, d_model=64, num_layers=2,
                                                    num_heads=4, d_ff=192), lm_batch=8, steps=4)
FULL = Setting(256, 1024, 8, 8, 128, 10, ModelConfig(vocab_size=4096, context_length=128, d_model=256,
                                                     num_layers=4, num_heads=8, d_ff=704), lm_batch=8, steps=8)


def _nbytes(module: torch.nn.Module) -> int:
    return sum(p.numel() * p.element_size() for p in module.parameters())


def _timed(fn: Any, reps: int, active: bool = True) -> list[float]:
    times = []
    for _ in range(reps + 1):  # the first is warm-up
        dist.barrier()
        start = time.perf_counter()
        if active:
            fn()
        times.append(time.perf_counter() - start)
    dist.barrier()
    return times[1:]


def _tp(rank: int, world_size: int, s: Setting) -> dict[str, Any]:
    from a2_systems.distributed.tensor_parallel import ParallelAttention, ParallelMLP

    torch.manual_seed(0)
    mlp, attn = SwiGLU(s.d_model, s.d_ff), MultiHeadSelfAttention(s.d_model, s.heads)
    x = torch.randn(s.batch, s.seq, s.d_model, requires_grad=True)
    pmlp = ParallelMLP.from_full(mlp.w1.weight, mlp.w2.weight, mlp.w3.weight)
    w_qkv = torch.cat([attn.q_proj.weight, attn.k_proj.weight, attn.v_proj.weight])
    pattn = ParallelAttention.from_full(w_qkv, attn.output_proj.weight, s.heads)

    def step(module: torch.nn.Module) -> Any:
        return lambda: module(x).square().mean().backward()

    out = {}
    # compute-only: the same parallel block with its all-reduces made no-ops (wrong values, the time of a rank's
    # own share of the work, both ranks at once)
    original = dist.all_reduce
    dist.all_reduce = lambda *args, **kwargs: None  # type: ignore[assignment]
    try:
        for name, par in (("mlp", pmlp), ("attention", pattn)):
            out[name + "_local"] = statistics.median(_timed(step(par), s.reps))
    finally:
        dist.all_reduce = original
    for name, full, par in (("mlp", mlp, pmlp), ("attention", attn, pattn)):
        out[name] = statistics.median(_timed(step(par), s.reps))
        out[name + "_single"] = statistics.median(_timed(step(full), s.reps, active=rank == 0))
        out[name + "_bytes"], out[name + "_full_bytes"] = _nbytes(par), _nbytes(full)
    return out


def _fsdp(rank: int, world_size: int, s: Setting) -> dict[str, Any]:
    from a2_systems.cases.fsdp_drivers import held_bytes
    from a2_systems.cases.zero1_drivers import state_bytes
    from a2_systems.distributed.ddp_bucketed import DDPBucketed
    from a2_systems.distributed.fsdp import FSDP

    runs = {}
    for v in ("single", "fsdp", "ddp"):
        torch.manual_seed(0)
        model = TransformerLM.from_config(s.lm)
        wrapper = model if v == "single" else FSDP(model) if v == "fsdp" else DDPBucketed(model, 1.0)
        params = [p for p in wrapper.parameters() if p.requires_grad]
        runs[v] = (wrapper, params, torch.optim.AdamW(params, lr=1e-3))
    gen = torch.Generator().manual_seed(0)
    times: dict[str, list[float]] = {v: [] for v in runs}
    half = s.lm_batch // world_size
    for step in range(s.steps + 1):
        tokens = torch.randint(0, s.lm.vocab_size, (s.lm_batch, s.lm.context_length + 1), generator=gen)
        for v, (wrapper, _, opt) in runs.items():
            batch = tokens if v == "single" else tokens[rank * half:(rank + 1) * half]
            dist.barrier()
            start = time.perf_counter()
            if v != "single" or rank == 0:
                opt.zero_grad(set_to_none=True)
                logits = wrapper(batch[:, :-1])
                F.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch[:, 1:].reshape(-1)).backward()
                if v != "single":
                    wrapper.finish_gradient_synchronization()
                opt.step()
            if step > 0:
                times[v].append(time.perf_counter() - start)
    out: dict[str, Any] = {v: statistics.median(t) for v, t in times.items()}
    for v, (wrapper, params, opt) in runs.items():
        out[v + "_bytes"] = held_bytes(wrapper) + state_bytes(opt, params)
    return out


def run(quick: bool) -> list[Row]:
    s = QUICK if quick else FULL
    tp, fs = run_world(_tp, [s], world_size=WORLD, task_timeout_s=1800.0, collective_timeout_s=300.0)[0], \
        run_world(_fsdp, [s], world_size=WORLD, task_timeout_s=1800.0, collective_timeout_s=300.0)[0]
    for r in (tp, fs):
        if not r.ok:
            raise RuntimeError(f"tp/fsdp benchmark: {r.error.describe()}\n{r.error.traceback}")

    def slow(values: list[dict], key: str) -> float:
        return max(v[key] for v in values)

    rows = []
    shape = f"batch {s.batch}x{s.seq}, d_model {s.d_model}"
    for name, what in (("mlp", f"SwiGLU d_ff {s.d_ff}"), ("attention", f"attention {s.heads} heads")):
        rows.append(Row(f"TP {name} fwd+bwd ({what}, {shape}, {WORLD} gloo ranks)", slow(tp.values, name) * 1e3,
                        "ms", "the full block in one process", tp.values[0][name + "_single"] * 1e3,
                        higher_is_better=False,
                        note=f"ideal ~2x on two free cores, minus one all-reduce each way; compute-only (all-reduces "
                             f"made no-ops, both ranks at once) {slow(tp.values, name + '_local') * 1e3:.3g} ms"
))
        rows.append(Row(f"TP {name} parameter bytes per rank", slow(tp.values, name + "_bytes"), "B",
                        "the full block", tp.values[0][name + "_full_bytes"], higher_is_better=False, goal=1.9,
                        note="each rank holds 1/2 of the weights"))
    n_params = sum(p.numel() for p in TransformerLM.from_config(s.lm).parameters())
    lm = f"TransformerLM {n_params / 1e6:.2f}M params, AdamW, batch {s.lm_batch}"
    rows.append(Row(f"FSDP step ({lm}, {WORLD} gloo ranks)", slow(fs.values, "fsdp") * 1e3, "ms",
                    "one process, whole batch", fs.values[0]["single"] * 1e3, higher_is_better=False))
    rows.append(Row(f"FSDP step ({lm}, {WORLD} gloo ranks)", slow(fs.values, "fsdp") * 1e3, "ms",
                    "DDPBucketed (1 MB buckets)", slow(fs.values, "ddp") * 1e3, higher_is_better=False,
                    note="FSDP adds an all-gather per step; its reduce-scatter moves half of DDP's all-reduce"))
    for anchor, key in (("one process", "single_bytes"), ("DDPBucketed per rank", "ddp_bytes")):
        rows.append(Row("FSDP parameters + AdamW state per rank", slow(fs.values, "fsdp_bytes"), "B", anchor,
                        slow(fs.values, key) if key == "ddp_bytes" else fs.values[0][key], higher_is_better=False,
                        goal=1.9, note="between steps: the shard, its two AdamW moments (~1/2 of 3x params)"))
    return rows


if __name__ == "__main__":
    from shared.bench import table

    print(table(run(quick=True)))
