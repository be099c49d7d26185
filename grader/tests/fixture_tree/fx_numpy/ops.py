"""Small array operations."""

import numpy as np

# BEGIN SOLUTION ONLY
_HELPER_NOTE = "solution-only module code: deleted in the release"
# END SOLUTION ONLY


def add(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a + b, elementwise."""
    # BEGIN SOLUTION
    return a + b
    # END SOLUTION


def scale(x: np.ndarray, k: int) -> np.ndarray:
    """x * k for a non-negative int k, by repeated add()."""
    # BEGIN SOLUTION
    out = np.zeros_like(x)
    for _ in range(k):
        out = add(out, x)
    return out
    # END SOLUTION


def sample(probs: np.ndarray, n: int, seed: int) -> np.ndarray:
    """n draws from the categorical distribution `probs`, as int64 category ids."""
    # BEGIN SOLUTION
    rng = np.random.default_rng(seed)
    return rng.choice(len(probs), size=n, p=probs).astype(np.int64)
    # END SOLUTION


def checked_sqrt(x: float) -> float:
    """sqrt(x); ValueError for negative x."""
    # BEGIN SOLUTION
    if x < 0:
        raise ValueError(f"negative input {x}")
    return float(np.sqrt(x))
    # END SOLUTION
