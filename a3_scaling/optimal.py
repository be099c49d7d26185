"""The compute-optimal model for a budget under a fitted law (HANDOUT.md §5).

Minimising L(N, C / (6N)) over N has a closed form (Hoffmann et al. 2022, eq. 4 and appendix D.2).
"""

from __future__ import annotations

from a3_scaling.sim.law import check_law, loss  # noqa: F401


def compute_optimal(law: dict, budget: float) -> dict[str, float]:
    """The compute-optimal allocation of `budget` FLOPs under `law` ({"E", "A", "B", "alpha", "beta"}).

    Returns {"n_opt": parameters, "d_opt": tokens, "loss": L(n_opt, d_opt)}, with n_opt * d_opt * 6 == budget.
    Naive equivalent: minimise L(N, budget / (6 N)) over log N numerically (scipy.optimize.minimize_scalar).
    Raises ValueError for a budget that is not a positive finite number.
    """
    # BEGIN SOLUTION
    import math

    if isinstance(budget, bool) or not isinstance(budget, (int, float)) or not math.isfinite(budget) or budget <= 0:
        raise ValueError(f"budget must be a positive number of FLOPs, got {budget!r}")
    p = check_law(law)
    a, b = p["alpha"], p["beta"]
    # dL/dN = 0 with D = C/(6N): alpha A N^-alpha = beta B D^-beta, so N^(alpha+beta) = (alpha A/(beta B)) (C/6)^beta
    g = (a * p["A"] / (b * p["B"])) ** (1.0 / (a + b))
    n_opt = g * (budget / 6.0) ** (b / (a + b))
    d_opt = budget / (6.0 * n_opt)
    return {"n_opt": float(n_opt), "d_opt": float(d_opt), "loss": float(loss(p, n_opt, d_opt))}
    # END SOLUTION
