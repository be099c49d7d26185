"""Expected values of a5's masked_normalize and masked_mean cases (a5_alignment/cases/masked.py), instructor-only
(no release ships it; nothing the worker imports imports it): float64 numpy sums over the selected entries, and
the worked example."""

from __future__ import annotations

import numpy as np

from shared.cases.tensors import f64


def _sum(inp: dict) -> tuple[np.ndarray, np.ndarray]:
    x = np.where(inp["mask"], f64(inp["x"]), 0.0)
    if inp["dim"] is None:
        return np.asarray(x.sum()), np.asarray(inp["mask"].sum())
    return x.sum(axis=inp["dim"]), inp["mask"].sum(axis=inp["dim"])


def expect_normalize(inp: dict) -> np.ndarray:
    return np.asarray(_sum(inp)[0] / inp["c"], dtype=np.float32)


def expect_mean(inp: dict) -> np.ndarray:
    s, n = _sum(inp)
    return np.asarray(s / n, dtype=np.float32)


def expect_normalize_worked(inp: dict) -> np.ndarray:
    return np.array([2.0, 3.0], dtype=np.float32)


def expect_mean_worked(inp: dict) -> np.ndarray:
    return np.array([2.0, 6.0], dtype=np.float32)
