"""Edge cases graded only at hidden seeds, each within what the handout pins down: a tie in the best run goes to
the smaller model, a single budget, budgets given as a 2-D array to extrapolate, a budget exactly 6 FLOPs."""

from __future__ import annotations

import numpy as np

from a3_scaling.cases import isoflops
from a3_scaling.cases.tables import budgets, random_law, table
from shared.cases import Case, Oracles, Suite, close

ISOFLOPS = Oracles("a3_scaling.oracles.isoflops")  # expected values: instructor-only, never released
ORACLES = Oracles("a3_scaling.oracles.edge_cases")


def single_budget(rng: np.random.Generator) -> dict:
    return table(rng, random_law(rng), budgets(rng, 1), noise=0.002)


def grid_targets(rng: np.random.Generator) -> dict:
    inp = isoflops.law_minima(rng)
    return {**inp, "targets": np.array([[1e21, 1e22], [1e23, 1e24]])}


def run_extrapolate_2d(impl, inp: dict) -> dict:
    fit = impl.isoflops_fit(inp["minima"])
    pred = impl.extrapolate(fit, inp["targets"])
    return {k: np.asarray(pred[k], dtype=np.float64) for k in ("n_opt", "d_opt")}


SUITE = Suite(cases=(
    Case(name="best_run/edge_tie_smaller_model", inputs=isoflops.tied_table,
         compare=close(rtol=0.0, atol=0.0), run=isoflops.run_best, expect=ISOFLOPS.expect_best,
         note="two runs of one budget share the lowest loss: the smaller model wins"),
    Case(name="parabola/edge_single_budget", inputs=single_budget,
         compare=close(rtol=1e-6, atol=1e-9), run=isoflops.run_parabola, expect=ISOFLOPS.expect_polyfit,
         note="one budget only"),
    Case(name="isoflops_fit/edge_targets_2d", inputs=grid_targets,
         compare=close(rtol=1e-7, atol=0.0), run=run_extrapolate_2d, expect=ORACLES.expect_extrapolate_2d,
         note="extrapolation budgets as a (2, 2) array keep their shape"),
))
