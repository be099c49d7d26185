"""bootstrap_intervals that resamples without replacement (a permutation): every resample is the same table, so
every refit is the same law and the intervals have zero width."""

import numpy as np

from a3_scaling.parametric import fit_parametric
from a3_scaling.sim.law import LAW_KEYS

UNIT = "a3.bootstrap"
TARGET = "bootstrap_intervals"


def MUTANT(params, tokens, loss, n_boot=200, seed=0, level=0.95):
    if not 0 < level < 1:
        raise ValueError("level")
    n, d, y = (np.asarray(v, dtype=np.float64) for v in (params, tokens, loss))
    rng = np.random.default_rng(seed)
    full = fit_parametric(n, d, y)
    fits = []
    for _ in range(n_boot):
        idx = rng.permutation(n.size)
        law = fit_parametric(n[idx], d[idx], y[idx], init=full)
        fits.append([law[k] for k in LAW_KEYS])
    lo, hi = np.quantile(np.array(fits), [(1 - level) / 2, (1 + level) / 2], axis=0)
    return {k: (float(lo[j]), float(hi[j])) for j, k in enumerate(LAW_KEYS)}
