"""Cases for a3.compute_optimal. Oracle: scipy.optimize.minimize_scalar over ln N of L(N, C / (6N)), which knows
nothing of the closed form."""

from __future__ import annotations

import numpy as np

from a3_scaling.cases.tables import law_loss, random_law
from shared.cases import Case, Impl, Suite, close, raises


def optimal_inputs(rng: np.random.Generator) -> dict:
    return {"law": random_law(rng), "budgets": [float(10 ** rng.uniform(18, 25)) for _ in range(3)]}


def run_optimal(impl: Impl, inp: dict) -> list:
    out = []
    for c in inp["budgets"]:
        r = impl.compute_optimal(inp["law"], c)
        out.append([float(r["n_opt"]), float(r["d_opt"]), float(r["loss"])])
    return out


def expect_minimize(inp: dict) -> list:
    from scipy.optimize import minimize_scalar

    law, out = inp["law"], []
    for c in inp["budgets"]:
        f = lambda x, c=c: float(law_loss(law, np.exp(x), c / (6 * np.exp(x))))  # noqa: E731
        x = minimize_scalar(f, bounds=(np.log(1e3), np.log(c / 6)), method="bounded",
                            options={"xatol": 1e-10}).x
        n = float(np.exp(x))
        out.append([n, c / (6 * n), f(x)])
    return out


SUITE = Suite(cases=(
    Case("compute_optimal/minimize_scalar", "a3.compute_optimal", optimal_inputs, close(rtol=1e-6, atol=0.0),
         run_optimal, expect_minimize, seeds=(0, 1), hidden_draws=2,
         note="[n_opt, d_opt, loss] at three budgets 1e18-1e25 against a bounded scalar minimisation over ln N"),
    Case("compute_optimal/zero_budget_raises", "a3.compute_optimal",
         lambda rng: {"law": random_law(rng), "budget": 0.0}, raises(ValueError),
         lambda impl, inp: impl.compute_optimal(inp["law"], inp["budget"]), None, seeds=(0,), hidden_draws=1,
         note="a budget of 0 FLOPs: ValueError"),
))
