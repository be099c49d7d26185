"""Seeded inputs shared by a3's cases: random laws and tables of runs generated from them (numpy only).

The laws are drawn in Chinchilla's neighbourhood; the tables are what `a3_scaling.sim.runs` writes, restated here so
that case inputs never depend on code a student could edit."""

from __future__ import annotations

import numpy as np

LAW_KEYS = ("E", "A", "B", "alpha", "beta")


def random_law(rng: np.random.Generator) -> dict:
    return {"E": float(rng.uniform(1.5, 2.0)), "A": float(np.exp(rng.uniform(np.log(250), np.log(600)))),
            "B": float(np.exp(rng.uniform(np.log(250), np.log(600)))), "alpha": float(rng.uniform(0.26, 0.40)),
            "beta": float(rng.uniform(0.26, 0.40))}


def law_loss(law: dict, n: np.ndarray, d: np.ndarray) -> np.ndarray:
    return law["E"] + law["A"] / n ** law["alpha"] + law["B"] / d ** law["beta"]


def optimum(law: dict, c: np.ndarray) -> np.ndarray:
    """N_opt(C) in closed form (Hoffmann et al. 2022, eq. 4): setting dL/dN = 0 with D = C/(6N) gives
    alpha A N^-alpha = beta B D^-beta, i.e. N^(alpha+beta) = (alpha A / (beta B)) (C/6)^beta."""
    a, b = law["alpha"], law["beta"]
    return (a * law["A"] / (b * law["B"])) ** (1 / (a + b)) * (np.asarray(c) / 6.0) ** (b / (a + b))


def table(rng: np.random.Generator, law: dict, budgets: tuple[float, ...], n_sizes: int = 9, span: float = 64.0,
          noise: float = 0.0, per_decade: int | None = None, shuffle: bool = True) -> dict:
    """Runs at each budget over a factor `span` of sizes around the optimum (on a shared log grid with
    `per_decade` points per decade when given), loss * (1 + noise z); rows shuffled."""
    n, c = [], []
    for budget in budgets:
        centre = float(optimum(law, budget))
        sizes = centre * span ** np.linspace(-0.5, 0.5, n_sizes)
        if per_decade is not None:
            k = np.arange(np.floor(np.log10(sizes[0]) * per_decade), np.ceil(np.log10(sizes[-1]) * per_decade) + 1)
            grid = 10.0 ** (k / per_decade)
            sizes = grid[(grid >= sizes[0]) & (grid <= sizes[-1])]
        n += list(sizes)
        c += [budget] * len(sizes)
    params, compute = np.array(n), np.array(c, dtype=np.float64)
    tokens = compute / (6.0 * params)
    loss = law_loss(law, params, tokens)
    if noise:
        loss = loss * (1.0 + noise * rng.standard_normal(loss.shape))
    order = rng.permutation(params.size) if shuffle else np.arange(params.size)
    return {"params": params[order], "compute": compute[order], "tokens": tokens[order], "loss": loss[order]}


def budgets(rng: np.random.Generator, k: int = 5) -> tuple[float, ...]:
    start = float(10 ** rng.uniform(17.5, 18.5))
    return tuple(start * 3.0**i for i in range(k))
