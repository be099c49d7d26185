"""A student's approach 2: parabola and best run right, the power law fitted in linear space."""

from __future__ import annotations

import numpy as np


def parabola_minima(params, compute, loss):
    n, c, y = (np.asarray(v, dtype=float) for v in (params, compute, loss))
    if n.shape != c.shape or n.shape != y.shape:
        raise ValueError("params, compute and loss must be 1-D arrays of one length")
    budgets = np.unique(c)
    n_opt, loss_opt = [], []
    for b in budgets:
        x, yy = np.log(n[c == b]), y[c == b]
        if len(np.unique(x)) < 3:
            raise ValueError(f"budget {b} needs at least 3 sizes")
        a2, a1, a0 = np.polyfit(x, yy, 2)
        if a2 <= 0:
            raise ValueError(f"profile at {b} is not convex")
        x_min = -a1 / (2 * a2)
        n_opt.append(np.exp(x_min))
        loss_opt.append(a2 * x_min**2 + a1 * x_min + a0)
    return {"compute": budgets, "n_opt": np.array(n_opt), "loss_opt": np.array(loss_opt)}


def best_run_minima(params, compute, loss):
    n, c, y = (np.asarray(v, dtype=float) for v in (params, compute, loss))
    budgets = np.unique(c)
    n_opt, loss_opt = [], []
    for b in budgets:
        idx = np.flatnonzero(c == b)
        order = np.lexsort((n[idx], y[idx]))  # by loss, then by size
        n_opt.append(n[idx[order[0]]])
        loss_opt.append(y[idx[order[0]]])
    return {"compute": budgets, "n_opt": np.array(n_opt), "loss_opt": np.array(loss_opt)}


def fit_power_law(x, y):
    from scipy.optimize import curve_fit

    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if (x <= 0).any() or (y <= 0).any():
        raise ValueError("x and y must be positive")
    # BUG: least squares on y itself rather than on log y
    (k, a), _ = curve_fit(lambda t, k, a: k * t**a, x / x.max(), y, p0=[y.max(), 0.5], maxfev=10000)
    return float(k / x.max() ** a), float(a)


def isoflops_fit(minima):
    c, n = np.asarray(minima["compute"]), np.asarray(minima["n_opt"])
    n_coef, n_exp = fit_power_law(c, n)
    d_coef, d_exp = fit_power_law(c, c / (6 * n))
    return {"n_coef": n_coef, "n_exp": n_exp, "d_coef": d_coef, "d_exp": d_exp}


def extrapolate(fit, budgets):
    c = np.asarray(budgets, dtype=float)
    return {"n_opt": fit["n_coef"] * c ** fit["n_exp"], "d_opt": fit["d_coef"] * c ** fit["d_exp"]}
