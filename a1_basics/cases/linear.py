"""Cases for a1.linear: y = x W^T against a float64 numpy oracle, the state-dict layout, and the
initialisation distribution (a KS test plus the ±3σ truncation). The oracles are in a1_basics/oracles/linear.py."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from a1_basics.cases.tensors import DIST_ALPHA, state_dict_summary, truncated_normal_cdf, within_truncation
from shared.cases import Case, Impl, Oracles, Suite, close, distribution, exact, predicate
from shared.cases.tensors import randn, tensor

ORACLES = Oracles("a1_basics.oracles.linear")  # expected values: instructor-only, never released

INIT_D_IN, INIT_D_OUT = 256, 384


def forward_inputs(batch: tuple[int, ...], square: bool) -> Callable[[np.random.Generator], dict]:
    def make(rng: np.random.Generator) -> dict:
        d_in = int(rng.integers(8, 33))
        # subtle: a non-square weight turns the x @ W orientation bug into a shape error; a square one
        # only into wrong values (still caught, since a random W is not symmetric).
        d_out = d_in if square else d_in + int(rng.integers(1, 17))
        return {"x": randn(rng, (*batch, d_in)), "weight": randn(rng, (d_out, d_in), scale=d_in**-0.5)}

    return make


def run_forward(impl: Impl, inp: dict) -> Any:
    d_out, d_in = inp["weight"].shape
    layer = impl.Linear(d_in, d_out)
    layer.load_state_dict({"weight": tensor(inp["weight"])})
    return layer(tensor(inp["x"]))


def init_inputs(rng: np.random.Generator) -> dict:
    return {"d_in": INIT_D_IN, "d_out": INIT_D_OUT, "torch_seed": int(rng.integers(2**31))}


def run_init(impl: Impl, inp: dict) -> Any:
    import torch

    torch.manual_seed(inp["torch_seed"])
    return impl.Linear(inp["d_in"], inp["d_out"]).weight.detach().flatten()


def init_std(inp: dict) -> float:
    return math.sqrt(2.0 / (inp["d_in"] + inp["d_out"]))


def state_dict_inputs(rng: np.random.Generator) -> dict:
    return {"d_in": int(rng.integers(2, 200)), "d_out": int(rng.integers(2, 200))}  # wide: draws never repeat


def run_state_dict(impl: Impl, inp: dict) -> dict:
    import torch

    return state_dict_summary(impl.Linear(inp["d_in"], inp["d_out"], dtype=torch.float64))


# A float32 dot product of d_in <= 32 terms against float64 is off by ~eps * sum_i |x_i w_i| times a small factor
# of the summation order (up to sqrt(d_in) ~ 6 for a sequential sum): sum |x_i w_i| ~ 0.64 sqrt(d_in) <= 6 here, so
# 1e-7-1e-6 absolute on outputs near 0. MKL already reaches 4e-7 (0.33 of the default atol of 1e-6); atol 1e-5
# leaves room for a sequential BLAS. The orientation bug is off by O(1).
FORWARD_CLOSE = close(rtol=1e-5, atol=1e-5)
SUITE = Suite(cases=(
    # subtle: 8 rows in all; with 5-7 or 9-11, MKL's float32 matmul rounds differently with 1 and 2 threads,
    # which `grader check`'s determinism test of the reference can flag (see activations.py, swiglu/forward_2d).
    Case(name="linear/forward_batched", inputs=forward_inputs((2, 4), square=False), compare=FORWARD_CLOSE,
         run=run_forward, expect=ORACLES.expect_forward, hidden_draws=2,
         note="x (2, 4, d_in) through a non-square W (d_out, d_in), against x @ W.T in float64"),
    Case(name="linear/forward_square", inputs=forward_inputs((5,), square=True), compare=FORWARD_CLOSE,
         run=run_forward, expect=ORACLES.expect_forward,
         note="a square layer on x (5, d): the weight orientation must still be x @ W.T, not x @ W"),
    Case(name="linear/state_dict", inputs=state_dict_inputs, compare=exact(), run=run_state_dict,
         expect=ORACLES.expect_state_dict,
         note="the only parameter is `weight`, of shape (d_out, d_in) and the requested dtype (no bias)"),
    Case(name="linear/init_distribution", inputs=init_inputs,
         compare=distribution(cdf=lambda inp: truncated_normal_cdf(init_std(inp), 3.0 * init_std(inp)),
                              alpha=DIST_ALPHA),
         run=run_init, note="Linear(256, 384) weights follow N(0, 2/(d_in+d_out)) truncated at ±3σ (KS test)"),
    Case(name="linear/init_truncation", inputs=init_inputs,
         compare=predicate("within ±3σ", within_truncation(init_std)), run=run_init,
         note="no weight of Linear(256, 384) lies beyond ±3σ; their spread is the truncated normal's"),
))
