"""best_run_minima that picks the worst run of each budget (argmax for argmin)."""

import numpy as np

UNIT = "a3.best_run"
TARGET = "best_run_minima"


def MUTANT(params, compute, loss) -> dict:
    n, c, y = (np.asarray(v, dtype=np.float64) for v in (params, compute, loss))
    budgets = np.unique(c)
    idx = [np.flatnonzero(c == b)[np.argmax(y[c == b])] for b in budgets]
    return {"compute": budgets, "n_opt": n[idx], "loss_opt": y[idx]}
