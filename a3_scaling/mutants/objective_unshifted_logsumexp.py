"""parametric_objective with log(sum(exp(terms))) computed without subtracting the max term.

Exact on paper; exp overflows past 709 and the objective becomes inf or NaN for the large a, b that bad
initialisations of the grid reach."""

import numpy as np

UNIT = "a3.objective"
TARGET = "parametric_objective"


def MUTANT(theta, log_n, log_d, log_loss, delta=1e-3):
    a, b, e, alpha, beta = (float(t) for t in theta)
    ln_n, ln_d, ln_l = (np.asarray(v, dtype=np.float64) for v in (log_n, log_d, log_loss))
    with np.errstate(over="ignore", invalid="ignore"):
        ex = np.stack([np.exp(a - alpha * ln_n), np.exp(b - beta * ln_d), np.full_like(ln_n, np.exp(e))])
        total = ex.sum(axis=0)
        r = np.log(total) - ln_l
        w = ex / total
    psi = np.clip(r, -delta, delta)
    value = float(np.where(np.abs(r) <= delta, 0.5 * r * r, delta * (np.abs(r) - 0.5 * delta)).sum())
    grad = np.array([(psi * w[0]).sum(), (psi * w[1]).sum(), (psi * w[2]).sum(),
                     -(psi * w[0] * ln_n).sum(), -(psi * w[1] * ln_d).sum()])
    return value, grad
