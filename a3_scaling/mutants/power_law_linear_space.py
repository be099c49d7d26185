"""fit_power_law by least squares in linear space (scipy.optimize.curve_fit of y = k x^a).

The largest y values dominate the squared error, so with multiplicative noise the fit differs from the log-space
one the handout asks for."""

import numpy as np

UNIT = "a3.power_law"
TARGET = "fit_power_law"


def MUTANT(x, y) -> tuple[float, float]:
    from scipy.optimize import curve_fit

    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    a0, lnk0 = np.polyfit(np.log(x), np.log(y), 1)
    scale = x.max()
    (k, a), _ = curve_fit(lambda t, k, a: k * (t / scale) ** a, x, y, p0=[np.exp(lnk0) * scale**a0, a0], maxfev=20000)
    return float(k / scale**a), float(a)
