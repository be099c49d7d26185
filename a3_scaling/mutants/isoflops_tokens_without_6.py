"""isoflops_fit with D_opt = C / N_opt, forgetting the 6 FLOPs per parameter per token.

The exponent is unchanged (a constant factor), so a check of exponents alone passes; the coefficient is 6x."""

import numpy as np

from a3_scaling.isoflops import fit_power_law

UNIT = "a3.isoflops_fit"
TARGET = "isoflops_fit"


def MUTANT(minima: dict) -> dict:
    c, n = np.asarray(minima["compute"], dtype=np.float64), np.asarray(minima["n_opt"], dtype=np.float64)
    n_coef, n_exp = fit_power_law(c, n)
    d_coef, d_exp = fit_power_law(c, c / n)
    return {"n_coef": n_coef, "n_exp": n_exp, "d_coef": d_coef, "d_exp": d_exp}
