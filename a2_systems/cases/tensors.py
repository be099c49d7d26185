"""Helpers shared by the a2 case modules: seeded numpy inputs and the torch bridge for `run`.

Input builders run in the grader's process and return numpy only; torch is imported inside the functions that
run in the worker or build expected values."""

from __future__ import annotations

from typing import Any

import numpy as np


def randn(rng: np.random.Generator, shape: tuple[int, ...], scale: float = 1.0,
          dtype: type = np.float32) -> np.ndarray:
    """Standard normal samples times `scale`, as `dtype` (float32 by default)."""
    return (rng.standard_normal(shape) * scale).astype(dtype)


def tensor(a: np.ndarray) -> Any:
    """A torch tensor with its own copy of the array (worker side)."""
    import torch

    return torch.from_numpy(np.array(a, copy=True))


def numpy(t: Any) -> np.ndarray:
    """A torch tensor as a numpy array (detached, on the CPU)."""
    return t.detach().cpu().numpy()
