"""The unbiased pass@k estimator (Chen et al. 2021, "Evaluating Large Language Models Trained on Code", §2.1;
HANDOUT.md §11.2): from n samples of which c are correct, the probability that a random k of them contain at least
one correct sample."""

from __future__ import annotations

import numpy as np


def _check_counts(n: int, c: int, k: int) -> None:
    for name, v in (("n", n), ("c", c), ("k", k)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError(f"pass_at_k: {name} must be an int, got {type(v).__name__}")
    if n < 1 or not 0 <= c <= n or not 1 <= k <= n:
        raise ValueError(f"pass_at_k needs n >= 1, 0 <= c <= n and 1 <= k <= n; got n={n}, c={c}, k={k}")


def pass_at_k(n: int, c: int, k: int) -> float:
    """1 - C(n - c, k) / C(n, k), as a Python float.

    Computed in the paper's product form, 1 - prod_{i = n-c+1}^{n} (1 - k / i), which never forms a binomial
    coefficient (C(2000, 500) overflows a float64); when n - c < k every k-subset holds a correct sample, so 1.
    A bad count (n < 1, c outside [0, n], k outside [1, n], not an int) is a ValueError.
    """
    # BEGIN SOLUTION
    _check_counts(n, c, k)
    if n - c < k:
        return 1.0
    return float(1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1, dtype=np.float64)))
    # END SOLUTION
