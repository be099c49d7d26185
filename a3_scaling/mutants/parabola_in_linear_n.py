"""parabola_minima with the parabola fitted against N instead of ln N.

Isofl0P profiles are roughly parabolic in ln N; in N the sizes span two orders of magnitude and the fit is
dominated by the largest models."""

import numpy as np

UNIT = "a3.parabola_minima"
TARGET = "parabola_minima"


def MUTANT(params, compute, loss) -> dict:
    n, c, y = (np.asarray(v, dtype=np.float64) for v in (params, compute, loss))
    budgets = np.unique(c)
    n_opt, loss_opt = [], []
    for b in budgets:
        sel = c == b
        scale = n[sel].max()
        a, bb, c0 = np.polyfit(n[sel] / scale, y[sel], 2)
        if not a > 0:
            raise ValueError("not convex")
        n_opt.append(-bb / (2 * a) * scale)
        loss_opt.append(c0 - bb * bb / (4 * a))
    return {"compute": budgets, "n_opt": np.array(n_opt), "loss_opt": np.array(loss_opt)}
