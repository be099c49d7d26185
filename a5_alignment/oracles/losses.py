"""Expected values of a5's policy-gradient loss cases (a5_alignment/cases/losses.py), instructor-only (no release
ships it; nothing the worker imports imports it): the naive REINFORCE loss and the GRPO-clip loss per token in
float64 numpy, a worked example, and the dispatch of compute_policy_gradient_loss."""

from __future__ import annotations

import numpy as np

from shared.cases.tensors import f64


def expect_naive(inp: dict) -> np.ndarray:
    return (-f64(inp["adv"]) * f64(inp["lp"])).astype(np.float32)


def clip_oracle(inp: dict) -> np.ndarray:
    """-min(r A, clip(r, 1-c, 1+c) A) in float64 numpy."""
    r = np.exp(f64(inp["lp"]) - f64(inp["old"]))
    a, c = f64(inp["adv"]), inp["clip"]
    return (-np.minimum(r * a, np.clip(r, 1 - c, 1 + c) * a)).astype(np.float32)


def expect_clip_worked(inp: dict) -> np.ndarray:
    # By hand. A=+1: r=1.5 -> -min(1.5, 1.2) = -1.2; r=0.5 -> -min(0.5, 0.8) = -0.5; r=1.1 -> -1.1.
    # A=-1: r=1.5 -> -min(-1.5, -1.2) = 1.5; r=0.5 -> -min(-0.5, -0.8) = 0.8; r=1.1 -> 1.1.
    return np.array([[-1.2, -0.5, -1.1], [1.5, 0.8, 1.1]], dtype=np.float32)


def expect_dispatch(inp: dict) -> dict:
    lp = f64(inp["lp"])
    return {"no_baseline": (-f64(inp["raw"]) * lp).astype(np.float32),
            "reinforce_with_baseline": (-f64(inp["adv"]) * lp).astype(np.float32), "grpo_clip": clip_oracle(inp)}
