"""Cases for a5.masked: masked_normalize and masked_mean against numpy formulas, with inf and NaN in the
masked-out positions (they must not leak), over dim None, 0 and -1. The oracles are in
a5_alignment/oracles/masked.py."""

from __future__ import annotations

from typing import Any

import numpy as np

from a5_alignment.cases.tensors import random_mask
from shared.cases import Case, Impl, Oracles, Suite, close
from shared.cases.tensors import randn, tensor

ORACLES = Oracles("a5_alignment.oracles.masked")  # expected values: instructor-only, never released


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


def worked_inputs(rng: np.random.Generator) -> dict:
    return {"x": np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=np.float32),
            "mask": np.array([[True, False, True], [False, False, True]]), "dim": -1, "c": 2.0}


SUITE = Suite(cases=(
    Case(name="masked_normalize/worked", inputs=worked_inputs, compare=close(), run=run_normalize,
         expect=ORACLES.expect_normalize_worked, seeds=(0,), hidden_draws=0,
         note="[[1,2,3],[4,5,6]] masked [[1,0,1],[0,0,1]] over dim -1 / 2 = [(1+3)/2, 6/2] = [2, 3]"),
    Case(name="masked_mean/worked", inputs=worked_inputs, compare=close(), run=run_mean,
         expect=ORACLES.expect_mean_worked, seeds=(0,), hidden_draws=0,
         note="same tensors: means over selected entries [(1+3)/2, 6/1] = [2, 6]"),
    *(Case(name=f"masked_normalize/dim_{name}", inputs=inputs(dim, True),
           compare=close(rtol=1e-5, atol=1e-5), run=run_normalize, expect=ORACLES.expect_normalize,
           note=f"dim={dim}, inf/NaN in masked-out positions, normalize_constant random")
      for name, dim in (("none", None), ("0", 0), ("last", -1))),
    *(Case(name=f"masked_mean/dim_{name}", inputs=inputs(dim, True), compare=close(rtol=1e-5, atol=1e-5),
           run=run_mean, expect=ORACLES.expect_mean, note=f"dim={dim}, inf/NaN in masked-out positions")
      for name, dim in (("none", None), ("0", 0), ("last", -1))),
))
