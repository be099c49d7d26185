"""parametric_objective with residuals in linear space: L_hat - L instead of ln L_hat - ln L ("fitting in
linear space"). Hoffmann et al. fit log-loss so that every run weighs alike whatever its loss."""

import numpy as np

UNIT = "a3.objective"
TARGET = "parametric_objective"


def MUTANT(theta, log_n, log_d, log_loss, delta=1e-3):
    a, b, e, alpha, beta = (float(t) for t in theta)
    t1, t2 = a - alpha * np.asarray(log_n), b - beta * np.asarray(log_d)
    pred = np.exp(t1) + np.exp(t2) + np.exp(e)
    r = pred - np.exp(np.asarray(log_loss))
    psi = np.clip(r, -delta, delta)
    value = float(np.where(np.abs(r) <= delta, 0.5 * r * r, delta * (np.abs(r) - 0.5 * delta)).sum())
    grad = np.array([(psi * np.exp(t1)).sum(), (psi * np.exp(t2)).sum(), (psi * np.exp(e)).sum(),
                     -(psi * np.exp(t1) * log_n).sum(), -(psi * np.exp(t2) * log_d).sum()])
    return value, grad
