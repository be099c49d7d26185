"""Expected values of a3's approach-2 cases (a3_scaling/cases/isoflops.py, and the hidden edge cases that reuse
them): numpy.polyfit per budget, a plain loop for the best run, numpy.polyfit in log-log space, and the generating
law's own closed-form optimum (tables.optimum). Instructor-only: no release ships this module, and nothing the
worker imports imports it."""

from __future__ import annotations

import numpy as np

from a3_scaling.cases.tables import optimum


def expect_polyfit(inp: dict) -> dict:
    """numpy.polyfit(ln N, loss, 2) per budget, vertex by hand."""
    out = {"compute": [], "n_opt": [], "loss_opt": []}
    for c in np.unique(inp["compute"]):
        sel = inp["compute"] == c
        a, b, c0 = np.polyfit(np.log(inp["params"][sel]), inp["loss"][sel], 2)
        out["compute"].append(c)
        out["n_opt"].append(np.exp(-b / (2 * a)))
        out["loss_opt"].append(c0 - b * b / (4 * a))
    return {k: np.array(v) for k, v in out.items()}


def expect_best(inp: dict) -> dict:
    """A plain loop: per budget, the lowest loss (ties: the smaller model)."""
    rows = sorted(zip(inp["compute"].tolist(), inp["loss"].tolist(), inp["params"].tolist(), strict=True))
    best: dict[float, tuple[float, float]] = {}
    for c, y, n in rows:
        if c not in best:
            best[c] = (y, n)
    cs = sorted(best)
    return {"compute": np.array(cs), "n_opt": np.array([best[c][1] for c in cs]),
            "loss_opt": np.array([best[c][0] for c in cs])}


def expect_power(inp: dict) -> list:
    a, lnk = np.polyfit(np.log(inp["x"]), np.log(inp["y"]), 1)
    return [float(np.exp(lnk)), float(a)]


def expect_fit(inp: dict) -> dict:
    """The law's closed form: N_opt = G (C/6)^(beta/(alpha+beta)), D_opt = C / (6 N_opt) = G^-1 (C/6)^(alpha/(..))."""
    law = inp["law"]
    a, b = law["alpha"], law["beta"]
    g = (a * law["A"] / (b * law["B"])) ** (1 / (a + b))
    fit = {"n_coef": g * 6 ** (-b / (a + b)), "n_exp": b / (a + b), "d_coef": 6 ** (-a / (a + b)) / g,
           "d_exp": a / (a + b)}
    n = optimum(law, inp["targets"])
    return {"fit": fit, "n_opt": n, "d_opt": inp["targets"] / (6 * n)}
