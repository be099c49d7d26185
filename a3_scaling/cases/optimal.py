"""Cases for a3.compute_optimal. Oracle (in a3_scaling/oracles/optimal.py): scipy.optimize.minimize_scalar over
ln N of L(N, C / (6N)), which knows nothing of the closed form."""

from __future__ import annotations

import numpy as np

from a3_scaling.cases.tables import random_law
from shared.cases import Case, Impl, Oracles, Suite, close, fields, raises

ORACLES = Oracles("a3_scaling.oracles.optimal")  # expected values: instructor-only, never released


def optimal_inputs(rng: np.random.Generator) -> dict:
    return {"law": random_law(rng), "budgets": [float(10 ** rng.uniform(18, 25)) for _ in range(3)]}


KEYS = ("n_opt", "d_opt", "loss")


def run_optimal(impl: Impl, inp: dict) -> dict:
    rows = [impl.compute_optimal(inp["law"], c) for c in inp["budgets"]]
    return {k: np.array([float(r[k]) for r in rows]) for k in KEYS}


# Brent's bounded search stops within sqrt(eps) |x| + xatol/3 of the minimum in x = ln N (a smooth minimum is flat
# to second order, so the loss cannot place it closer): 1.5e-8 * ln(1e12) ~ 4e-7 in ln N, i.e. relative in N and D
# (4.1e-7 seen over 300 draws), so rtol 2e-6. The loss is stationary there: its error is second order (~1e-14),
# so rtol 1e-9 leaves room for any float64 evaluation of the law.
OPTIMAL_CLOSE = fields(n_opt=close(rtol=2e-6, atol=0.0), d_opt=close(rtol=2e-6, atol=0.0),
                       loss=close(rtol=1e-9, atol=0.0))


SUITE = Suite(cases=(
    Case(name="compute_optimal/minimize_scalar", inputs=optimal_inputs,
         compare=OPTIMAL_CLOSE, run=run_optimal, expect=ORACLES.expect_minimize, hidden_draws=2,
         note="n_opt, d_opt and loss at three budgets 1e18-1e25 against a bounded scalar minimisation over ln N"),
    Case(name="compute_optimal/zero_budget_raises",
         inputs=lambda rng: {"law": random_law(rng), "budget": 0.0}, compare=raises(ValueError),
         run=lambda impl, inp: impl.compute_optimal(inp["law"], inp["budget"]), expect=None, seeds=(0,),
         note="a budget of 0 FLOPs: ValueError"),
))
