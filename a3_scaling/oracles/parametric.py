"""Expected values of a3's approach-3 cases (a3_scaling/cases/parametric.py): scipy.special.huber and
scipy.special.logsumexp for the objective, central finite differences for its gradient, and
scipy.optimize.least_squares with its Huber loss (the same objective, another optimiser) on noisy tables.
Instructor-only: no release ships this module, and nothing the worker imports imports it."""

from __future__ import annotations

import numpy as np

from a3_scaling.cases.tables import LAW_KEYS

DELTA = 1e-3


def _scipy_objective(theta: np.ndarray, inp: dict) -> float:
    from scipy.special import huber, logsumexp

    a, b, e, alpha, beta = theta
    terms = np.stack([a - alpha * inp["log_n"], b - beta * inp["log_d"], np.full_like(inp["log_n"], e)])
    return float(huber(inp["delta"], logsumexp(terms, axis=0) - inp["log_loss"]).sum())


def expect_objective(inp: dict, step: float = 1e-6) -> dict:
    """scipy's huber and logsumexp for the value; central differences (step 1e-6) for the gradient."""
    theta = inp["theta"]
    grad = np.empty(5)
    for i in range(5):
        h = np.zeros(5)
        h[i] = step
        grad[i] = (_scipy_objective(theta + h, inp) - _scipy_objective(theta - h, inp)) / (2 * step)
    return {"value": _scipy_objective(theta, inp), "grad": grad}


def expect_objective_large(inp: dict) -> dict:
    """As expect_objective with step 1e-4. A central difference errs by ~eps |f| / h (rounding) plus ~h^2 f3 / 6
    (truncation, f3 the third derivative). Here every residual is ~700, far past delta, so each Huber term is
    linear and smooth (f3 is small) while |f| reaches ~300: step 1e-6 put the rounding at up to 0.36 of atol 1e-7
    over 300 draws, step 1e-4 puts both errors under 0.01 of it."""
    return expect_objective(inp, step=1e-4)


def expect_least_squares(inp: dict) -> dict:
    """scipy.optimize.least_squares(loss="huber", f_scale=delta) on r = ln(E + A/N^alpha + B/D^beta) - ln L,
    started at the generating law: its cost 0.5 f_scale^2 rho((r / f_scale)^2) is huber(delta, r) term by term,
    so it minimises the same objective by another method (trust region reflective, in E, A, B, alpha, beta)."""
    from scipy.optimize import least_squares

    n, d, log_loss = inp["params"], inp["tokens"], np.log(inp["loss"])

    def residuals(p: np.ndarray) -> np.ndarray:
        e, a, b, alpha, beta = p
        return np.log(e + a / n**alpha + b / d**beta) - log_loss

    res = least_squares(residuals, [inp["law"][k] for k in LAW_KEYS], loss="huber", f_scale=DELTA, x_scale="jac",
                        xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=20000)
    return dict(zip(LAW_KEYS, (float(v) for v in res.x), strict=True))
