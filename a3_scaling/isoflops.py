"""IsoFLOPs profiles: Chinchilla's approach 2 (Hoffmann et al. 2022, §3.2) on a table of runs (HANDOUT.md §3).

A table of runs is three equal-length 1-D arrays: `params` (N), `compute` (C, training FLOPs) and `loss`.
Runs that share a compute budget form an isoFLOP profile. For each profile we find the loss-minimising size
N_opt(C), either from a parabola fitted to loss against ln N (Hoffmann et al.) or by taking the best run
(CS336's simplification), then fit N_opt = k_N C^a and D_opt = k_D C^b with D_opt = C / (6 N_opt).
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _table(params: Any, compute: Any, loss: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validated float64 copies of a table of runs (shared by both minima functions; finished code)."""
    arrays = [np.asarray(x, dtype=np.float64) for x in (params, compute, loss)]
    if any(a.ndim != 1 for a in arrays) or len({a.size for a in arrays}) != 1:
        raise ValueError(f"params, compute and loss must be 1-D arrays of one length, got shapes "
                         f"{[a.shape for a in arrays]}")
    if arrays[0].size == 0:
        raise ValueError("the table of runs is empty")
    if not all(np.isfinite(a).all() for a in arrays) or (arrays[0] <= 0).any() or (arrays[1] <= 0).any():
        raise ValueError("params and compute must be positive and every value finite")
    return arrays[0], arrays[1], arrays[2]


def parabola_minima(params: Any, compute: Any, loss: Any) -> dict[str, np.ndarray]:
    """Per compute budget, the minimum of a least-squares parabola fitted to loss against ln N.

    Inputs: 1-D arrays of one length (a table of runs). Returns {"compute": (k,), "n_opt": (k,), "loss_opt": (k,)},
    float64, budgets in ascending order; n_opt = exp(-b / 2a) and loss_opt the parabola's value there, for the fit
    loss ~ a (ln N)^2 + b ln N + c. Naive equivalent: numpy.polyfit(np.log(N), loss, 2) per budget.
    Raises ValueError when a budget has fewer than 3 distinct sizes or its parabola opens downwards (a >= 0 fails:
    there is no minimum, so widen the sweep around the best run).
    """
    # BEGIN SOLUTION
    n, c, y = _table(params, compute, loss)
    budgets = np.unique(c)
    n_opt, loss_opt = np.empty(budgets.size), np.empty(budgets.size)
    for i, budget in enumerate(budgets):
        sel = c == budget
        x = np.log(n[sel])
        if np.unique(x).size < 3:
            raise ValueError(f"budget {budget:.3g} has {np.unique(x).size} distinct sizes; a parabola needs 3")
        # subtle: fit in ln N around its mean, so the normal equations stay well conditioned at N ~ 1e9
        x0 = x.mean()
        a, b, c0 = np.polyfit(x - x0, y[sel], 2)
        if not a > 0:
            raise ValueError(f"the isoFLOP profile at {budget:.3g} FLOPs is not convex (a = {a:.3g}); widen the "
                             f"range of sizes around its best run")
        xm = -b / (2.0 * a)
        n_opt[i] = np.exp(x0 + xm)
        loss_opt[i] = c0 - b * b / (4.0 * a)
    return {"compute": budgets, "n_opt": n_opt, "loss_opt": loss_opt}
    # END SOLUTION


def best_run_minima(params: Any, compute: Any, loss: Any) -> dict[str, np.ndarray]:
    """Per compute budget, the run with the lowest loss (CS336's simplification of approach 2).

    Same inputs and output as `parabola_minima`: {"compute", "n_opt", "loss_opt"}, budgets ascending, where n_opt
    and loss_opt are the best run's own size and loss. On a tie the smaller model wins (it is cheaper to serve).
    """
    # BEGIN SOLUTION
    n, c, y = _table(params, compute, loss)
    budgets = np.unique(c)
    n_opt, loss_opt = np.empty(budgets.size), np.empty(budgets.size)
    for i, budget in enumerate(budgets):
        idx = np.flatnonzero(c == budget)
        best = min(idx, key=lambda j: (y[j], n[j]))
        n_opt[i], loss_opt[i] = n[best], y[best]
    return {"compute": budgets, "n_opt": n_opt, "loss_opt": loss_opt}
    # END SOLUTION


def fit_power_law(x: Any, y: Any) -> tuple[float, float]:
    """Least-squares fit of y = k x^a in log space: ln y = ln k + a ln x. Returns (k, a).

    x and y: 1-D arrays of one length >= 2, all positive (ValueError otherwise, naming the problem).
    Naive equivalent: numpy.polyfit(np.log(x), np.log(y), 1) gives (a, ln k).
    """
    # BEGIN SOLUTION
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"x and y must be 1-D arrays of one length, got shapes {x.shape} and {y.shape}")
    if np.unique(x).size < 2:
        raise ValueError("a power law needs at least 2 distinct x values")
    if not (np.isfinite(x).all() and np.isfinite(y).all()) or (x <= 0).any() or (y <= 0).any():
        raise ValueError("a power law is fitted in log space: x and y must be positive and finite")
    lx, ly = np.log(x), np.log(y)
    mx, my = lx.mean(), ly.mean()
    a = float(((lx - mx) * (ly - my)).sum() / ((lx - mx) ** 2).sum())
    return float(np.exp(my - a * mx)), a
    # END SOLUTION


def isoflops_fit(minima: dict) -> dict[str, float]:
    """Power laws through per-budget minima: N_opt = n_coef C^n_exp and D_opt = d_coef C^d_exp, where
    D_opt = C / (6 N_opt).

    `minima`: the output of `parabola_minima` or `best_run_minima` (at least 2 budgets). Returns
    {"n_coef", "n_exp", "d_coef", "d_exp"} as floats (n_exp + d_exp = 1 by construction).
    """
    # BEGIN SOLUTION
    c, n = np.asarray(minima["compute"], dtype=np.float64), np.asarray(minima["n_opt"], dtype=np.float64)
    n_coef, n_exp = fit_power_law(c, n)
    d_coef, d_exp = fit_power_law(c, c / (6.0 * n))
    return {"n_coef": n_coef, "n_exp": n_exp, "d_coef": d_coef, "d_exp": d_exp}
    # END SOLUTION


def extrapolate(fit: dict, budgets: Any) -> dict[str, np.ndarray]:
    """N_opt and D_opt predicted by an `isoflops_fit` result at `budgets` (FLOPs, any shape).
    Returns {"n_opt", "d_opt"} as float64 arrays of the budgets' shape."""
    # BEGIN SOLUTION
    c = np.asarray(budgets, dtype=np.float64)
    if np.any(~np.isfinite(c)) or np.any(c <= 0):
        raise ValueError("budgets must be positive and finite")
    return {"n_opt": fit["n_coef"] * c ** fit["n_exp"], "d_opt": fit["d_coef"] * c ** fit["d_exp"]}
    # END SOLUTION
