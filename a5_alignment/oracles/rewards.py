"""Expected values of a5's group-reward and r1-reward cases (a5_alignment/cases/rewards.py), instructor-only (no
release ships it; nothing the worker imports imports it): numpy with ddof=1, a worked example, and the reward
triples the r1 inputs carry (worked out from the handout's rules as each response is built)."""

from __future__ import annotations

from typing import Any

import numpy as np


def expect_group(inp: dict) -> dict:
    """Oracle: numpy, std with ddof=1 (the unbiased sample std)."""
    r = np.asarray(inp["rewards"], dtype=np.float64).reshape(-1, inp["group_size"])
    a = r - r.mean(axis=1, keepdims=True)
    if inp["normalize"]:
        a = a / (r.std(axis=1, ddof=1, keepdims=True) + inp["eps"])
    return {"advantages": a.reshape(-1).astype(np.float32), "raw_rewards": r.reshape(-1).astype(np.float32)}


def expect_worked(inp: dict) -> dict:
    # group 1: mean 0.5, unbiased std sqrt((4 * 0.25) / 3) = 0.57735 -> A = +-0.5 / (0.57735 + 1e-6) = +-0.866024
    # group 2: all equal -> std 0 -> A = 0 / (0 + eps) = 0 (no NaN)
    a = 0.5 / (np.sqrt(1.0 / 3.0) + 1e-6)
    return {"advantages": np.array([a, -a, -a, a, 0, 0, 0, 0], dtype=np.float32),
            "raw_rewards": np.array(inp["rewards"], dtype=np.float32)}


def expect_want(inp: dict) -> Any:
    return inp["want"]
