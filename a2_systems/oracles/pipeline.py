"""Expected values of the pipeline cases (instructor-only), for a2_systems/cases/pipeline.py and
hidden/pipeline_edges.py. Nothing here calls the reference stages or schedules:

- values: single-process float64 training of the whole model on the whole batch (a1's TransformerLM, mean
  cross-entropy by a hand-written log-softmax, plain SGD), the tied weight's gradient listed under both names;
- the schedule: an event-sequence generator written from the schedules' definitions as a clocked simulation of
  the pipeline (one time unit per action). GPipe: each stage runs forwards while any is ready, backwards only
  once all its forwards are done, backwards first-in first-out. 1F1B: each stage prefers a ready backward, and
  runs a ready forward only while fewer than P - s microbatches are in flight on it (Narayanan et al. 2021,
  PipeDream-Flush): the warm-up, steady and cool-down phases are what this policy does, not rules written out;
- the split: block counts by divmod (numpy.array_split's documented rule), each stage's parameter names;
- the bound on live activations: m for GPipe, min(P - s, m) for 1F1B.
"""

from __future__ import annotations

import numpy as np
import torch

from a2_systems.cases.pipeline import param_shapes
from a2_systems.cases.pipeline_drivers import build


def _cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean over tokens of -log softmax(logits)[target], the log-softmax written out (max-shifted)."""
    z = logits - logits.max(dim=-1, keepdim=True).values
    logp = z - z.exp().sum(dim=-1, keepdim=True).log()
    return -logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1).mean()


def simulate(p: int, m: int, schedule: str) -> list[list[tuple[str, int]]]:
    """Each stage's (kind, microbatch) order from a clocked simulation (see the module docstring)."""
    done_f: list[dict[int, int]] = [{} for _ in range(p)]  # stage -> microbatch -> the tick its forward ended
    done_b: list[dict[int, int]] = [{} for _ in range(p)]
    order: list[list[tuple[str, int]]] = [[] for _ in range(p)]
    tick = 0
    while any(len(done_b[s]) < m for s in range(p)):
        choices = []
        for s in range(p):
            nf, nb = len(done_f[s]), len(done_b[s])  # the next forward / backward microbatch (both in order)
            f_ready = nf < m and (s == 0 or done_f[s - 1].get(nf, tick + 1) <= tick)
            b_ready = nb < nf and (done_f[s][nb] <= tick if s == p - 1 else done_b[s + 1].get(nb, tick + 1) <= tick)
            if schedule == "gpipe":
                pick = "forward" if f_ready else "backward" if b_ready and nf == m else None
            else:
                in_flight = nf - nb
                pick = "backward" if b_ready else "forward" if f_ready and in_flight < p - s else None
            choices.append(pick)
        for s, pick in enumerate(choices):
            if pick == "forward":
                done_f[s][len(done_f[s])] = tick + 1
                order[s].append(("forward", len(done_f[s]) - 1))
            elif pick == "backward":
                done_b[s][len(done_b[s])] = tick + 1
                order[s].append(("backward", len(done_b[s]) - 1))
        tick += 1
        if tick > 10 * (m + p) + 10:
            raise RuntimeError(f"the {schedule} simulation did not finish (p={p}, m={m})")
    return order


def split_counts(n: int, parts: int) -> list[list[int]]:
    """[start, stop] of each part: sizes n // parts, the first n % parts one larger."""
    sizes = [n // parts + (1 if k < n % parts else 0) for k in range(parts)]
    edges = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
    return [[int(a), int(b)] for a, b in zip(edges[:-1], edges[1:], strict=True)]


def stage_names(arch: dict, p: int) -> list[list[str]]:
    names = list(param_shapes({**arch, "tie_embeddings": False}))
    out = []
    for s, (a, b) in enumerate(split_counts(arch["num_layers"], p)):
        keep = [n for n in names if n.startswith("layers.") and a <= int(n.split(".")[1]) < b]
        if s == 0:
            keep.append("token_embeddings.weight")
        if s == p - 1:
            keep += ["ln_final.weight", "lm_head.weight"]
        out.append(sorted(keep))
    return out


def expect_train(inp: dict) -> dict:
    p, m = inp["world_size"], inp["num_microbatches"]
    model = build(inp, torch.float64)
    named = dict(model.named_parameters(remove_duplicate=False))
    params = list(model.parameters())
    tokens, targets = torch.from_numpy(inp["tokens"]), torch.from_numpy(inp["targets"])
    losses, grads = [], {}
    for step in range(inp["steps"]):
        for q in params:
            q.grad = None
        loss = _cross_entropy(model(tokens), targets)
        loss.backward()
        losses.append(float(loss.detach()))
        if step == 0:
            grads = {n: t.grad.numpy().astype(np.float32) for n, t in named.items()}
        with torch.no_grad():
            for q in params:
                q -= inp["lr"] * q.grad
    return {"losses": losses, "grads": grads,
            "params": {n: t.detach().numpy().astype(np.float32) for n, t in named.items()},
            "names": stage_names(inp["arch"], p),
            "events": [[list(e) for e in ev] for ev in simulate(p, m, inp["schedule"])],
            "max_live": [m if inp["schedule"] == "gpipe" else min(p - s, m) for s in range(p)]}


def expect_schedules(inp: dict) -> list:
    return [[[list(e) for e in ev] for ev in simulate(p, m, inp["schedule"])] for p, m in inp["pairs"]]


def expect_split(inp: dict) -> dict:
    return {"layers": [split_counts(n, p) for n, p in inp["layers"]],
            "batches": [split_counts(n, m) for n, m in inp["batches"]]}


def expect_loss(inp: dict) -> list[float]:
    """Each cut's share: its tokens' summed cross-entropy over the whole batch's token count, in float64."""
    logits = torch.from_numpy(inp["logits"]).double()
    targets = torch.from_numpy(inp["targets"])
    n = targets.numel()
    edges = [0, *inp["cuts"], logits.shape[0]]
    return [float(_cross_entropy(logits[a:z], targets[a:z]) * targets[a:z].numel() / n)
            for a, z in zip(edges, edges[1:], strict=False)]
