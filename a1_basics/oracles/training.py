"""Expected values of the training cases (cases/training.py, and those of hidden/model_edges.py that reuse them):
a1.cross_entropy (torch's F.cross_entropy in float64), a1.adamw (torch.optim.AdamW in float64 on the same
gradients), a1.lr_schedule (the formula and a worked example), a1.clipping (a numpy formula) and a1.get_batch (the
uniform distribution of start positions). Instructor-only: no release ships this module, and nothing the worker
imports imports it."""

from __future__ import annotations

import math

import numpy as np

from a1_basics.cases.training import _drive
from shared.cases.tensors import f64

# ---- cross-entropy ----

def expect_ce(inp: dict) -> np.ndarray:
    import torch
    import torch.nn.functional as F

    logits = torch.from_numpy(f64(inp["logits"]))
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), torch.from_numpy(inp["targets"]).reshape(-1))
    return np.asarray(loss.item(), dtype=inp["logits"].dtype)


# ---- AdamW ----

def expect_adamw(inp: dict) -> list:
    import torch

    return [p.detach().numpy().astype(np.float32) for p in _drive(torch.optim.AdamW, inp, torch.float64)]


# ---- learning-rate schedule ----

def schedule_formula(t: int, hi: float, lo: float, warmup: int, cycle: int) -> float:
    if t < warmup:
        return hi * t / warmup
    if t > cycle:
        return lo
    return lo + (hi - lo) * (1.0 + math.cos(math.pi * (t - warmup) / (cycle - warmup))) / 2.0


def expect_schedule(inp: dict) -> list:
    return [schedule_formula(t, inp["max"], inp["min"], inp["warmup"], inp["cycle"]) for t in inp["ts"]]


# Worked by hand (max 1, min 0.1, warm-up 4, cycle 12): the cosine phase (t - 4) / 8 is 1/4 at t = 6, so
# 0.1 + 0.45 (1 + cos(pi/4)) = 0.868198; 1/2 at t = 8 gives 0.55; 3/4 at t = 10 gives 0.1 + 0.45 (1 - cos(pi/4)).
WORKED_VALUES = [0.0, 0.5, 1.0, 0.1 + 0.45 * (1 + math.sqrt(0.5)), 0.55, 0.1 + 0.45 * (1 - math.sqrt(0.5)), 0.1,
                 0.1, 0.1]


def expect_worked_schedule(inp: dict) -> list:
    return list(WORKED_VALUES)


# ---- gradient clipping ----

def expect_clip(inp: dict) -> dict:
    grads = [f64(g) for g in inp["grads"]]
    total = math.sqrt(sum(float((g**2).sum()) for g in grads))
    scale = inp["max_l2_norm"] / (total + 1e-6) if total > inp["max_l2_norm"] else 1.0
    return {"grads": [(g * scale).astype(np.float32) for g in grads], "norm": total, "untouched_grad_is_none": True}


# ---- get_batch ----

def expect_uniform_starts(inp: dict) -> np.ndarray:
    n_starts = len(inp["dataset"]) - inp["context_length"]  # starts 0 .. len - ctx - 1
    probs = np.zeros(len(inp["dataset"]))
    probs[:n_starts] = 1.0 / n_starts
    return probs
