"""A student's compute-optimal allocation: the closed form with D = C / N (the 6 forgotten)."""

from a3_scaling.sim.law import check_law, loss


def compute_optimal(law, budget):
    if not budget > 0:
        raise ValueError("budget must be positive")
    p = check_law(law)
    a, b = p["alpha"], p["beta"]
    g = (a * p["A"] / (b * p["B"])) ** (1 / (a + b))
    n = g * budget ** (b / (a + b))  # BUG: C / 6 in the paper
    d = budget / n
    return {"n_opt": float(n), "d_opt": float(d), "loss": float(loss(p, n, d))}
