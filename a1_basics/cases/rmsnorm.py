"""Cases for a1.rmsnorm: float32 inputs against a float64 numpy formula, eps inside the square root, float16
inputs whose squares overflow unless the arithmetic is done in float32, and the state-dict layout. The oracles are
in a1_basics/oracles/rmsnorm.py."""

from __future__ import annotations

from typing import Any

import numpy as np

from shared.cases import Case, Impl, Oracles, Suite, close, exact
from shared.cases.tensors import randn, tensor

ORACLES = Oracles("a1_basics.oracles.rmsnorm")  # expected values: instructor-only, never released


def float32_inputs(rng: np.random.Generator) -> dict:
    d = int(rng.integers(4, 40))
    return {"x": randn(rng, (2, 5, d), scale=2.0), "weight": (1.0 + randn(rng, (d,), scale=0.1)),
            "eps": 1e-5}


def small_inputs(rng: np.random.Generator) -> dict:
    # mean(x^2) ~ 1e-6, below eps: sqrt(ms + eps) and sqrt(ms) + eps differ by a factor of ~3 here.
    d = int(rng.integers(4, 40))
    return {"x": randn(rng, (3, d), scale=1e-3), "weight": (1.0 + randn(rng, (d,), scale=0.1)),
            "eps": float(rng.choice([1e-5, 1e-4]))}


def float16_inputs(rng: np.random.Generator) -> dict:
    # subtle: |x| up to 400, so x^2 reaches 1.6e5, past float16's max of 65504: squaring in float16 gives inf.
    d = int(rng.integers(8, 40))
    return {"x": rng.uniform(-400.0, 400.0, size=(4, d)).astype(np.float16),
            "weight": (1.0 + randn(rng, (d,), scale=0.1)).astype(np.float16), "eps": 1e-5}


def run_norm(impl: Impl, inp: dict) -> Any:
    import torch

    d = inp["weight"].shape[0]
    dtype = torch.float16 if inp["weight"].dtype == np.float16 else torch.float32
    norm = impl.RMSNorm(d, eps=inp["eps"], dtype=dtype)
    norm.load_state_dict({"weight": tensor(inp["weight"])})
    return norm(tensor(inp["x"]))


def state_dict_inputs(rng: np.random.Generator) -> dict:
    return {"d": int(rng.integers(1, 100_000))}  # wide: no hidden draw repeats a visible one


def run_state_dict(impl: Impl, inp: dict) -> dict:
    sd = impl.RMSNorm(inp["d"]).state_dict()
    return {"keys": sorted(sd), "shapes": [list(sd[k].shape) for k in sorted(sd)],
            "all_ones": [bool((sd[k] == 1).all()) for k in sorted(sd)]}


SUITE = Suite(cases=(
    Case(name="rmsnorm/float32_3d", inputs=float32_inputs, compare=close(), run=run_norm,
         expect=ORACLES.expect_float64, hidden_draws=2,
         note="x (2, 5, d_model) float32 with a non-trivial gain, against a float64 formula"),
    Case(name="rmsnorm/eps_inside_sqrt", inputs=small_inputs, compare=close(), run=run_norm,
         expect=ORACLES.expect_float64, note="tiny inputs (|x| ~ 1e-3), where eps must sit inside the square root"),
    # One float16 ulp is 2^-10 (~1e-3) relative; allow a one-ulp difference in the final rounding.
    Case(name="rmsnorm/float16_large_values", inputs=float16_inputs, compare=close(rtol=2e-3, atol=1e-3),
         run=run_norm, expect=ORACLES.expect_float32_then_cast,
         note="float16 inputs up to |x| = 400: math in float32 (x^2 overflows float16), returned as float16"),
    Case(name="rmsnorm/state_dict", inputs=state_dict_inputs, compare=exact(), run=run_state_dict,
         expect=ORACLES.expect_state_dict,
         note="the only parameter is the gain `weight`, shape (d_model,), all ones at init"),
))
