"""Helpers the a1 case modules share beyond shared/cases/tensors.py: the false-reject rate of the distribution
tests, the truncated-normal CDF and spread check the initialisation cases test against, and a state-dict
summary for exact comparisons."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

# The false-reject rate of every a1 distribution test. A distribution verdict's margin is log p / log alpha
# (shared/cases/compare.py), and a correct sampler's p is uniform, so `grader check --deep`'s gate of 0.5 trips
# when p < sqrt(alpha): at alpha = 1e-6 that is one draw in a thousand (a deep check draws ~350 of them, so a
# third of its runs would fail on a correct reference); at 1e-12 it is one draw in a million. Every mutant these
# tests exist for is rejected with p < 1e-17 at their sample sizes, so the lower alpha costs them nothing.
DIST_ALPHA = 1e-12
# The spread check of `within_truncation`: the sample std of n >= 32000 truncated-normal draws has a relative
# standard error of sqrt((kurtosis - 1) / 4n) <= 0.4% (kurtosis ~2.8 at ±3σ), so 5% is > 12 standard errors.
STD_RTOL = 0.05


def truncated_normal_cdf(std: float, cut: float) -> Callable[[np.ndarray], np.ndarray]:
    """The CDF of N(0, std^2) conditioned on |x| <= cut, vectorised over a float64 array."""
    phi = np.vectorize(lambda z: 0.5 * (1.0 + math.erf(z / math.sqrt(2.0))), otypes=[np.float64])
    lo, hi = float(phi(-cut / std)), float(phi(cut / std))

    def cdf(x: np.ndarray) -> np.ndarray:
        return np.clip((phi(np.clip(x, -cut, cut) / std) - lo) / (hi - lo), 0.0, 1.0)

    return cdf


def truncated_normal_std(std: float, cut: float) -> float:
    """Standard deviation of N(0, std^2) truncated at ±cut (slightly less than std)."""
    a = cut / std
    pdf = math.exp(-0.5 * a * a) / math.sqrt(2.0 * math.pi)
    mass = math.erf(a / math.sqrt(2.0))
    return std * math.sqrt(1.0 - 2.0 * a * pdf / mass)


def within_truncation(std_of: Callable[[dict], float], n_sigma: float = 3.0) -> Callable[[dict, np.ndarray], tuple]:
    """A predicate over (inputs, weight samples): no weight beyond ±n_sigma·σ, and a spread close to the truncated
    normal's (a KS test cannot see whether the tails were cut; this rules out tiny or constant weights too)."""

    def check(inp: dict, w: np.ndarray) -> tuple[bool, str, float]:
        std = std_of(inp)
        biggest = float(np.abs(w).max())
        if biggest > n_sigma * std * (1 + 1e-6):
            return False, (f"max |w| = {biggest:.4g} exceeds {n_sigma:g}σ = {n_sigma * std:.4g}: the normal is not "
                           f"truncated")
        want, got = truncated_normal_std(std, n_sigma * std), float(w.astype(np.float64).std())
        err = abs(got / want - 1.0)
        return err < STD_RTOL, f"sample std {got:.4g}, expected about {want:.4g}", err / STD_RTOL

    return check


def state_dict_summary(module: Any) -> dict:
    """Parameter names, shapes and dtypes of a module's state dict (worker side), for an exact comparison."""
    sd = module.state_dict()
    keys = sorted(sd)
    return {"keys": keys, "shapes": [list(sd[k].shape) for k in keys], "dtypes": [str(sd[k].dtype) for k in keys]}
