"""A training API with CS336's interface, served by a deterministic simulator (HANDOUT.md §6). Finished code.

    api = TrainingAPI(practice_law())
    api.loss(d_model=512, num_layers=8, num_heads=8, batch_size=128, learning_rate=5e-4, train_flops=1e16)
    api.total_flops_used(); api.previous_runs()

Ranges (CS336's): d_model in [64, 1024], num_layers in [2, 24], num_heads in [2, 16] dividing d_model,
batch_size in {128, 256}, learning_rate in [1e-4, 1e-3], train_flops in TRAIN_FLOPS. Each new configuration
costs its train_flops out of a hard budget (2e18 by default); asking again for a configuration already run is
free and returns the same loss. Out-of-range values raise TrainingAPIError naming the field and its range.

The simulated loss: N = 12 num_layers d_model^2 (non-embedding parameters), D = train_flops / (6 N),
    loss = L_law(N, D) * (1 + p_lr ln(lr / lr_opt)^2 + p_batch [batch != batch_opt] + p_ar ln(ar / ar_opt)^2)
           * (1 + noise z),  ar = d_model / num_layers,
with z ~ N(0, 1) drawn from a hash of the law's seed and the configuration, so every query is reproducible.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from a3_scaling.sim.law import CHINCHILLA, LAW_KEYS, check_law
from a3_scaling.sim.law import loss as law_loss

TRAIN_FLOPS = (1e13, 3e13, 6e13, 1e14, 3e14, 6e14, 1e15, 3e15, 6e15, 1e16, 3e16, 6e16, 1e17, 3e17, 6e17, 1e18)
BATCH_SIZES = (128, 256)
BUDGET = 2e18
RANGES = {"d_model": (64, 1024), "num_layers": (2, 24), "num_heads": (2, 16), "learning_rate": (1e-4, 1e-3)}
SIM_KEYS = (*LAW_KEYS, "lr_opt", "p_lr", "batch_opt", "p_batch", "ar_opt", "p_ar", "noise", "seed")


class TrainingAPIError(ValueError):
    """A request the training API refuses: a value out of range, or one over the FLOP budget."""


class BudgetExceededError(TrainingAPIError):
    pass


def practice_law() -> dict:
    """The release's public practice law: Chinchilla's fit plus hyperparameter penalties."""
    return {**CHINCHILLA, "lr_opt": 4e-4, "p_lr": 0.02, "batch_opt": 128, "p_batch": 0.01, "ar_opt": 64.0,
            "p_ar": 0.01, "noise": 0.002, "seed": 336}


def random_law(rng: np.random.Generator) -> dict:
    """A plausible secret law: exponents 0.26-0.40, E 1.5-2.0, A and B 250-600 (log-uniform), an optimal learning
    rate 1.5e-4 - 6e-4 (never within the graded 1.6x of the common 1e-3 default, so an untuned plan cannot pass by
    luck), either batch size, an optimal aspect ratio 32-128."""
    lu = lambda lo, hi: float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
    return {"E": float(rng.uniform(1.5, 2.0)), "A": lu(250, 600), "B": lu(250, 600),
            "alpha": float(rng.uniform(0.26, 0.40)), "beta": float(rng.uniform(0.26, 0.40)),
            "lr_opt": lu(1.5e-4, 6e-4), "p_lr": 0.02, "batch_opt": int(rng.choice(BATCH_SIZES)), "p_batch": 0.01,
            "ar_opt": lu(32, 128), "p_ar": 0.01, "noise": 0.002, "seed": int(rng.integers(0, 2**31))}


def check_sim_law(law: Any) -> dict:
    if not isinstance(law, dict) or any(k not in law for k in SIM_KEYS):
        raise ValueError(f"a simulator law is a dict with keys {SIM_KEYS} (see practice_law())")
    check_law({k: law[k] for k in LAW_KEYS})
    return dict(law)


def non_embedding_params(d_model: int, num_layers: int) -> float:
    """12 num_layers d_model^2: attention (4 d^2) and a 4x MLP (8 d^2) per layer, embeddings excluded."""
    return 12.0 * num_layers * d_model * d_model


def _int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise TrainingAPIError(f"{name} must be an integer, got {value!r}")
    return int(value)


def validate_config(d_model: Any, num_layers: Any, num_heads: Any, batch_size: Any, learning_rate: Any,
                    train_flops: Any) -> tuple[int, int, int, int, float, float]:
    """The request with normalised types, or TrainingAPIError naming the field and its allowed range."""
    d, layers, heads, batch = (_int(n, v) for n, v in (("d_model", d_model), ("num_layers", num_layers),
                                                         ("num_heads", num_heads), ("batch_size", batch_size)))
    for name, v in (("d_model", d), ("num_layers", layers), ("num_heads", heads)):
        lo, hi = RANGES[name]
        if not lo <= v <= hi:
            raise TrainingAPIError(f"{name}={v} is out of range: it must lie in [{lo}, {hi}]")
    if d % heads:
        raise TrainingAPIError(f"num_heads={heads} must divide d_model={d}")
    if batch not in BATCH_SIZES:
        raise TrainingAPIError(f"batch_size={batch} is not allowed: choose one of {BATCH_SIZES}")
    try:
        lr = float(learning_rate)
    except (TypeError, ValueError):
        raise TrainingAPIError(f"learning_rate must be a number, got {learning_rate!r}") from None
    lo, hi = RANGES["learning_rate"]
    # subtle: exp(log(1e-3)) is 1.0000000000000002e-3; a rounding error at the edge is not out of range
    if not (math.isfinite(lr) and lo * (1 - 1e-9) <= lr <= hi * (1 + 1e-9)):
        raise TrainingAPIError(f"learning_rate={learning_rate!r} is out of range: it must lie in [1e-4, 1e-3]")
    lr = min(max(lr, lo), hi)
    try:
        flops = float(train_flops)
    except (TypeError, ValueError):
        raise TrainingAPIError(f"train_flops must be a number, got {train_flops!r}") from None
    match = [f for f in TRAIN_FLOPS if math.isclose(f, flops, rel_tol=1e-9)]
    if not match:
        raise TrainingAPIError(f"train_flops={train_flops!r} is not allowed: choose one of "
                               f"{', '.join(f'{f:.0e}' for f in TRAIN_FLOPS)}")
    return d, layers, heads, batch, lr, match[0]


def expected_loss(law: dict, d_model: int, num_layers: int, batch_size: int, learning_rate: float,
                  train_flops: float) -> float:
    """The noise-free simulated loss of a (valid) configuration."""
    n = non_embedding_params(d_model, num_layers)
    base = float(law_loss({k: law[k] for k in LAW_KEYS}, n, train_flops / (6.0 * n)))
    penalty = (law["p_lr"] * math.log(learning_rate / law["lr_opt"]) ** 2
               + law["p_batch"] * (batch_size != law["batch_opt"])
               + law["p_ar"] * math.log(d_model / num_layers / law["ar_opt"]) ** 2)
    return base * (1.0 + penalty)


def _noise(law: dict, key: tuple) -> float:
    digest = hashlib.sha256(repr((int(law["seed"]), key)).encode()).digest()
    return float(np.random.default_rng(int.from_bytes(digest[:8], "little")).standard_normal())


@dataclass(frozen=True)
class Run:
    d_model: int
    num_layers: int
    num_heads: int
    batch_size: int
    learning_rate: float
    train_flops: float
    loss: float

    def as_dict(self) -> dict:
        return dict(self.__dict__)


class TrainingAPI:
    """CS336's training API against a simulator law (see the module docstring)."""

    def __init__(self, law: dict | None = None, budget: float = BUDGET) -> None:
        self._law = check_sim_law(practice_law() if law is None else law)
        self._budget = float(budget)
        self._runs: dict[tuple, Run] = {}
        self._used = 0.0

    @property
    def budget(self) -> float:
        return self._budget

    def loss(self, d_model: int, num_layers: int, num_heads: int, batch_size: int, learning_rate: float,
             train_flops: float) -> float:
        """The final loss of this configuration; charges train_flops the first time it is asked."""
        d, layers, heads, batch, lr, flops = validate_config(d_model, num_layers, num_heads, batch_size,
                                                             learning_rate, train_flops)
        key = (d, layers, heads, batch, lr, flops)
        if key in self._runs:
            return self._runs[key].loss
        if self._used + flops > self._budget * (1 + 1e-12):
            raise BudgetExceededError(f"this run needs {flops:.3g} FLOPs but only {self._budget - self._used:.3g} of "
                                      f"the {self._budget:.3g} budget remain; re-queries of earlier runs are free")
        noise = self._law["noise"] * _noise(self._law, key)
        value = expected_loss(self._law, d, layers, batch, lr, flops) * (1.0 + noise)
        self._used += flops
        self._runs[key] = Run(d, layers, heads, batch, lr, flops, value)
        return value

    def total_flops_used(self) -> float:
        return self._used

    def previous_runs(self) -> list[dict]:
        """Every charged run, in order, as dicts with the request's fields and its loss."""
        return [r.as_dict() for r in self._runs.values()]


def truth(law: dict, budget: float) -> dict:
    """What a perfect plan predicts for `budget`: the law's compute-optimal N, D and loss (no penalty), the
    optimal hyperparameters, and the (continuous) d_model and num_layers that give N at the optimal aspect ratio.
    The grader scores predictions against this (it runs in the grader's process)."""
    p = {k: float(law[k]) for k in LAW_KEYS}
    a, b = p["alpha"], p["beta"]
    n = (a * p["A"] / (b * p["B"])) ** (1 / (a + b)) * (budget / 6.0) ** (b / (a + b))
    d_model = (n * law["ar_opt"] / 12.0) ** (1 / 3)
    return {"n_params": n, "tokens": budget / (6 * n), "loss": float(law_loss(p, n, budget / (6 * n))),
            "learning_rate": float(law["lr_opt"]), "batch_size": int(law["batch_opt"]),
            "aspect_ratio": float(law["ar_opt"]), "d_model": d_model, "num_layers": d_model / law["ar_opt"]}
