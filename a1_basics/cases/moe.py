"""Cases for the optional unit a1.moe (MoEFeedForward, HANDOUT §10).

The oracle (a1_basics/oracles/moe.py, instructor-only) is a token-by-token loop in float64 torch (torch.softmax,
torch.nn.functional.silu and linear, experts in token order with a per-expert counter for the capacity), loading
the same weights by their state-dict names; it shares no code with the reference, and its autograd gives the
gradient case its expected values. The load-balancing loss is also checked on two worked examples derived by hand
(a zero router, a router that sends every token to one expert), and capacity dropping on a four-token example.

Inputs are drawn so that every token's top_k set is clear: the gap between its k-th and (k+1)-th router logit is
at least MARGIN, so float32 rounding cannot change which experts a token picks.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np

from shared.cases import Case, Impl, Oracles, Suite, close, exact, raises
from shared.cases.tensors import f64, randn, tensor

ORACLES = Oracles("a1_basics.oracles.moe")  # expected values: instructor-only, never released

MARGIN = 1e-2
# Float32 router, softmax, gates and three chained expert matmuls (sums of <= 64 terms) against float64: errors
# near 1e-6 of outputs of size ~1; 2e-5 leaves room for any summation order.
MOE_CLOSE = close(rtol=1e-5, atol=2e-5)
GRAD_CLOSE = close(rtol=1e-4, atol=2e-5)
AUX_CLOSE = close(rtol=1e-5, atol=1e-6)


# ---- inputs: weights by state-dict name ----

def expert_weights(rng: np.random.Generator, num_experts: int, d_model: int, d_ff: int) -> dict[str, np.ndarray]:
    w = {}
    for e in range(num_experts):
        w[f"experts.{e}.w1.weight"] = randn(rng, (d_ff, d_model), d_model**-0.5)
        w[f"experts.{e}.w2.weight"] = randn(rng, (d_model, d_ff), d_ff**-0.5)
        w[f"experts.{e}.w3.weight"] = randn(rng, (d_ff, d_model), d_model**-0.5)
    return w


def _small_margin_rows(x: np.ndarray, router: np.ndarray, top_k: int) -> np.ndarray:
    """Rows of x (T, d) whose k-th and (k+1)-th largest router logits are closer than MARGIN."""
    logits = np.sort(f64(x) @ f64(router).T, axis=-1)[:, ::-1]
    if top_k == logits.shape[1]:
        return np.zeros(len(x), dtype=bool)
    return logits[:, top_k - 1] - logits[:, top_k] < MARGIN


def capacity_of(inp: dict, num_tokens: int) -> int | None:
    """ceil(c * T * k / E) in exact rational arithmetic (the decimal the case states), or None."""
    c = inp["capacity_factor"]
    if c is None:
        return None
    return math.ceil(Fraction(str(c)) * num_tokens * inp["top_k"] / inp["num_experts"])


def routing_counts(inp: dict) -> tuple[np.ndarray, int]:
    """(tokens each expert chose, tokens dropped) under the case's capacity, from a float64 routing."""
    x = f64(inp["x"]).reshape(-1, inp["x"].shape[-1])
    top = np.argsort(-(x @ f64(inp["router.weight"]).T), axis=-1, kind="stable")[:, :inp["top_k"]]
    chosen = np.bincount(top.ravel(), minlength=inp["num_experts"])
    cap = capacity_of(inp, len(x))
    dropped = 0 if cap is None else int(np.maximum(chosen - cap, 0).sum())
    return chosen, dropped


def moe_inputs(batch: tuple[int, ...], num_experts: int, top_k: int, d_ff: int,
               capacity_factor: float | None = None, d_model_range: tuple[int, int] = (8, 25),
               router_scale: float = 2.0, need_drops: bool = False,
               dtype: type = np.float32) -> Callable[[np.random.Generator], dict]:
    """x (*batch, d_model), a router, experts; rows with an unclear top-k are redrawn. With need_drops the whole
    draw is repeated until the capacity drops at least one token (so a case about capacity tests it)."""

    def make(rng: np.random.Generator) -> dict:
        for _ in range(200):
            d_model = int(rng.integers(*d_model_range))
            router = randn(rng, (num_experts, d_model), router_scale * d_model**-0.5, dtype)
            x = randn(rng, (int(np.prod(batch)), d_model), dtype=dtype)
            for _ in range(100):
                bad = _small_margin_rows(x, router, top_k)
                if not bad.any():
                    break
                x[bad] = randn(rng, (int(bad.sum()), d_model), dtype=dtype)
            inp = {"x": x.reshape(*batch, d_model), "router.weight": router,
                   **{k: v.astype(dtype) for k, v in expert_weights(rng, num_experts, d_model, d_ff).items()},
                   "num_experts": num_experts, "top_k": top_k, "d_ff": d_ff, "capacity_factor": capacity_factor}
            if not need_drops or routing_counts(inp)[1] > 0:
                return inp
        raise RuntimeError("could not draw inputs with dropped tokens")  # never at the cases' settings

    return make


def build(impl: Impl, inp: dict) -> Any:
    """The student's module with the case's weights loaded through load_state_dict (strict)."""
    import torch

    d_model = inp["x"].shape[-1]
    moe = impl.MoEFeedForward(d_model, inp["d_ff"], inp["num_experts"], inp["top_k"],
                              capacity_factor=inp["capacity_factor"])
    weights = {k: tensor(v) for k, v in inp.items() if k.endswith(".weight")}
    if inp["x"].dtype == np.float64:
        moe = moe.to(torch.float64)
    moe.load_state_dict(weights)
    return moe


def run_forward(impl: Impl, inp: dict) -> Any:
    return build(impl, inp)(tensor(inp["x"])).detach()


def run_aux(impl: Impl, inp: dict) -> Any:
    moe = build(impl, inp)
    moe(tensor(inp["x"]))
    aux = moe.last_aux_loss
    return np.float64(float(aux.detach() if hasattr(aux, "detach") else aux))


def run_aux_and_output(impl: Impl, inp: dict) -> dict:
    """The aux loss beside the output it came with. The loss alone takes few values when routing is peaked
    (f_e are multiples of 1 / (T k)), so a hidden draw could share a visible draw's answer: the output pins it."""
    moe = build(impl, inp)
    y = moe(tensor(inp["x"])).detach()
    aux = moe.last_aux_loss
    return {"aux": np.float64(float(aux.detach() if hasattr(aux, "detach") else aux)), "y": y}


def run_grads(impl: Impl, inp: dict) -> dict:
    """d/dθ of sum(out * probe) + aux_coef * aux, for the router, one expert's w1, and x."""
    import torch

    moe = build(impl, inp)
    x = tensor(inp["x"]).clone().requires_grad_(True)
    loss = (moe(x) * tensor(inp["probe"])).sum() + inp["aux_coef"] * moe.last_aux_loss
    loss.backward()
    w1 = moe.experts[int(inp["expert"])].w1.weight
    # an expert that no token reached has no gradient at all: that is a zero gradient
    return {"router": moe.router.weight.grad.detach(),
            "expert_w1": torch.zeros_like(w1) if w1.grad is None else w1.grad.detach(),
            "x": x.grad.detach(), "aux": np.float64(float(moe.last_aux_loss.detach().to(torch.float64)))}


def grad_inputs(rng: np.random.Generator) -> dict:
    inp = moe_inputs((2, 5), 4, 2, 32, capacity_factor=1.0, need_drops=True)(rng)
    inp["probe"] = randn(rng, inp["x"].shape)
    inp["aux_coef"] = 0.5  # large, so that a detached or mis-scaled aux loss shows in the router's gradient
    inp["expert"] = int(rng.integers(0, 4))
    return inp


# ---- worked examples ----

def uniform_router_inputs(rng: np.random.Generator) -> dict:
    """A zero router: every probability is exactly 1/E, so P_e = 1/E and aux = E * sum_e f_e / E = sum_e f_e = 1,
    whichever experts the tie-break picks (the f_e always sum to 1)."""
    inp = moe_inputs((6,), 4, 2, 16)(rng)
    inp["router.weight"] = np.zeros_like(inp["router.weight"])
    return inp


def collapsed_router_inputs(rng: np.random.Generator) -> dict:
    """Every token's logit for expert 0 exceeds the others by >= 40: with top_k = 1, f_0 = 1 and P_0 = 1 to within
    e^-40, so aux = E * 1 * 1 = E (the worst imbalance), here E = 4 -> 4.0."""
    inp = moe_inputs((7,), 4, 1, 16)(rng)
    d = inp["x"].shape[-1]
    x = np.abs(inp["x"]) + 1.0  # every feature >= 1
    router = np.zeros((4, d), dtype=np.float32)
    router[0] = 40.0 / d  # logit_0 = 40 * mean(x) >= 40, the others 0
    inp.update(x=x.astype(np.float32), **{"router.weight": router})
    return inp


# Capacity, a worked example: E = 2 experts, top_k = 1, T = 4 tokens, capacity_factor 1.0, and a router that
# reads feature 0 for expert 0 and feature 1 for expert 1 (logits = x[:2]); the answer, worked by hand, is in
# a1_basics/oracles/moe.py.
WORKED_X = [[3.0, 0.0, 0.5, -0.5], [2.0, 0.0, -1.0, 1.0], [5.0, 1.0, 0.25, 0.75], [0.0, 2.0, 1.0, 1.0]]


def worked_capacity_inputs(rng: np.random.Generator) -> dict:
    inp = {"x": np.array(WORKED_X, dtype=np.float32), "num_experts": 2, "top_k": 1, "d_ff": 8,
           "capacity_factor": 1.0, "router.weight": np.eye(2, 4, dtype=np.float32)}
    return {**inp, **expert_weights(rng, 2, 4, 8)}


def run_rows_nonzero(impl: Impl, inp: dict) -> list[bool]:
    return [bool(v) for v in (run_forward(impl, inp) != 0).any(dim=-1)]


def run_state_dict(impl: Impl, inp: dict) -> dict:
    moe = impl.MoEFeedForward(inp["d_model"], inp["d_ff"], inp["num_experts"], inp["top_k"])
    sd = moe.state_dict()
    return {"keys": sorted(sd), "shapes": [list(sd[k].shape) for k in sorted(sd)]}


def state_dict_inputs(rng: np.random.Generator) -> dict:
    E = int(rng.integers(2, 6))
    # wide (about 1M configurations): a hidden draw never repeats a visible one
    return {"d_model": int(rng.integers(4, 256)), "d_ff": int(rng.integers(8, 257)), "num_experts": E,
            "top_k": int(rng.integers(1, E + 1))}


def run_bad_config(impl: Impl, inp: dict) -> Any:
    return impl.MoEFeedForward(inp["d_model"], 16, inp["num_experts"], inp["top_k"],
                               capacity_factor=inp["capacity_factor"])


def too_many_experts_inputs(rng: np.random.Generator) -> dict:
    E = int(rng.integers(2, 33))  # wide ranges: no hidden draw repeats a visible one (grader/replay.py)
    return {"d_model": 4 * int(rng.integers(1, 17)), "num_experts": E, "top_k": E + int(rng.integers(1, 17)),
            "capacity_factor": None}


SUITE = Suite(cases=(
    Case(name="moe/forward_top2", inputs=moe_inputs((2, 6), 4, 2, 32), compare=MOE_CLOSE, run=run_forward,
         expect=ORACLES.expect_forward, hidden_draws=2,
         note="x (2, 6, d_model), 4 experts, top_k 2, no capacity: against a float64 token-by-token loop"),
    Case(name="moe/forward_top3", inputs=moe_inputs((8,), 6, 3, 16), compare=MOE_CLOSE, run=run_forward,
         expect=ORACLES.expect_forward,
         note="x (8, d_model), 6 experts, top_k 3: gates are the top-3 probabilities renormalised to sum 1"),
    Case(name="moe/capacity", inputs=moe_inputs((16,), 4, 2, 16, capacity_factor=1.0, router_scale=3.0,
                                          need_drops=True),
         compare=MOE_CLOSE, run=run_forward, expect=ORACLES.expect_forward, hidden_draws=2,
         note="16 tokens, 4 experts, top_k 2, capacity_factor 1.0 (8 per expert): overflow dropped in token order"),
    Case(name="moe/capacity_worked_example", inputs=worked_capacity_inputs, compare=exact(),
         run=run_rows_nonzero, expect=ORACLES.expect_worked_rows_nonzero, hidden_draws=0,
         note="4 tokens, 2 experts, capacity 2: the third token for expert 0 is dropped (its row is all 0)"),
    Case(name="moe/aux_loss", inputs=moe_inputs((3, 4), 4, 2, 16), compare=MOE_CLOSE, run=run_aux_and_output,
         expect=ORACLES.expect_aux_and_output,
         note="last_aux_loss = E * sum_e f_e * P_e against the formula in float64"),
    Case(name="moe/aux_loss_counts_before_dropping",
         inputs=moe_inputs((16,), 4, 2, 16, capacity_factor=0.5, router_scale=3.0, need_drops=True), compare=MOE_CLOSE,
         run=run_aux_and_output, expect=ORACLES.expect_aux_and_output,
         note="with capacity_factor 0.5, f_e counts the router's choices, dropped ones included"),
    Case(name="moe/aux_loss_uniform_router", inputs=uniform_router_inputs, compare=AUX_CLOSE, run=run_aux,
         expect=ORACLES.expect_aux_uniform, hidden_draws=0,
         note="worked example: a zero router gives probabilities 1/E and an aux loss of exactly 1"),
    Case(name="moe/gradients", inputs=grad_inputs, compare=GRAD_CLOSE, run=run_grads, expect=ORACLES.expect_grads,
         note="gradients of sum(out * probe) + 0.5 * aux for the router, an expert and x, against autograd of "
              "the float64 loop (capacity 1.0 with drops)"),
    Case(name="moe/state_dict", inputs=state_dict_inputs, compare=exact(), run=run_state_dict,
         expect=ORACLES.expect_state_dict,
         note="router.weight (E, d_model) and experts.{e}.w1/w2/w3.weight like SwiGLU's"),
    Case(name="moe/top_k_too_large_raises", inputs=too_many_experts_inputs, compare=raises(ValueError),
         run=run_bad_config, note="top_k > num_experts: ValueError"),
))
