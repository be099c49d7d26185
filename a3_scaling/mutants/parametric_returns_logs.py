"""fit_parametric that returns the fitted (a, b, e) as if they were (A, B, E), forgetting the exponentials of
the log-sum-exp parametrisation."""

from a3_scaling.parametric import fit_parametric

UNIT = "a3.parametric_fit"
TARGET = "fit_parametric"


def MUTANT(params, tokens, loss, delta=1e-3, n_starts=8, init=None):
    import math

    law = fit_parametric(params, tokens, loss, delta, n_starts, init)
    return {**law, "E": math.log(law["E"]), "A": math.log(law["A"]), "B": math.log(law["B"])}
