"""Cases for a1.silu, a1.swiglu and a1.softmax. SiLU and softmax are checked against torch run in float64,
SwiGLU against a float64 numpy formula (the oracles are in a1_basics/oracles/activations.py); softmax also against
properties that need no expected value."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from shared.cases import Case, Impl, Oracles, Suite, close, exact, predicate
from shared.cases.tensors import randn, tensor

ORACLES = Oracles("a1_basics.oracles.activations")  # expected values: instructor-only, never released

# Three chained float32 matmuls (sums of up to 128 terms) leave ~1e-6 absolute rounding on outputs of size ~1,
# right at the default atol; 1e-5 leaves room for any summation order.
SWIGLU_CLOSE = close(rtol=1e-5, atol=1e-5)


def silu_random_inputs(rng: np.random.Generator) -> dict:
    return {"x": randn(rng, (3, 17), scale=4.0)}


def silu_extreme_inputs(rng: np.random.Generator) -> dict:
    # exp(-x) overflows float32 past x = -88: a formula must still give ~0 there, and x for large x
    fixed = np.array([-1e4, -200.0, -88.7, -20.0, -1e-3, 0.0, 1e-3, 20.0, 88.7, 200.0, 1e4], dtype=np.float32)
    return {"x": np.concatenate([fixed, randn(rng, (13,), scale=30.0)])}


def run_silu(impl: Impl, inp: dict) -> Any:
    return impl.silu(tensor(inp["x"]))


def swiglu_inputs(batch: tuple[int, ...], d_model_range: tuple[int, int],
                  d_ff: int) -> Callable[[np.random.Generator], dict]:
    def make(rng: np.random.Generator) -> dict:
        d_model = int(rng.integers(*d_model_range))
        return {"x": randn(rng, (*batch, d_model)),
                "w1": randn(rng, (d_ff, d_model), scale=d_model**-0.5),
                "w2": randn(rng, (d_model, d_ff), scale=d_ff**-0.5),
                "w3": randn(rng, (d_ff, d_model), scale=d_model**-0.5)}

    return make


def run_swiglu(impl: Impl, inp: dict) -> Any:
    d_ff, d_model = inp["w1"].shape
    ffn = impl.SwiGLU(d_model, d_ff)
    ffn.load_state_dict({f"{w}.weight": tensor(inp[w]) for w in ("w1", "w2", "w3")})
    return ffn(tensor(inp["x"]))


def run_swiglu_state_dict(impl: Impl, inp: dict) -> dict:
    sd = impl.SwiGLU(inp["d_model"], inp["d_ff"]).state_dict()
    return {"keys": sorted(sd), "shapes": [list(sd[k].shape) for k in sorted(sd)]}


def softmax_inputs(shape: tuple[int, ...], dim: int, scale: float) -> Callable[[np.random.Generator], dict]:
    def make(rng: np.random.Generator) -> dict:
        return {"x": randn(rng, shape, scale=scale), "dim": dim}

    return make


def shift_inputs(rng: np.random.Generator) -> dict:
    # On a grid of 2^-10 with |x| < 24, x + 1000 is exact in float32, so a max-shifting softmax gives the
    # same numbers for x and x + 1000, not just nearly the same.
    x = np.round(np.clip(rng.standard_normal((5, 11)) * 4.0, -23.0, 23.0) * 1024.0) / 1024.0
    return {"x": x.astype(np.float32), "dim": -1}


def run_softmax(impl: Impl, inp: dict) -> Any:
    return impl.softmax(tensor(inp["x"]), inp["dim"])


def run_softmax_shifted(impl: Impl, inp: dict) -> Any:
    x = tensor(inp["x"])
    return impl.softmax(x, inp["dim"]), impl.softmax(x + 1000.0, inp["dim"])


# subtle: a softmax through logsumexp(x + 1000) is stable and correct but rounds at ulp(1000) ~ 6e-5, so the
# property allows 1e-4 where a max-shifting softmax is exact; the no-shift bug gives NaN, far outside either.
PROPERTY_TOL = 1e-4


def sums_to_one_and_shift_invariant(inp: dict, out: Any) -> tuple:
    """(ok, message, margin): the margin is the worst of the row-sum error and the shift gap over PROPERTY_TOL."""
    p, p_shifted = out
    if p.shape != inp["x"].shape or p_shifted.shape != inp["x"].shape:
        return False, f"output shapes {p.shape}, {p_shifted.shape} != input shape {inp['x'].shape}"
    errors = []
    for name, q in (("softmax(x)", p), ("softmax(x + 1000)", p_shifted)):
        if not np.isfinite(q).all():
            return False, f"{name} contains NaN or inf"
        if (q < 0).any():
            return False, f"{name} has negative entries"
        worst = float(np.abs(q.astype(np.float64).sum(axis=-1) - 1.0).max())
        if worst > PROPERTY_TOL:
            return False, f"rows of {name} sum to 1 only within {worst:.3g}", worst / PROPERTY_TOL
        errors.append(worst)
    # tie rule: inputs on a 2^-10 grid can tie, so the most probable entry must hold a largest input (any of them)
    at_top = np.take_along_axis(inp["x"], np.argmax(p, axis=-1)[..., None], axis=-1)[..., 0]
    if not (at_top == inp["x"].max(axis=-1)).all():
        return False, "the largest input of a row does not get the largest probability"
    gap = float(np.abs(p.astype(np.float64) - p_shifted).max())
    margin = max(*errors, gap) / PROPERTY_TOL
    return gap <= PROPERTY_TOL, f"softmax(x) and softmax(x + 1000) differ by up to {gap:.3g}", margin


SUITE = Suite(cases=(
    Case(name="silu/random", inputs=silu_random_inputs, compare=close(), run=run_silu,
         expect=ORACLES.torch_float64.of("silu"), hidden_draws=2,
         note="x (3, 17) float32, against torch.nn.functional.silu in float64"),
    Case(name="silu/extremes", inputs=silu_extreme_inputs, compare=close(), run=run_silu,
         expect=ORACLES.torch_float64.of("silu"),
         note="very negative and very positive inputs (±1e4) without NaN or overflow"),
    Case(name="swiglu/forward_3d", inputs=swiglu_inputs((2, 4), (8, 33), 64), compare=SWIGLU_CLOSE,
         run=run_swiglu, expect=ORACLES.expect_swiglu, hidden_draws=2,
         note="x (2, 4, d_model), d_ff = 64: w2(silu(w1 x) * w3 x) against a float64 formula"),
    # subtle: 8 rows, not 5-7 or 9-11: for those, MKL's float32 matmul rounds differently with 1 and 2 threads
    # (~2e-7 on outputs near 0), which `grader check`'s determinism test of the reference flags.
    Case(name="swiglu/forward_2d", inputs=swiglu_inputs((8,), (33, 49), 128), compare=SWIGLU_CLOSE,
         run=run_swiglu, expect=ORACLES.expect_swiglu,
         note="x (8, d_model), d_ff = 128: the gate is silu(w1 x), not silu(w3 x)"),
    Case(name="swiglu/state_dict",
         inputs=lambda rng: {"d_model": int(rng.integers(4, 200)), "d_ff": int(64 * rng.integers(1, 9))},
         compare=exact(), run=run_swiglu_state_dict, expect=ORACLES.expect_swiglu_state_dict,
         note="parameters w1.weight (d_ff, d_model), w2.weight (d_model, d_ff), w3.weight (d_ff, d_model)"),
    Case(name="softmax/last_dim", inputs=softmax_inputs((4, 10), -1, 3.0), compare=close(),
         run=run_softmax, expect=ORACLES.torch_float64.of("softmax", dim="dim"), hidden_draws=2,
         note="softmax over the last dim of x (4, 10), against torch.softmax in float64"),
    Case(name="softmax/middle_dim", inputs=softmax_inputs((3, 6, 5), 1, 3.0), compare=close(),
         run=run_softmax, expect=ORACLES.torch_float64.of("softmax", dim="dim"),
         note="softmax over dim 1 of x (3, 6, 5): normalise along the given dim only"),
    Case(name="softmax/shift_invariance", inputs=shift_inputs,
         compare=predicate("rows sum to one and softmax(x + 1000) == softmax(x)", sums_to_one_and_shift_invariant),
         run=run_softmax_shifted,
         note="returns (softmax(x), softmax(x + 1000)): rows sum to 1 and a constant shift changes nothing"),
    Case(name="softmax/large_logits", inputs=softmax_inputs((4, 12), -1, 1e4), compare=close(),
         run=run_softmax, expect=ORACLES.torch_float64.of("softmax", dim="dim"),
         note="logits of size ~1e4: exp would overflow without subtracting the max (no NaN allowed)"),
))
