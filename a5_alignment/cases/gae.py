"""Cases for the optional PPO units a5.ppo_rewards (shape_rewards, masked_whiten) and a5.gae (compute_gae):
worked examples derived by hand, a plain-Python backwards loop over each row's response tokens, and the closed
forms at lambda = 0 (one-step TD error) and lambda = 1 (discounted return minus value); those oracles are in
a5_alignment/oracles/gae.py."""

from __future__ import annotations

from typing import Any

import numpy as np

from shared.cases import Case, Impl, Oracles, Suite, close, exact, fields, raises
from shared.cases.tensors import randn, tensor

ORACLES = Oracles("a5_alignment.oracles.gae")  # expected values: instructor-only, never released

# float32 recursion over at most 9 response tokens against a float64 oracle, with |r|, |V| of order 1 on the
# response (gae_fill; up to ~5 at 5 sigma): A_t sums <= 9 discounted deltas of size <= ~15, so its error is at
# most ~9 * 3 roundings * 1.2e-7 * 15 ~ 5e-7, and R = A + V adds ~1.2e-7 * (|A| + |V|) ~ 3e-6: atol 1e-5 and
# rtol 1e-5 leave a factor of >3 (measured worst margin 0.05 over 1000 draws of each case).
GAE_CLOSE = close(rtol=1e-5, atol=1e-5)


def response_mask(rng: np.random.Generator, b: int, t: int) -> np.ndarray:
    """One contiguous response per row: a prompt of 0..t-1 tokens, then 1.. tokens, then padding (maybe none)."""
    m = np.zeros((b, t), dtype=bool)
    for i in range(b):
        start = int(rng.integers(0, t))
        end = t if rng.random() < 0.3 else int(rng.integers(start + 1, t + 1))
        m[i, start:end] = True
    return m


def gae_inputs(rng: np.random.Generator, gamma: float | None = None, lam: float | None = None) -> dict:
    b, t = int(rng.integers(2, 6)), int(rng.integers(3, 10))
    return gae_fill(rng, response_mask(rng, b, t), gamma, lam)


def gae_fill(rng: np.random.Generator, m: np.ndarray, gamma: float | None = None,
             lam: float | None = None) -> dict:
    """Rewards and values for the response mask `m`: of size ~1 on the response, ~1e3 outside it. A case that
    changes the mask must draw through this again rather than edit the mask afterwards: a 1e3 value moved into
    the response makes the float32 returns A + V a difference of numbers ~1e3 (error ~ulp(1e3) = 6e-5), which
    no tolerance tight enough for the recursion covers."""
    b, t = m.shape
    # subtle: large values outside the response, so bootstrapping from a prompt or pad position shows
    values = np.where(m, randn(rng, (b, t)), randn(rng, (b, t), scale=1e3)).astype(np.float32)
    rewards = np.where(m, randn(rng, (b, t), scale=0.5), randn(rng, (b, t), scale=1e3)).astype(np.float32)
    return {"rewards": rewards, "values": values, "mask": m,
            "gamma": float(rng.uniform(0.5, 1.0)) if gamma is None else gamma,
            "lam": float(rng.uniform(0.3, 1.0)) if lam is None else lam}


def run_gae(impl: Impl, inp: dict) -> Any:
    adv, ret = impl.compute_gae(tensor(inp["rewards"]), tensor(inp["values"]), tensor(inp["mask"]),
                                inp["gamma"], inp["lam"])
    return {"advantages": adv, "returns": ret}


def worked_inputs(gamma: float) -> Any:
    def make(rng: np.random.Generator) -> dict:
        return {"rewards": np.array([[0, 0, 0, 1, 0], [-0.5, 2, 0, 0, 0]], dtype=np.float32),
                "values": np.array([[9, 0.5, 0.5, 0.5, 7], [1, 2, 5, 5, 5]], dtype=np.float32),
                "mask": np.array([[0, 1, 1, 1, 0], [1, 1, 0, 0, 0]], dtype=bool), "gamma": gamma, "lam": gamma}

    return make


def run_gae_grad(impl: Impl, inp: dict) -> Any:
    values = tensor(inp["values"], requires_grad=True)
    adv, ret = impl.compute_gae(tensor(inp["rewards"]), values, tensor(inp["mask"]), inp["gamma"], inp["lam"])
    return {"advantages": adv.detach(), "advantages_require_grad": bool(adv.requires_grad),
            "returns_require_grad": bool(ret.requires_grad)}


def run_gae_bad_shape(impl: Impl, inp: dict) -> Any:
    return impl.compute_gae(tensor(inp["rewards"]), tensor(inp["values"][:, :-1]), tensor(inp["mask"]),
                            inp["gamma"], inp["lam"])


# ---- shape_rewards and masked_whiten ----

def shape_inputs(rng: np.random.Generator, kl_coef: float | None = None) -> dict:
    b, t = int(rng.integers(2, 6)), int(rng.integers(3, 10))
    lp = -np.abs(randn(rng, (b, t), scale=1.5))
    m = response_mask(rng, b, t)
    if m[:, -1].all():  # every response reaches the last column: pad one, so a score put on the column shows
        i, start = int(rng.integers(0, b)), int(rng.integers(0, t - 1))
        m[i] = False
        m[i, start:int(rng.integers(start + 1, t))] = True
    # never-zero scores: a score put in the wrong place always changes the answer
    scores = (rng.choice((-1.0, 1.0), size=b) * rng.uniform(0.25, 2.0, size=b)).astype(np.float32)
    return {"scores": scores, "mask": m, "lp": lp,
            "ref": (lp + randn(rng, (b, t), scale=0.3)).astype(np.float32),
            "kl": float(rng.uniform(0.01, 0.5)) if kl_coef is None else kl_coef}


def run_shape(impl: Impl, inp: dict) -> Any:
    lp, ref = (None, None) if inp["lp"] is None else (tensor(inp["lp"]), tensor(inp["ref"]))
    return impl.shape_rewards(tensor(inp["scores"]), tensor(inp["mask"]), lp, ref, inp["kl"])


def shape_worked_inputs(rng: np.random.Generator) -> dict:
    return {"scores": np.array([1.0, 0.0], dtype=np.float32),
            "mask": np.array([[0, 1, 1, 0], [1, 1, 1, 1]], dtype=bool),
            "lp": np.array([[-1.0, -0.5, -0.25, -3.0], [-1.0, -2.0, -1.0, -0.5]], dtype=np.float32),
            "ref": np.array([[-9.0, -1.5, -0.25, -9.0], [-2.0, -1.0, -1.0, -0.5]], dtype=np.float32), "kl": 0.1}


def whiten_inputs(rng: np.random.Generator) -> dict:
    b, t = int(rng.integers(2, 6)), int(rng.integers(3, 10))
    m = response_mask(rng, b, t)
    m[0, :2] = True  # at least two distinct positions, so the variance is not 0
    return {"x": np.where(m, randn(rng, (b, t), scale=2.0) + 3.0, 1e4).astype(np.float32), "mask": m}


def run_whiten(impl: Impl, inp: dict) -> Any:
    return impl.masked_whiten(tensor(inp["x"]), tensor(inp["mask"]))


def run_gae_inputs(gamma: float | None = None, lam: float | None = None) -> Any:
    return lambda rng: gae_inputs(rng, gamma, lam)


SUITE = Suite(cases=(
    Case(name="gae/worked_gamma_lam_half", inputs=worked_inputs(0.5), compare=GAE_CLOSE, run=run_gae,
         expect=ORACLES.expect_worked_half, seeds=(0,), hidden_draws=0,
         note="two rows by hand: a response mid-row (prompt before, pad after) and one at the row's start"),
    Case(name="gae/worked_gamma_lam_one", inputs=worked_inputs(1.0), compare=GAE_CLOSE, run=run_gae,
         expect=ORACLES.expect_worked_one, seeds=(0,), hidden_draws=0,
         note="gamma = lam = 1: A_t = (sum of later rewards) - V_t"),
    Case(name="gae/random", inputs=gae_inputs, compare=GAE_CLOSE, run=run_gae, expect=ORACLES.gae_loop,
         seeds=(0, 1, 2), hidden_draws=2,
         note="backwards recursion over each row's response; huge values outside it must not bootstrap in"),
    Case(name="gae/lambda_zero_is_td_error", inputs=run_gae_inputs(lam=0.0), compare=GAE_CLOSE, run=run_gae,
         expect=ORACLES.expect_td, seeds=(0,), note="lam = 0: A_t = r_t + gamma V_{t+1} - V_t"),
    Case(name="gae/lambda_one_is_return_minus_value", inputs=run_gae_inputs(lam=1.0), compare=GAE_CLOSE,
         run=run_gae, expect=ORACLES.expect_mc, seeds=(0,),
         note="lam = 1: A_t = discounted return to the end of the response - V_t"),
    # the advantages ride along so the answer depends on the inputs (a fixed answer would replay: grader/replay.py)
    Case(name="gae/no_gradient", inputs=gae_inputs,
         compare=fields(advantages=GAE_CLOSE, advantages_require_grad=exact(), returns_require_grad=exact()),
         run=run_gae_grad,
         expect=ORACLES.expect_no_gradient, seeds=(0,),
         note="advantages and returns are targets: the values are detached"),
    Case(name="gae/bad_gamma_raises", inputs=run_gae_inputs(gamma=1.5), compare=raises(ValueError),
         run=run_gae, expect=None, seeds=(0,), note="gamma outside [0, 1] is a ValueError"),
    Case(name="gae/shape_mismatch_raises", inputs=gae_inputs, compare=raises(ValueError),
         run=run_gae_bad_shape, expect=None, seeds=(0,),
         note="rewards, values and mask of different shapes are a ValueError"),
    Case(name="shape_rewards/worked_example", inputs=shape_worked_inputs, compare=close(), run=run_shape,
         expect=ORACLES.expect_shape_worked, seeds=(0,), hidden_draws=0,
         note="KL penalty per response token, the score on the last one"),
    Case(name="shape_rewards/random", inputs=shape_inputs, compare=close(), run=run_shape,
         expect=ORACLES.expect_shape, hidden_draws=2, note="responses mid-row and up to the row's end"),
    Case(name="shape_rewards/no_kl", inputs=lambda rng: {**shape_inputs(rng, 0.0), "lp": None},
         compare=close(), run=run_shape, expect=ORACLES.expect_shape, seeds=(0,),
         note="kl_coef = 0 without log-probs: the score only"),
    Case(name="shape_rewards/kl_without_log_probs_raises",
         inputs=lambda rng: {**shape_inputs(rng, 0.1), "lp": None}, compare=raises(ValueError), run=run_shape,
         expect=None, seeds=(0,), note="kl_coef > 0 needs both log-prob tensors"),
    Case(name="masked_whiten/random", inputs=whiten_inputs, compare=close(rtol=1e-4, atol=1e-5),
         run=run_whiten, expect=ORACLES.expect_whiten, hidden_draws=2,
         note="mean and population variance over the masked elements only"),
))
