"""Your experiment plan against the training API (HANDOUT.md §6): spend at most the API's FLOP budget on runs,
then predict the compute-optimal model for a larger budget.

`api` has CS336's interface: api.loss(d_model=, num_layers=, num_heads=, batch_size=, learning_rate=,
train_flops=) -> float, api.total_flops_used() -> float, api.previous_runs() -> list[dict]. It may be the local
simulator (a3_scaling.sim.simulator.TrainingAPI), the HTTP client (a3_scaling.sim.client.HTTPTrainingAPI) or, when
graded, a simulator of a law you have never seen.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from a3_scaling.isoflops import fit_power_law, parabola_minima  # noqa: F401
from a3_scaling.parametric import fit_parametric  # noqa: F401

PREDICTION_KEYS = ("n_params", "d_model", "num_layers", "num_heads", "batch_size", "learning_rate", "loss")

# BEGIN SOLUTION ONLY
_LRS = np.geomspace(1e-4, 1e-3, 7)
_PROBE_FLOPS = 1e14
_SWEEP_FLOPS = (1e15, 3e15, 1e16, 3e16, 1e17)


def _shape(n: float, aspect: float) -> tuple[int, int, int]:
    """(d_model, num_layers, num_heads) with 12 L d^2 close to n and d / L close to aspect, d a multiple of 64 when
    possible (heads of 64)."""
    best = None
    for layers in range(2, 25):
        d = int(round(np.sqrt(n / (12.0 * layers)) / 16.0)) * 16
        d = min(max(d, 64), 1024)
        heads = next(h for h in (16, 8, 4, 2) if d % h == 0 and d // h >= 16)
        err = abs(np.log(12.0 * layers * d * d / n)) + 0.3 * abs(np.log(d / layers / aspect))
        if best is None or err < best[0]:
            best = (err, d, layers, heads)
    return best[1], best[2], best[3]


def _parabola_min(x: np.ndarray, y: np.ndarray, lo: float, hi: float) -> float:
    """Argmin of a least-squares parabola through (x, y), clamped to [lo, hi] (the best point if not convex)."""
    a, b, _ = np.polyfit(x, y, 2)
    xm = -b / (2 * a) if a > 0 else x[int(np.argmin(y))]
    return float(min(max(xm, lo), hi))
# END SOLUTION ONLY


def plan(api: Any, budget: float) -> dict:
    """Run experiments through `api` (within its FLOP budget) and predict the compute-optimal run at `budget`.

    Returns {"n_params": float (non-embedding, 12 L d^2 of your predicted shape or your fitted optimum),
    "d_model": int, "num_layers": int, "num_heads": int, "batch_size": int, "learning_rate": float,
    "loss": float (predicted final loss of that run)}. Graded on a simulator with a secret law at budget 1e19.
    """
    # BEGIN SOLUTION
    # 1. hyperparameters at a cheap budget: learning rate, then aspect ratio (at fixed N), then batch size
    d0, l0, h0 = 256, 4, 4
    ln_lr = np.log(_LRS)
    y = [api.loss(d0, l0, h0, 128, float(lr), _PROBE_FLOPS) for lr in _LRS]
    lr = float(np.clip(np.exp(_parabola_min(ln_lr, np.array(y), ln_lr[0], ln_lr[-1])), 1e-4, 1e-3))
    # subtle: changing the shape changes N too, so fit ln loss = quadratic(ln N) + quadratic(ln aspect) over a grid
    # of shapes; ln N = ln 12 + ln L + 2 ln d and ln aspect = ln d - ln L are independent coordinates
    grid = [(d, layers) for d in (128, 192, 256, 384, 512) for layers in (2, 3, 4, 6, 8, 12)]
    u = np.array([np.log(12.0 * layers * d * d) for d, layers in grid])
    v = np.array([np.log(d / layers) for d, layers in grid])
    y = np.log([api.loss(d, layers, 4, 128, lr, _PROBE_FLOPS) for d, layers in grid])
    design = np.stack([np.ones_like(u), u - u.mean(), (u - u.mean()) ** 2, v, v * v], 1)
    coef = np.linalg.lstsq(design, y, rcond=None)[0]
    aspect = float(np.exp(np.clip(-coef[3] / (2 * coef[4]), v.min(), v.max()))) if coef[4] > 0 else 64.0
    pairs = [(256, 4, 4), (384, 6, 4), (512, 8, 8)]
    diff = np.mean([api.loss(d, layers, h, 256, lr, _PROBE_FLOPS) - api.loss(d, layers, h, 128, lr, _PROBE_FLOPS)
                    for d, layers, h in pairs])
    batch = 128 if diff > 0 else 256
    # 2. isoFLOP profiles around the 20-tokens-per-parameter guess, with the chosen hyperparameters
    ns, cs, ls = [], [], []
    for flops in _SWEEP_FLOPS:
        guess = np.sqrt(flops / 120.0)
        for n in guess * np.geomspace(1 / 8, 8, 9):
            d, layers, heads = _shape(n, aspect)
            ls.append(api.loss(d, layers, heads, batch, lr, flops))
            ns.append(12.0 * layers * d * d)
            cs.append(flops)
    ns, cs, ls = np.array(ns), np.array(cs), np.array(ls)
    # 3. approach 3 on every run for N_opt and the loss at the target budget
    law = fit_parametric(ns, cs / (6 * ns), ls)
    a, b = law["alpha"], law["beta"]
    n_opt = (a * law["A"] / (b * law["B"])) ** (1 / (a + b)) * (budget / 6.0) ** (b / (a + b))
    loss = law["E"] + law["A"] / n_opt**a + law["B"] / (budget / (6 * n_opt)) ** b
    d, layers, heads = _shape(n_opt, aspect)
    return {"n_params": float(n_opt), "d_model": d, "num_layers": layers, "num_heads": heads, "batch_size": batch,
            "learning_rate": lr, "loss": float(loss)}
    # END SOLUTION
