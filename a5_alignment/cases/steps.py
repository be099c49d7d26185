"""Cases for a5.sft_step and a5.grpo_step: the returned loss and the gradient the step leaves on the log-probs,
against numpy formulas (SFT, REINFORCE) and float64 autograd of an independently written GRPO-clip loss. The
oracles are in a5_alignment/oracles/steps.py."""

from __future__ import annotations

from typing import Any

import numpy as np

from a5_alignment.cases.tensors import random_mask
from shared.cases import Case, Impl, Oracles, Suite, close
from shared.cases.tensors import randn, tensor

ORACLES = Oracles("a5_alignment.oracles.steps")  # expected values: instructor-only, never released

STEP_CLOSE = close(rtol=1e-5, atol=1e-6)


def sft_inputs(rng: np.random.Generator) -> dict:
    b, t = int(rng.integers(2, 5)), int(rng.integers(3, 9))
    return {"lp": -np.abs(randn(rng, (b, t), scale=2.0)), "mask": random_mask(rng, (b, t)),
            "k": int(rng.integers(2, 5)), "c": float(rng.uniform(1.0, 10.0))}


def run_sft(impl: Impl, inp: dict) -> Any:
    lp = tensor(inp["lp"], requires_grad=True)
    loss, _ = impl.sft_microbatch_train_step(lp, tensor(inp["mask"]), inp["k"], inp["c"])
    return {"loss": loss.detach(), "grad": lp.grad}


def sft_worked_inputs(rng: np.random.Generator) -> dict:
    return {"lp": np.array([[-1.0, -2.0, -3.0], [-0.5, -0.5, -4.0]], dtype=np.float32),
            "mask": np.array([[True, True, False], [False, True, True]]), "k": 2, "c": 1.0}


def grpo_inputs(loss_type: str) -> Any:
    # k >= 2: at k = 1 a step that forgets to divide by k is right
    def make(rng: np.random.Generator) -> dict:
        b, t = int(rng.integers(2, 6)), int(rng.integers(3, 9))
        old = -np.abs(randn(rng, (b, t), scale=1.5))
        return {"loss_type": loss_type, "lp": (old + randn(rng, (b, t), scale=0.3)).astype(np.float32),
                "old": old, "mask": random_mask(rng, (b, t)), "adv": randn(rng, (b, 1)),
                "raw": rng.integers(0, 2, size=(b, 1)).astype(np.float32), "k": int(rng.integers(2, 6)),
                "clip": float(rng.uniform(0.05, 0.3))}

    return make


def run_grpo(impl: Impl, inp: dict) -> Any:
    lp = tensor(inp["lp"], requires_grad=True)
    loss, _ = impl.grpo_microbatch_train_step(
        lp, tensor(inp["mask"]), inp["k"], inp["loss_type"], raw_rewards=tensor(inp["raw"]),
        advantages=tensor(inp["adv"]), old_log_probs=tensor(inp["old"]), cliprange=inp["clip"])
    return {"loss": loss.detach(), "grad": lp.grad}


SUITE = Suite(cases=(
    Case(name="sft_step/worked_example", inputs=sft_worked_inputs, compare=STEP_CLOSE, run=run_sft,
         expect=ORACLES.expect_sft_worked, seeds=(0,), hidden_draws=0,
         note="log-probs [[-1,-2,-3],[-.5,-.5,-4]], mask [[1,1,0],[0,1,1]], k=2: loss 1.875"),
    Case(name="sft_step/random", inputs=sft_inputs, compare=STEP_CLOSE, run=run_sft, expect=ORACLES.expect_sft,
         seeds=(0, 1, 2), hidden_draws=2,
         note="loss and gradient on the log-probs: divided by normalize_constant and by grad-accum steps"),
    *(Case(name=f"grpo_step/{lt}", inputs=grpo_inputs(lt), compare=STEP_CLOSE, run=run_grpo,
           expect=ORACLES.expect_grpo, hidden_draws=2,
           note=f"loss_type={lt}: masked mean per sequence, batch mean, / grad-accum steps")
      for lt in ("no_baseline", "reinforce_with_baseline", "grpo_clip")),
))
