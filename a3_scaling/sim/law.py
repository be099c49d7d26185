"""The Chinchilla loss law L(N, D) = E + A / N^alpha + B / D^beta (Hoffmann et al. 2022, eq. 2) and the
compute identity C = 6 N D (HANDOUT.md §2). Finished code: the data generator, the simulator and the grader's
scoring all use it, so it is not yours to change.

N counts parameters, D training tokens, C training FLOPs. A law is passed around as a plain dict
{"E", "A", "B", "alpha", "beta"} so it crosses the grader's data-only wire unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np

LAW_KEYS = ("E", "A", "B", "alpha", "beta")

# Hoffmann et al. 2022, approach 3 (their eq. 10): the release's practice law.
CHINCHILLA = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28}


def check_law(law: Any) -> dict[str, float]:
    """A validated copy of `law` with float values; ValueError naming the key otherwise."""
    if not isinstance(law, dict):
        raise TypeError(f"a law is a dict with keys {LAW_KEYS}, got {type(law).__name__}")
    missing = [k for k in LAW_KEYS if k not in law]
    if missing:
        raise ValueError(f"the law is missing {missing}; a law is a dict with keys {LAW_KEYS}")
    out = {k: float(law[k]) for k in LAW_KEYS}
    bad = [k for k, v in out.items() if not np.isfinite(v) or (k != "E" and v <= 0)]
    if bad:
        raise ValueError(f"the law's {bad} must be finite and positive (E finite): {out}")
    return out


def tokens_for(compute: Any, params: Any) -> np.ndarray:
    """D = C / (6 N): the tokens a model of N parameters sees with C training FLOPs (6 FLOPs per parameter per
    token: 2 forward, 4 backward)."""
    return np.asarray(compute, dtype=np.float64) / (6.0 * np.asarray(params, dtype=np.float64))


def loss(law: dict, params: Any, tokens: Any) -> np.ndarray:
    """L(N, D) elementwise; params and tokens broadcast."""
    law = check_law(law)
    n = np.asarray(params, dtype=np.float64)
    d = np.asarray(tokens, dtype=np.float64)
    if np.any(n <= 0) or np.any(d <= 0):
        raise ValueError("parameters and tokens must be positive")
    return law["E"] + law["A"] / n ** law["alpha"] + law["B"] / d ** law["beta"]


def isoflop_loss(law: dict, params: Any, compute: Any) -> np.ndarray:
    """The loss of a model of N parameters trained with C FLOPs: L(N, C / (6 N))."""
    return loss(law, params, tokens_for(compute, params))
