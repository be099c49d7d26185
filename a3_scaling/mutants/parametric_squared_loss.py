"""fit_parametric minimising squared log residuals instead of the Huber loss.

Identical on clean data; a few diverged runs pull a squared loss far off, while Huber's linear tails barely
notice them."""

import numpy as np

from a3_scaling.parametric import theta_to_law

UNIT = "a3.parametric_fit"
TARGET = "fit_parametric"


def MUTANT(params, tokens, loss, delta=1e-3, n_starts=8, init=None):
    from scipy.optimize import minimize
    from scipy.special import logsumexp

    ln_n, ln_d, ln_l = (np.log(np.asarray(v, dtype=np.float64)) for v in (params, tokens, loss))
    if ln_n.size < 5:
        raise ValueError("too few runs")

    def f(t):
        terms = np.stack([t[0] - t[3] * ln_n, t[1] - t[4] * ln_d, np.full_like(ln_n, t[2])])
        return float(((logsumexp(terms, axis=0) - ln_l) ** 2).sum())

    best = None
    for a in (0.0, 5.0, 10.0):
        for alpha in (0.0, 0.5, 1.0):
            res = minimize(f, [a, a, 0.5, alpha, alpha], method="L-BFGS-B")
            if best is None or res.fun < best.fun:
                best = res
    return theta_to_law(best.x)
