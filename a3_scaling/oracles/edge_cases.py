"""Expected values of a3's hidden edge cases (a3_scaling/hidden/edge_cases.py) that are not approach 2's own
oracles (those are in a3_scaling/oracles/isoflops.py): the closed-form optimum at a 2-D array of budgets.
Instructor-only: no release ships this module, and nothing the worker imports imports it."""

from __future__ import annotations

from a3_scaling.cases.tables import optimum


def expect_extrapolate_2d(inp: dict) -> dict:
    n = optimum(inp["law"], inp["targets"])
    return {"n_opt": n, "d_opt": inp["targets"] / (6 * n)}
