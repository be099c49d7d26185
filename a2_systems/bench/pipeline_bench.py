"""Pipeline parallelism on P gloo ranks (forked, one thread each), one stage per rank (HANDOUT.md §7.6).

a1's TransformerLM (P blocks per stage, a small vocabulary so the head does not unbalance the last stage) trains
one batch of m microbatches through the finished runtime (distributed/pipeline_runtime.py) with your stages and
schedules, GPipe and 1F1B, for P = 2 (P = 4 too on a machine with at least 4 cores) and m = 4 .. 16:

- the wall-clock bubble of each rank: 1 - (its compute time, the sum of its actions' durations) / (the step's
  span, from the end of the runtime's schedule check, which all ranks leave together, to the last rank's end),
  median of the timed steps, against the theory (P-1)/(m+P-1) (forward and backward times equal on every stage;
  here a backward costs about twice a forward, which leaves the theory unchanged for both schedules). Beside it,
  the bubble replayed from the same steps' measured action times with instant messages (replay_bubbles): the
  measured bubble minus the replayed one is what the communication and the runtime cost, the replayed one minus
  the theory what the stages' unequal action times cost;
- 1F1B's peak activation memory per stage against GPipe's: the runtime's peak of live microbatches times one
  microbatch's saved activations (the bytes autograd saves for backward during one stage forward, measured with
  torch.autograd.graph.saved_tensors_hooks).

On a 2-core machine shared with other work, the two ranks rarely get a core each, so the wall-clock bubble is
noisy; the activation counts are exact. Measured on the 2-core build machine (a KVM guest), P = 2: the replay
explains all but 0.002-0.01 of the bubble, so the messages and the runtime cost little; its excess over the
theory comes from the two ranks' unequal action times within a step (a few percent either way in 1F1B; in GPipe
the last rank's forwards ran 10-20% longer than the first's), though run alone, one at a time, the two stages
take the same time within 1%. Where the steady state has no slack, the slower rank sets the pace and the other
waits. Why the ranks' speeds differ when both run is not established here (candidates: the gloo threads and the
first touch of fresh activation memory competing with compute for the two cores). Python's garbage collector is
off during the timed steps, as timeit does.
"""

from __future__ import annotations

import gc
import os
import statistics
import time
from dataclasses import dataclass
from typing import Any

import torch
import torch.distributed as dist

from a1_basics.nn.transformer import TransformerLM
from a2_systems.distributed.world import run_world
from shared.bench import Row


@dataclass(frozen=True)
class Setting:
    d_model: int
    d_ff: int
    heads: int
    vocab: int
    seq: int
    rows_per_microbatch: int
    blocks_per_stage: int
    ms: tuple[int, ...]
    reps: int


# subtle: the bubble is only the schedule's when an action's compute dwarfs its fixed costs (a gloo send/recv and
# the runtime's Python, ~0.3 ms). At width 128, 64 tokens and 2 rows an action took ~1 ms and the measured bubble
# was 0.5-0.7 whatever m (measured, P = 2); at width 256, 128 tokens and 4 rows an action takes 30-110 ms and the
# bubble comes within noise of (P-1)/(m+P-1). QUICK stays small: a smoke run, its bubble overhead-bound.
QUICK = Setting(64, 256, 4, 64, 32, 2, 1, (4, 8), 3)
FULL = Setting(256, 1024, 4, 128, 128, 4, 2, (4, 8, 16), 5)


def _saved_bytes(stage: torch.nn.Module, x: torch.Tensor) -> int:
    """Bytes of the tensors autograd saves for backward during one forward of `stage` (each storage once)."""
    storages: dict[int, int] = {}

    def pack(t: torch.Tensor) -> torch.Tensor:
        s = t.untyped_storage()
        storages[s.data_ptr()] = s.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        stage(x)
    return sum(storages.values())


def _bench(rank: int, world_size: int, job: tuple[Setting, str, int]) -> dict[str, Any]:
    from a2_systems.distributed.pipeline import PipelineStage, gpipe_schedule, microbatch_loss, split_microbatches
    from a2_systems.distributed.pipeline_1f1b import one_f_one_b_schedule
    from a2_systems.distributed.pipeline_runtime import run_schedule

    s, schedule, m = job
    torch.manual_seed(0)
    model = TransformerLM(s.vocab, s.seq, s.d_model, s.blocks_per_stage * world_size, s.heads, s.d_ff, 10000.0)
    stage = PipelineStage(model, rank, world_size)
    batch = m * s.rows_per_microbatch
    gen = torch.Generator().manual_seed(1)
    tokens = torch.randint(0, s.vocab, (batch, s.seq + 1), generator=gen)
    slices = split_microbatches(batch, m)
    fn = gpipe_schedule if schedule == "gpipe" else one_f_one_b_schedule
    x = tokens[slices[0], :-1] if rank == 0 else torch.randn(s.rows_per_microbatch, s.seq, s.d_model,
                                                                requires_grad=True)
    per_microbatch = _saved_bytes(stage, x)
    bubbles, peaks, events, span_times, durations = [], [], None, [], []
    gc.collect()
    gc.disable()  # as timeit does: a collection inside one rank's action would stall both ranks
    for rep in range(s.reps + 1):  # the first is warm-up
        for p in stage.parameters():
            p.grad = None
        dist.barrier()
        r = run_schedule(stage, fn(world_size, rank, m), tokens[:, :-1], tokens[:, 1:], slices, microbatch_loss,
                         s.d_model)
        end = time.perf_counter()
        ends: list[Any] = [None] * world_size
        dist.all_gather_object(ends, (r.checked_at, end))
        span = max(e for _, e in ends) - min(b for b, _ in ends)
        busy = sum(b - a for a, b in r.times)
        if rep > 0:
            bubbles.append(1.0 - busy / span)
            durations.append([b - a for a, b in r.times])
            span_times.append(span)
            peaks.append(r.peak_live)
            events = [(k, i, a - r.checked_at, b - r.checked_at)
                      for (k, i), (a, b) in zip(r.events, r.times, strict=True)]
    gc.enable()
    return {"bubble": statistics.median(bubbles), "span": statistics.median(span_times), "peak_live": max(peaks),
            "microbatch_bytes": per_microbatch, "events": events, "actions": list(r.events),
            "durations": durations}


def replay_bubbles(actions: list[list[tuple[str, int]]], durations: list[list[float]]) -> list[float]:
    """Each rank's bubble had its actions taken exactly the measured `durations` with instant messages: stage s
    runs its actions in order, a forward of microbatch i (s > 0) no earlier than stage s-1's forward of i ended, a
    backward of i (s < P-1) no earlier than stage s+1's backward of i ended; all start at 0. What the measured
    bubble has beyond this is the communication's and the runtime's; what this has beyond the theory is the
    schedule's on these action times (unequal stages, and jitter where a schedule has no slack)."""
    p = len(actions)
    ends: dict[tuple[int, str, int], float] = {}
    pos, clock = [0] * p, [0.0] * p
    while any(pos[s] < len(actions[s]) for s in range(p)):
        moved = False
        for s in range(p):
            while pos[s] < len(actions[s]):
                kind, i = actions[s][pos[s]]
                dep = (s - 1, kind, i) if kind == "forward" and s > 0 else \
                      (s + 1, kind, i) if kind == "backward" and s < p - 1 else None
                if dep is not None and dep not in ends:
                    break
                clock[s] = max(clock[s], ends[dep] if dep is not None else 0.0) + durations[s][pos[s]]
                ends[(s, kind, i)] = clock[s]
                pos[s] += 1
                moved = True
        if not moved:
            raise ValueError("replay_bubbles: these schedules deadlock")
    span = max(clock)
    return [1.0 - sum(durations[s]) / span for s in range(p)]


def _mean_actions(ranks: list[dict[str, Any]]) -> str:
    """Each rank's mean forward and backward duration over the timed steps, in ms ("24.4/43.7, 24.8/45.9")."""
    out = []
    for v in ranks:
        mean = {kind: statistics.fmean(d for rep in v["durations"] for (k, _), d in zip(v["actions"], rep,
                                                                                      strict=True) if k == kind)
                for kind in ("forward", "backward")}
        out.append(f"{mean['forward'] * 1e3:.1f}/{mean['backward'] * 1e3:.1f}")
    return ", ".join(out)


def measure(setting: Setting, p: int, schedule: str, m: int) -> list[dict[str, Any]]:
    """Every rank's figures for one (P, schedule, m) run, in rank order."""
    r = run_world(_bench, [(setting, schedule, m)], world_size=p, task_timeout_s=1800.0,
                  collective_timeout_s=300.0)[0]
    if not r.ok:
        raise RuntimeError(f"pipeline benchmark: {r.error.describe()}\n{r.error.traceback}")
    return r.values


def run(quick: bool) -> list[Row]:
    s = QUICK if quick else FULL
    ps = (2, 4) if (os.cpu_count() or 1) >= 4 else (2,)
    rows = []
    for p in ps:
        for m in s.ms:
            got = {sched: measure(s, p, sched, m) for sched in ("gpipe", "1f1b")}
            theory = (p - 1) / (m + p - 1)
            for sched, name in (("gpipe", "GPipe"), ("1f1b", "1F1B")):
                ranks = got[sched]
                worst = max(v["bubble"] for v in ranks)
                per_rank = ", ".join(f"{v['bubble']:.3f}" for v in ranks)
                replayed = [replay_bubbles([v["actions"] for v in ranks], [v["durations"][k] for v in ranks])
                            for k in range(len(ranks[0]["durations"]))]
                replay = max(statistics.median(rep[st] for rep in replayed) for st in range(p))
                rows.append(Row(f"pipeline {name} wall-clock bubble, P={p} m={m} (worst rank)", worst, "fraction",
                                "theory (P-1)/(m+P-1)", theory, higher_is_better=False,
                                goal=1 / 1.1 if m >= 2 * p and p == 2 else None,
                                note=f"per rank {per_rank}; step {ranks[0]['span'] * 1e3:.3g} ms; replayed with "
                                     f"the measured action times and instant messages {replay:.3f}; mean "
                                     f"forward/backward ms per rank {_mean_actions(ranks)}"))
            for st in range(p):
                g, f = got["gpipe"][st], got["1f1b"][st]
                rows.append(Row(f"pipeline 1F1B peak activations, P={p} m={m} stage {st}",
                                f["peak_live"] * f["microbatch_bytes"], "B", "GPipe",
                                g["peak_live"] * g["microbatch_bytes"], higher_is_better=False,
                                note=f"{f['peak_live']} vs {g['peak_live']} live microbatches (P - s = {p - st}, "
                                     f"m = {m}) of {f['microbatch_bytes']} B"))
    return rows


if __name__ == "__main__":
    from shared.bench import table

    print(table(run(quick=True)))
