"""Cases for the training pieces: a1.cross_entropy (torch's F.cross_entropy in float64), a1.adamw
(torch.optim.AdamW in float64 on the same gradients), a1.lr_schedule (the formula in numpy and a worked example),
a1.clipping (a numpy formula), a1.get_batch (a chi-squared test on start positions plus exact window properties)
and a1.checkpoint (a resumed run equals the uninterrupted one; a corrupt file raises ValueError). The oracles are in
a1_basics/oracles/training.py (instructor-only)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from a1_basics.cases.tensors import DIST_ALPHA
from shared.cases import Case, Impl, Oracles, Suite, close, distribution, exact, fields, predicate, raises
from shared.cases.tensors import f64, randn, tensor

ORACLES = Oracles("a1_basics.oracles.training")  # expected values: instructor-only, never released

CE, ADAMW, SCHEDULE, CLIP, BATCH, CKPT = ("a1.cross_entropy", "a1.adamw", "a1.lr_schedule", "a1.clipping",
                                          "a1.get_batch", "a1.checkpoint")


# ---- cross-entropy ----

def ce_inputs(lead: tuple[int, ...], vocab: int, scale: float,
              dtype: type = np.float32) -> Callable[[np.random.Generator], dict]:
    def make(rng: np.random.Generator) -> dict:
        return {"logits": randn(rng, (*lead, vocab), scale, dtype),
                "targets": rng.integers(0, vocab, size=lead).astype(np.int64)}

    return make


def run_ce(impl: Impl, inp: dict) -> Any:
    return impl.cross_entropy(tensor(inp["logits"]), tensor(inp["targets"]))


# ---- AdamW ----

ADAMW_STEPS = 30
# lr 1e-3 over 30 steps: the decay-before/after-the-step difference from torch (lr^2 * wd per step) stays
# below 1e-6 and ε's placement below 1e-8 (given GRAD_FLOOR); float32 rounding ~1e-7. A no-op moves ~3e-2 away,
# a missing bias correction ~1e-3, weight decay folded into the gradient (Adam + L2) ~1e-4.
ADAMW_CLOSE = close(rtol=1e-5, atol=1e-5)
# subtle: the handout's α_t form adds ε to sqrt(v), torch to sqrt(v) / sqrt(1 - β2^t): at t = 1 the effective ε
# differs by up to 1/sqrt(1 - 0.999) ~ 32x, and the first update lr * g / (|g| + ε') then differs by ~lr * 32ε / |g|.
# For a gradient drawn near 0 that is ill-conditioned (|g| ~ 1e-5 puts it at twice the tolerance: one draw in 1500
# failed and two more passed at 0.65-0.88 of it), so every gradient is kept at |g| >= GRAD_FLOOR, where the
# difference is <= lr * 32ε / 0.05 ~ 1e-8 per step.
GRAD_FLOOR = 0.05


def adamw_inputs(groups: bool) -> Callable[[np.random.Generator], dict]:
    """Two (or three) parameters and a gradient for each step. With `groups`, two param groups with their own
    hyperparameters, and the last parameter has no gradient on odd steps (it must be skipped, not decayed)."""

    def make(rng: np.random.Generator) -> dict:
        shapes = [(4, 3), (5,)] + ([(2, 2)] if groups else [])
        params = [randn(rng, s) for s in shapes]
        grads = [randn(rng, (ADAMW_STEPS, *s)) for s in shapes]
        grads = [np.copysign(np.maximum(np.abs(g), np.float32(GRAD_FLOOR)), g) for g in grads]
        if groups:
            hp = [{"lr": 1e-3, "weight_decay": 0.1, "betas": (0.9, 0.999)},
                  {"lr": 2e-3, "weight_decay": 0.02, "betas": (0.8, 0.99)}]
        else:
            hp = [{"lr": 1e-3, "weight_decay": float(rng.choice([0.01, 0.1])), "betas": (0.9, 0.999)}]
        return {"params": params, "grads": grads, "groups": hp, "eps": 1e-8, "skip_odd_last": groups}

    return make


def _param_groups(params: list, inp: dict) -> list[dict]:
    hp = inp["groups"]
    if len(hp) == 1:
        return [{"params": params, **{k: (tuple(v) if k == "betas" else v) for k, v in hp[0].items()}}]
    return [{"params": params[:1], **{k: (tuple(v) if k == "betas" else v) for k, v in hp[0].items()}},
            {"params": params[1:], **{k: (tuple(v) if k == "betas" else v) for k, v in hp[1].items()}}]


def _drive(opt_cls: Any, inp: dict, dtype: Any) -> list:
    import torch

    params = [torch.nn.Parameter(torch.from_numpy(np.asarray(p)).to(dtype).clone()) for p in inp["params"]]
    opt = opt_cls(_param_groups(params, inp), eps=inp["eps"])
    for t in range(ADAMW_STEPS):
        for p, g in zip(params, inp["grads"], strict=True):
            p.grad = torch.from_numpy(np.asarray(g[t])).to(dtype).clone()
        if inp["skip_odd_last"] and t % 2 == 1:
            params[-1].grad = None
        opt.step()
    return params


def run_adamw(impl: Impl, inp: dict) -> list:
    import torch

    return [p.detach() for p in _drive(impl.AdamW, inp, torch.float32)]


# ---- learning-rate schedule ----

def schedule_inputs(rng: np.random.Generator) -> dict:
    warmup = int(rng.integers(1, 20))
    cycle = warmup + int(rng.integers(5, 60))
    hi = float(rng.uniform(1e-4, 1e-2))
    return {"max": hi, "min": hi * float(rng.uniform(0.0, 0.3)), "warmup": warmup, "cycle": cycle,
            "ts": list(range(cycle + 6))}


def run_schedule(impl: Impl, inp: dict) -> list:
    return [float(impl.lr_cosine_schedule(t, inp["max"], inp["min"], inp["warmup"], inp["cycle"]))
            for t in inp["ts"]]


# A worked example (max 1, min 0.1, warm-up 4, cycle 12); its values, worked by hand, are in
# a1_basics/oracles/training.py.
WORKED = {"max": 1.0, "min": 0.1, "warmup": 4, "cycle": 12, "ts": [0, 2, 4, 6, 8, 10, 12, 13, 20]}


# ---- gradient clipping ----

def clip_inputs(ratio: float) -> Callable[[np.random.Generator], dict]:
    """Three gradients and one parameter without a gradient; max_l2_norm = ratio * the global norm."""

    def make(rng: np.random.Generator) -> dict:
        grads = [randn(rng, s, 2.0) for s in [(3, 4), (6,), (2, 2, 2)]]
        total = math.sqrt(sum(float((f64(g) ** 2).sum()) for g in grads))
        return {"grads": grads, "no_grad_shape": [5], "max_l2_norm": ratio * total}

    return make


def run_clip(impl: Impl, inp: dict) -> dict:
    import torch

    params = [torch.nn.Parameter(torch.zeros(g.shape)) for g in inp["grads"]]
    for p, g in zip(params, inp["grads"], strict=True):
        p.grad = tensor(g).clone()
    frozen = torch.nn.Parameter(torch.zeros(inp["no_grad_shape"]))
    norm = impl.clip_gradients([params[0], frozen, *params[1:]], inp["max_l2_norm"])
    return {"grads": [p.grad for p in params], "norm": float(norm), "untouched_grad_is_none": frozen.grad is None}


CLIP_COMPARE = fields(grads=close(rtol=1e-5, atol=1e-6), norm=close(rtol=1e-5, atol=1e-6),
                      untouched_grad_is_none=exact())


# ---- get_batch ----

def _seed_everything(seed: int) -> None:
    import random

    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


# 8000 windows (~250 per start): a missing last start (the off-by-one mutant) gives chi-squared ~290 on 31
# degrees of freedom, p < 1e-20 even three standard deviations low, far past alpha = DIST_ALPHA.
DIST_LEN, DIST_CTX, DIST_BATCH = 40, 8, 8000


def batch_start_inputs(rng: np.random.Generator) -> dict:
    offset = int(rng.integers(0, 1000))
    return {"dataset": (np.arange(DIST_LEN) + offset).astype(np.uint16), "offset": offset,
            "batch_size": DIST_BATCH, "context_length": DIST_CTX, "seed": int(rng.integers(2**31))}


def run_batch_starts(impl: Impl, inp: dict) -> Any:
    _seed_everything(inp["seed"])
    x, _ = impl.get_batch(inp["dataset"], inp["batch_size"], inp["context_length"], "cpu")
    return x[:, 0].long() - inp["offset"]  # the data is offset + arange, so x[:, 0] names the start


def batch_window_inputs(length: int, ctx: int, batch: int) -> Callable[[np.random.Generator], dict]:
    def make(rng: np.random.Generator) -> dict:
        data = rng.permutation(60000)[:length].astype(np.uint16)  # distinct values: a value names its position
        return {"dataset": data, "batch_size": batch, "context_length": ctx, "seed": int(rng.integers(2**31))}

    return make


def run_batch_windows(impl: Impl, inp: dict) -> dict:
    _seed_everything(inp["seed"])
    x, y = impl.get_batch(inp["dataset"], inp["batch_size"], inp["context_length"], "cpu")
    return {"x": x, "y": y, "dtypes": [str(x.dtype), str(y.dtype)], "devices": [str(x.device), str(y.device)]}


def windows_are_slices(inp: dict, out: dict) -> tuple[bool, str]:
    data, b, ctx = inp["dataset"], inp["batch_size"], inp["context_length"]
    if out["dtypes"] != ["torch.int64", "torch.int64"] or out["devices"] != ["cpu", "cpu"]:
        return False, f"x, y must be int64 on the requested device; got {out['dtypes']} on {out['devices']}"
    x, y = out["x"], out["y"]
    if x.shape != (b, ctx) or y.shape != (b, ctx):
        return False, f"x, y must have shape ({b}, {ctx}); got {x.shape}, {y.shape}"
    position = {int(v): i for i, v in enumerate(data)}
    for row in range(b):
        s = position.get(int(x[row, 0]))
        if s is None or s > len(data) - ctx - 1:
            return False, f"row {row} does not start at a valid position of the dataset"
        if not (np.array_equal(x[row], data[s:s + ctx]) and np.array_equal(y[row], data[s + 1:s + ctx + 1])):
            return False, (f"row {row}: x must be dataset[s:s+ctx] and y dataset[s+1:s+ctx+1] for one start s "
                           f"(here s = {s})")
    return True, ""


# ---- checkpoint ----

def ckpt_inputs(to_path: bool) -> Callable[[np.random.Generator], dict]:
    def make(rng: np.random.Generator) -> dict:
        return {"torch_seed": int(rng.integers(2**31)), "iteration": int(rng.integers(1, 10_000)),
                "steps_before": int(rng.integers(2, 5)), "to_path": to_path}

    return make


def _tiny_training(seed: int) -> tuple[Any, Any, Any]:
    """A small torch model, torch's AdamW and a fixed batch: the checkpoint unit needs no other unit."""
    import torch

    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.1)
    batch = (torch.randn(16, 6), torch.randn(16, 3))
    return model, opt, batch


def _train_step(model: Any, opt: Any, batch: tuple) -> None:
    opt.zero_grad()
    ((model(batch[0]) - batch[1]) ** 2).mean().backward()
    opt.step()


def run_ckpt_resume(impl: Impl, inp: dict) -> dict:
    import io
    import os
    import tempfile

    model, opt, batch = _tiny_training(inp["torch_seed"])
    for _ in range(inp["steps_before"]):
        _train_step(model, opt, batch)
    resumed, resumed_opt, _ = _tiny_training(inp["torch_seed"] + 1)  # different weights, empty state
    with tempfile.TemporaryDirectory() as tmp:
        if inp["to_path"]:
            path = os.path.join(tmp, "ckpt.pt")
            impl.save_checkpoint(model, opt, inp["iteration"], path)
            it = impl.load_checkpoint(path, resumed, resumed_opt)
        else:
            buf = io.BytesIO()
            impl.save_checkpoint(model, opt, inp["iteration"], buf)
            buf.seek(0)
            it = impl.load_checkpoint(buf, resumed, resumed_opt)
    for _ in range(2):  # both runs continue: equal only if the optimizer moments were restored too
        _train_step(model, opt, batch)
        _train_step(resumed, resumed_opt, batch)
    return {"iteration": int(it), "uninterrupted": [p.detach() for p in model.parameters()],
            "resumed": [p.detach() for p in resumed.parameters()]}


def resume_is_identical(inp: dict, out: dict) -> tuple[bool, str]:
    if out["iteration"] != inp["iteration"]:
        return False, f"load_checkpoint returned {out['iteration']}, the saved iteration was {inp['iteration']}"
    for i, (a, b) in enumerate(zip(out["uninterrupted"], out["resumed"], strict=True)):
        if a.shape != b.shape or not np.array_equal(a, b):
            return False, (f"parameter {i} differs after resuming and taking two more steps: model and optimizer "
                           f"state must both be restored")
    return True, ""


def corrupt_inputs(rng: np.random.Generator) -> dict:
    return {"data": rng.integers(0, 256, size=int(rng.integers(50, 400)), dtype=np.uint8).tobytes()}


def run_load_corrupt(impl: Impl, inp: dict) -> Any:
    import io

    model, opt, _ = _tiny_training(0)
    return impl.load_checkpoint(io.BytesIO(inp["data"]), model, opt)


SUITE = Suite(cases=(
    Case(name="cross_entropy/batch", inputs=ce_inputs((8,), 20, 3.0), compare=close(rtol=1e-5, atol=1e-6),
         run=run_ce, expect=ORACLES.expect_ce, hidden_draws=2,
         note="logits (8, 20), targets (8,): the mean loss, against "
              "torch.nn.functional.cross_entropy in float64"),
    Case(name="cross_entropy/leading_dims", inputs=ce_inputs((2, 5), 16, 2.0),
         compare=close(rtol=1e-5, atol=1e-6), run=run_ce, expect=ORACLES.expect_ce,
         note="logits (batch 2, seq 5, vocab 16): averaged over every position"),
    Case(name="cross_entropy/large_logits", inputs=ce_inputs((6,), 12, 1e4),
         compare=close(rtol=1e-5, atol=1e-3), run=run_ce, expect=ORACLES.expect_ce,
         note="logits of size ~1e4: exp overflows unless the max is subtracted (no inf or NaN)"),
    Case(name="adamw/single_group", inputs=adamw_inputs(groups=False), compare=ADAMW_CLOSE, run=run_adamw,
         expect=ORACLES.expect_adamw, hidden_draws=2,
         note=f"{ADAMW_STEPS} steps on two parameters with given gradients, "
              "against torch.optim.AdamW (lr 1e-3) in float64"),
    Case(name="adamw/param_groups_and_skips", inputs=adamw_inputs(groups=True), compare=ADAMW_CLOSE,
         run=run_adamw, expect=ORACLES.expect_adamw,
         note="two param groups with their own lr, weight_decay and betas; a "
              "parameter whose .grad is None is skipped (no decay, no step)"),
    Case(name="lr_schedule/sweep", inputs=schedule_inputs, compare=close(rtol=1e-9, atol=1e-12),
         run=run_schedule, expect=ORACLES.expect_schedule, hidden_draws=2,
         note="every t from 0 to cosine_cycle_iters + 5: warm-up, cosine, then the floor"),
    Case(name="lr_schedule/worked_example", inputs=lambda rng: dict(WORKED),
         compare=close(rtol=1e-9, atol=1e-12), run=run_schedule, expect=ORACLES.expect_worked_schedule, seeds=(0,),
         hidden_draws=0,
         note="max 1, min 0.1, warm-up 4, cycle 12 at t = 0, 2, 4, 6, 8, 10, 12, 13, 20 (the handout's table)"),
    Case(name="clipping/scales_down", inputs=clip_inputs(0.3), compare=CLIP_COMPARE, run=run_clip,
         expect=ORACLES.expect_clip, hidden_draws=2,
         note="global norm over three gradients above max: all scaled by max / (norm + 1e-6); a "
                              "parameter without .grad is skipped; returns the norm before clipping"),
    Case(name="clipping/below_max_unchanged", inputs=clip_inputs(1.5), compare=CLIP_COMPARE, run=run_clip,
         expect=ORACLES.expect_clip, note="global norm below max: gradients unchanged"),
    Case(name="get_batch/uniform_starts", inputs=batch_start_inputs, compare=distribution(alpha=DIST_ALPHA),
         run=run_batch_starts, expect=ORACLES.expect_uniform_starts, hidden_draws=2,
         note=f"{DIST_BATCH} windows of {DIST_CTX} from {DIST_LEN} tokens: starts uniform on "
              f"0..{DIST_LEN - DIST_CTX - 1} (chi-squared)"),
    Case(name="get_batch/windows", inputs=batch_window_inputs(300, 12, 16),
         compare=predicate("x, y are int64 slices dataset[s:s+ctx], dataset[s+1:s+ctx+1]", windows_are_slices),
         run=run_batch_windows,
         note="each row of x is a contiguous slice of the data and y is x shifted by one; int64 on the device"),
    Case(name="checkpoint/resume_file_object", inputs=ckpt_inputs(to_path=False),
         compare=predicate("a resumed run equals the uninterrupted run", resume_is_identical), run=run_ckpt_resume,
         note="save to an io.BytesIO, load into a fresh model and optimizer: the "
                                             "iteration comes back and two more steps match exactly"),
    Case(name="checkpoint/resume_path", inputs=ckpt_inputs(to_path=True),
         compare=predicate("a resumed run equals the uninterrupted run", resume_is_identical), run=run_ckpt_resume,
         note="the same through a file path"),
    Case(name="checkpoint/corrupt_raises", inputs=corrupt_inputs, compare=raises(ValueError),
         run=run_load_corrupt, note="random bytes are not a checkpoint: load_checkpoint raises ValueError"),
))
