"""compute_optimal with D = C / N (the 6 FLOPs per parameter per token forgotten): the optimum moves by a constant
factor and n_opt * d_opt is the budget instead of a sixth of it."""

from a3_scaling.sim.law import check_law, loss

UNIT = "a3.compute_optimal"
TARGET = "compute_optimal"


def MUTANT(law, budget):
    if not budget > 0:
        raise ValueError("budget")
    p = check_law(law)
    a, b = p["alpha"], p["beta"]
    n = (a * p["A"] / (b * p["B"])) ** (1 / (a + b)) * budget ** (b / (a + b))
    d = budget / n
    return {"n_opt": float(n), "d_opt": float(d), "loss": float(loss(p, n, d))}
