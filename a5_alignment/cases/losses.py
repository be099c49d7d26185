"""Cases for a5.pg_losses: the naive REINFORCE loss and the GRPO-clip loss per token against numpy formulas and
a worked example, the dispatch of compute_policy_gradient_loss, and its ValueError on an unknown type. The oracles
are in a5_alignment/oracles/losses.py."""

from __future__ import annotations

from typing import Any

import numpy as np

from shared.cases import Case, Impl, Oracles, Suite, close, raises
from shared.cases.tensors import randn, tensor

ORACLES = Oracles("a5_alignment.oracles.losses")  # expected values: instructor-only, never released


def pg_inputs(rng: np.random.Generator) -> dict:
    b, t = int(rng.integers(2, 6)), int(rng.integers(2, 8))
    old = -np.abs(randn(rng, (b, t), scale=1.5))
    return {"lp": (old + randn(rng, (b, t), scale=0.4)).astype(np.float32), "old": old, "adv": randn(rng, (b, 1)),
            "raw": rng.integers(0, 2, size=(b, 1)).astype(np.float32), "clip": float(rng.uniform(0.05, 0.3))}


def run_naive(impl: Impl, inp: dict) -> Any:
    return impl.compute_naive_policy_gradient_loss(tensor(inp["adv"]), tensor(inp["lp"]))


def run_clip(impl: Impl, inp: dict) -> Any:
    loss, _ = impl.compute_grpo_clip_loss(tensor(inp["adv"]), tensor(inp["lp"]), tensor(inp["old"]), inp["clip"])
    return loss


def clip_worked_inputs(rng: np.random.Generator) -> dict:
    ln = np.log
    # ratios 1.5, 0.5, 1.1 for A = +1 and -1, cliprange 0.2
    lp = np.array([[ln(1.5), ln(0.5), ln(1.1)], [ln(1.5), ln(0.5), ln(1.1)]], dtype=np.float32)
    return {"lp": lp, "old": np.zeros((2, 3), dtype=np.float32), "adv": np.array([[1.0], [-1.0]], np.float32),
            "clip": 0.2}


def run_dispatch(impl: Impl, inp: dict) -> Any:
    out = {}
    for lt in ("no_baseline", "reinforce_with_baseline", "grpo_clip"):
        loss, _ = impl.compute_policy_gradient_loss(tensor(inp["lp"]), lt, raw_rewards=tensor(inp["raw"]),
                                                    advantages=tensor(inp["adv"]),
                                                    old_log_probs=tensor(inp["old"]), cliprange=inp["clip"])
        out[lt] = loss
    return out


def run_unknown(impl: Impl, inp: dict) -> Any:
    return impl.compute_policy_gradient_loss(tensor(inp["lp"]), "ppo_with_value_head",
                                             advantages=tensor(inp["adv"]))


SUITE = Suite(cases=(
    Case(name="pg_loss/naive", inputs=pg_inputs, compare=close(), run=run_naive,
         expect=ORACLES.expect_naive, hidden_draws=2,
         note="-A * log_probs, A (batch, 1) broadcast over (batch, seq)"),
    Case(name="pg_loss/grpo_clip_worked", inputs=clip_worked_inputs, compare=close(rtol=1e-5, atol=1e-6),
         run=run_clip, expect=ORACLES.expect_clip_worked, seeds=(0,), hidden_draws=0,
         note="ratios 1.5, 0.5, 1.1 with A = +1 and -1, cliprange 0.2: the min picks the pessimistic side"),
    Case(name="pg_loss/grpo_clip_random", inputs=pg_inputs, compare=close(rtol=1e-5, atol=1e-6),
         run=run_clip, expect=ORACLES.clip_oracle, seeds=(0, 1, 2), hidden_draws=2,
         note="-min(r A, clip(r, 1-c, 1+c) A) per token"),
    Case(name="pg_loss/dispatch", inputs=pg_inputs, compare=close(rtol=1e-5, atol=1e-6), run=run_dispatch,
         expect=ORACLES.expect_dispatch,
         note="compute_policy_gradient_loss: no_baseline uses raw rewards, the others the advantages"),
    Case(name="pg_loss/unknown_type_raises", inputs=pg_inputs, compare=raises(ValueError), run=run_unknown,
         expect=None, seeds=(0,), note="an unknown loss_type is a ValueError naming the valid types"),
))
