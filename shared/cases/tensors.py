"""Array helpers every case module uses: seeded numpy inputs, float64 for oracles, and the torch bridge for
`run`. Input builders run in the grader's process and return numpy only; torch is imported inside the functions
that run in the worker or build expected values, so the verdict side never loads it for them."""

from __future__ import annotations

from typing import Any

import numpy as np


def randn(rng: np.random.Generator, shape: tuple[int, ...], scale: float = 1.0,
          dtype: type = np.float32) -> np.ndarray:
    """Standard normal samples times `scale`, as `dtype` (float32 by default)."""
    return (rng.standard_normal(shape) * scale).astype(dtype)


def f64(a: Any) -> np.ndarray:
    """The array as float64, for oracles that compute more precisely than the code under test."""
    return np.asarray(a, dtype=np.float64)


def tensor(a: np.ndarray, requires_grad: bool = False) -> Any:
    """A torch tensor with its own copy of the array (worker side): stored inputs may be read-only, and code
    under test that writes in place must not change the inputs a later comparison reads."""
    import torch

    t = torch.from_numpy(np.array(a, copy=True))
    return t.requires_grad_(True) if requires_grad else t


def numpy(t: Any) -> np.ndarray:
    """A torch tensor as a numpy array (detached, on the CPU)."""
    return t.detach().cpu().numpy()
