"""Bootstrap confidence intervals for the approach-3 fit (HANDOUT.md §4.3).

Resample the runs with replacement, refit each resample, and read percentile intervals off the refitted values.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from a3_scaling.parametric import fit_parametric  # noqa: F401
from a3_scaling.sim.law import LAW_KEYS


def bootstrap_intervals(params: Any, tokens: Any, loss: Any, n_boot: int = 200, seed: int = 0,
                        level: float = 0.95) -> dict[str, tuple[float, float]]:
    """Percentile-bootstrap intervals for E, A, B, alpha and beta.

    params, tokens, loss: (R,) a table of runs. Draw `n_boot` resamples of R runs with replacement
    (numpy.random.default_rng(seed)), fit each with `fit_parametric` (starting from the full-data fit is allowed
    and fast), and return {name: (lo, hi)} with lo, hi the (1 - level)/2 and (1 + level)/2 quantiles
    (numpy.quantile's default linear interpolation) of that name's refitted values.
    Raises ValueError for n_boot < 10 or a level outside (0, 1).
    """
    # BEGIN SOLUTION
    if not isinstance(n_boot, int) or n_boot < 10:
        raise ValueError(f"n_boot must be an int >= 10 (percentile intervals need resamples), got {n_boot!r}")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie in (0, 1), e.g. 0.95; got {level!r}")
    n, d, y = (np.asarray(v, dtype=np.float64) for v in (params, tokens, loss))
    full = fit_parametric(n, d, y)
    rng = np.random.default_rng(seed)
    fits = np.empty((n_boot, len(LAW_KEYS)))
    for i in range(n_boot):
        idx = rng.integers(0, n.size, n.size)
        law = fit_parametric(n[idx], d[idx], y[idx], init=full)
        fits[i] = [law[k] for k in LAW_KEYS]
    lo, hi = np.quantile(fits, [(1.0 - level) / 2.0, (1.0 + level) / 2.0], axis=0)
    return {k: (float(lo[j]), float(hi[j])) for j, k in enumerate(LAW_KEYS)}
    # END SOLUTION
