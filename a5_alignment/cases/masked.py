"""Cases for a5.masked: masked_normalize and masked_mean against numpy formulas, with inf and NaN in the
masked-out positions (they must not leak), over dim None, 0 and -1."""

from __future__ import annotations

from typing import Any

import numpy as np

from a5_alignment.cases.tensors import random_mask
from shared.cases import Case, Impl, Suite, close
from shared.cases.tensors import f64, randn, tensor


def inputs(dim: int | None, poison: bool) -> Any:
    def make(rng: np.random.Generator) -> dict:
        shape = (int(rng.integers(2, 5)), int(rng.integers(3, 8)))
        x, m = randn(rng, shape, scale=2.0), random_mask(rng, shape)
        if dim == 0:  # every column needs a selected entry too
            m[0, :] = True
        if poison:  # masked-out positions hold inf and NaN: a multiply by the mask would give NaN
            off = np.argwhere(~m)
            for k, (i, j) in enumerate(off):
                x[i, j] = (np.inf, np.nan, -np.inf)[k % 3]
        return {"x": x, "mask": m, "dim": dim, "c": float(rng.uniform(0.5, 8.0))}

    return make


def run_normalize(impl: Impl, inp: dict) -> Any:
    return impl.masked_normalize(tensor(inp["x"]), tensor(inp["mask"]), inp["dim"], inp["c"])


def run_mean(impl: Impl, inp: dict) -> Any:
    return impl.masked_mean(tensor(inp["x"]), tensor(inp["mask"]), inp["dim"])


def _sum(inp: dict) -> tuple[np.ndarray, np.ndarray]:
    x = np.where(inp["mask"], f64(inp["x"]), 0.0)
    if inp["dim"] is None:
        return np.asarray(x.sum()), np.asarray(inp["mask"].sum())
    return x.sum(axis=inp["dim"]), inp["mask"].sum(axis=inp["dim"])


def expect_normalize(inp: dict) -> np.ndarray:
    return np.asarray(_sum(inp)[0] / inp["c"], dtype=np.float32)


def expect_mean(inp: dict) -> np.ndarray:
    s, n = _sum(inp)
    return np.asarray(s / n, dtype=np.float32)


def worked_inputs(rng: np.random.Generator) -> dict:
    return {"x": np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=np.float32),
            "mask": np.array([[True, False, True], [False, False, True]]), "dim": -1, "c": 2.0}


SUITE = Suite(cases=(
    Case(name="masked_normalize/worked", inputs=worked_inputs, compare=close(), run=run_normalize,
         expect=lambda inp: np.array([2.0, 3.0], dtype=np.float32), seeds=(0,), hidden_draws=0,
         note="[[1,2,3],[4,5,6]] masked [[1,0,1],[0,0,1]] over dim -1 / 2 = [(1+3)/2, 6/2] = [2, 3]"),
    Case(name="masked_mean/worked", inputs=worked_inputs, compare=close(), run=run_mean,
         expect=lambda inp: np.array([2.0, 6.0], dtype=np.float32), seeds=(0,), hidden_draws=0,
         note="same tensors: means over selected entries [(1+3)/2, 6/1] = [2, 6]"),
    *(Case(name=f"masked_normalize/dim_{name}", inputs=inputs(dim, True),
           compare=close(rtol=1e-5, atol=1e-5), run=run_normalize, expect=expect_normalize,
           note=f"dim={dim}, inf/NaN in masked-out positions, normalize_constant random")
      for name, dim in (("none", None), ("0", 0), ("last", -1))),
    *(Case(name=f"masked_mean/dim_{name}", inputs=inputs(dim, True), compare=close(rtol=1e-5, atol=1e-5),
           run=run_mean, expect=expect_mean, note=f"dim={dim}, inf/NaN in masked-out positions")
      for name, dim in (("none", None), ("0", 0), ("last", -1))),
))
