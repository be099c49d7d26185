"""Expected values of a3.compute_optimal's cases (a3_scaling/cases/optimal.py): scipy.optimize.minimize_scalar
over ln N of L(N, C / (6N)), which knows nothing of the closed form. Instructor-only: no release ships this module,
and nothing the worker imports imports it."""

from __future__ import annotations

import numpy as np

from a3_scaling.cases.optimal import KEYS
from a3_scaling.cases.tables import law_loss


def expect_minimize(inp: dict) -> dict:
    from scipy.optimize import minimize_scalar

    law, rows = inp["law"], []
    for c in inp["budgets"]:
        f = lambda x, c=c: float(law_loss(law, np.exp(x), c / (6 * np.exp(x))))
        x = minimize_scalar(f, bounds=(np.log(1e3), np.log(c / 6)), method="bounded",
                            options={"xatol": 1e-10}).x
        n = float(np.exp(x))
        rows.append((n, c / (6 * n), f(x)))
    return {k: np.array([r[i] for r in rows]) for i, k in enumerate(KEYS)}
