"""Cases for the optional PPO units a5.ppo_rewards (shape_rewards, masked_whiten) and a5.gae (compute_gae):
worked examples derived by hand, a plain-Python backwards loop over each row's response tokens, and the closed
forms at lambda = 0 (one-step TD error) and lambda = 1 (discounted return minus value)."""

from __future__ import annotations

from typing import Any

import numpy as np

from shared.cases import Case, Impl, Suite, close, exact, fields, raises
from shared.cases.tensors import f64, randn, tensor

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


def gae_loop(inp: dict) -> dict:
    """Oracle: a plain-Python loop backwards over each row's response positions, in float64."""
    r, v, m, g, lam = f64(inp["rewards"]), f64(inp["values"]), inp["mask"], inp["gamma"], inp["lam"]
    adv, ret = np.zeros_like(v), np.zeros_like(v)
    for b in range(v.shape[0]):
        a, next_v = 0.0, 0.0
        for t in reversed(np.flatnonzero(m[b]).tolist()):
            a = r[b, t] + g * next_v - v[b, t] + g * lam * a
            adv[b, t], ret[b, t], next_v = a, a + v[b, t], v[b, t]
    return {"advantages": adv.astype(np.float32), "returns": ret.astype(np.float32)}


def expect_td(inp: dict) -> dict:
    """lambda = 0: A_t = r_t + gamma * V_{t+1} - V_t, V_{t+1} = 0 after the last response token (no recursion)."""
    r, v, m, g = f64(inp["rewards"]), f64(inp["values"]), inp["mask"], inp["gamma"]
    nxt = np.zeros_like(v)
    nxt[:, :-1] = np.where(m[:, 1:], v[:, 1:], 0.0)
    adv = np.where(m, r + g * nxt - v, 0.0)
    return {"advantages": adv.astype(np.float32), "returns": np.where(m, adv + v, 0.0).astype(np.float32)}


def expect_mc(inp: dict) -> dict:
    """lambda = 1: A_t = sum_{k>=0} gamma^k r_{t+k} (to the end of the response) - V_t; R_t is that return."""
    r, v, m, g = f64(inp["rewards"]), f64(inp["values"]), inp["mask"], inp["gamma"]
    ret = np.zeros_like(v)
    for b, t in zip(*np.nonzero(m), strict=True):
        later = [u for u in np.flatnonzero(m[b]) if u >= t]
        ret[b, t] = sum(g ** (u - t) * r[b, u] for u in later)
    return {"advantages": np.where(m, ret - v, 0.0).astype(np.float32), "returns": ret.astype(np.float32)}


def worked_inputs(gamma: float) -> Any:
    def make(rng: np.random.Generator) -> dict:
        return {"rewards": np.array([[0, 0, 0, 1, 0], [-0.5, 2, 0, 0, 0]], dtype=np.float32),
                "values": np.array([[9, 0.5, 0.5, 0.5, 7], [1, 2, 5, 5, 5]], dtype=np.float32),
                "mask": np.array([[0, 1, 1, 1, 0], [1, 1, 0, 0, 0]], dtype=bool), "gamma": gamma, "lam": gamma}

    return make


def expect_worked_half(inp: dict) -> dict:
    # By hand, gamma = lam = 0.5 (so gamma * lam = 0.25). Row 0, response at t = 1..3 (value 7 at the pad is
    # never used): t=3: delta = 1 + 0.5*0 - 0.5 = 0.5, A = 0.5; t=2: delta = 0 + 0.5*0.5 - 0.5 = -0.25,
    # A = -0.25 + 0.25*0.5 = -0.125; t=1: delta = -0.25, A = -0.25 + 0.25*(-0.125) = -0.28125.
    # Row 1, response at t = 0..1: t=1: delta = 2 + 0 - 2 = 0, A = 0; t=0: delta = -0.5 + 0.5*2 - 1 = -0.5,
    # A = -0.5. Returns = A + V.
    adv = np.array([[0, -0.28125, -0.125, 0.5, 0], [-0.5, 0, 0, 0, 0]], dtype=np.float32)
    ret = np.array([[0, 0.21875, 0.375, 1.0, 0], [0.5, 2.0, 0, 0, 0]], dtype=np.float32)
    return {"advantages": adv, "returns": ret}


def expect_worked_one(inp: dict) -> dict:
    # By hand, gamma = lam = 1: A_t = (sum of the rewards from t to the end of the response) - V_t.
    # Row 0: every return is 1, A = 1 - 0.5 = 0.5. Row 1: returns 1.5 and 2, A = 0.5 and 0.
    adv = np.array([[0, 0.5, 0.5, 0.5, 0], [0.5, 0, 0, 0, 0]], dtype=np.float32)
    ret = np.array([[0, 1, 1, 1, 0], [1.5, 2, 0, 0, 0]], dtype=np.float32)
    return {"advantages": adv, "returns": ret}


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


def expect_shape(inp: dict) -> np.ndarray:
    """Oracle: loop over rows; -kl * (lp - ref) on the response, the score added at its last position."""
    m = inp["mask"]
    out = np.zeros(m.shape)
    for b in range(m.shape[0]):
        idx = np.flatnonzero(m[b])
        if inp["kl"] > 0:
            out[b, idx] = -inp["kl"] * (f64(inp["lp"])[b, idx] - f64(inp["ref"])[b, idx])
        if len(idx):
            out[b, idx[-1]] += inp["scores"][b]
    return out.astype(np.float32)


def shape_worked_inputs(rng: np.random.Generator) -> dict:
    return {"scores": np.array([1.0, 0.0], dtype=np.float32),
            "mask": np.array([[0, 1, 1, 0], [1, 1, 1, 1]], dtype=bool),
            "lp": np.array([[-1.0, -0.5, -0.25, -3.0], [-1.0, -2.0, -1.0, -0.5]], dtype=np.float32),
            "ref": np.array([[-9.0, -1.5, -0.25, -9.0], [-2.0, -1.0, -1.0, -0.5]], dtype=np.float32), "kl": 0.1}


def expect_shape_worked(inp: dict) -> np.ndarray:
    # By hand, kl = 0.1. Row 0, response t = 1..2: t=1: -0.1*(-0.5+1.5) = -0.1; t=2: -0.1*0 = 0, plus score 1 at
    # the last response token -> 1.0; prompt and pad 0. Row 1, whole row: -0.1*(1, -1, 0, 0) = (-0.1, 0.1, 0, 0),
    # score 0 at t=3.
    return np.array([[0.0, -0.1, 1.0, 0.0], [-0.1, 0.1, 0.0, 0.0]], dtype=np.float32)


def whiten_inputs(rng: np.random.Generator) -> dict:
    b, t = int(rng.integers(2, 6)), int(rng.integers(3, 10))
    m = response_mask(rng, b, t)
    m[0, :2] = True  # at least two distinct positions, so the variance is not 0
    return {"x": np.where(m, randn(rng, (b, t), scale=2.0) + 3.0, 1e4).astype(np.float32), "mask": m}


def run_whiten(impl: Impl, inp: dict) -> Any:
    return impl.masked_whiten(tensor(inp["x"]), tensor(inp["mask"]))


def expect_whiten(inp: dict) -> np.ndarray:
    """numpy: mean and population variance (np.var, ddof=0) of the masked elements."""
    x, m = f64(inp["x"]), inp["mask"]
    sel = x[m]
    return np.where(m, (x - sel.mean()) / np.sqrt(sel.var() + 1e-8), 0.0).astype(np.float32)


def run_gae_inputs(gamma: float | None = None, lam: float | None = None) -> Any:
    return lambda rng: gae_inputs(rng, gamma, lam)


SUITE = Suite(cases=(
    Case(name="gae/worked_gamma_lam_half", inputs=worked_inputs(0.5), compare=GAE_CLOSE, run=run_gae,
         expect=expect_worked_half, seeds=(0,), hidden_draws=0,
         note="two rows by hand: a response mid-row (prompt before, pad after) and one at the row's start"),
    Case(name="gae/worked_gamma_lam_one", inputs=worked_inputs(1.0), compare=GAE_CLOSE, run=run_gae,
         expect=expect_worked_one, seeds=(0,), hidden_draws=0,
         note="gamma = lam = 1: A_t = (sum of later rewards) - V_t"),
    Case(name="gae/random", inputs=gae_inputs, compare=GAE_CLOSE, run=run_gae, expect=gae_loop,
         seeds=(0, 1, 2), hidden_draws=2,
         note="backwards recursion over each row's response; huge values outside it must not bootstrap in"),
    Case(name="gae/lambda_zero_is_td_error", inputs=run_gae_inputs(lam=0.0), compare=GAE_CLOSE, run=run_gae,
         expect=expect_td, seeds=(0,), note="lam = 0: A_t = r_t + gamma V_{t+1} - V_t"),
    Case(name="gae/lambda_one_is_return_minus_value", inputs=run_gae_inputs(lam=1.0), compare=GAE_CLOSE,
         run=run_gae, expect=expect_mc, seeds=(0,),
         note="lam = 1: A_t = discounted return to the end of the response - V_t"),
    # the advantages ride along so the answer depends on the inputs (a fixed answer would replay: grader/replay.py)
    Case(name="gae/no_gradient", inputs=gae_inputs,
         compare=fields(advantages=GAE_CLOSE, advantages_require_grad=exact(), returns_require_grad=exact()),
         run=run_gae_grad,
         expect=lambda inp: {"advantages": gae_loop(inp)["advantages"], "advantages_require_grad": False,
                      "returns_require_grad": False}, seeds=(0,),
         note="advantages and returns are targets: the values are detached"),
    Case(name="gae/bad_gamma_raises", inputs=run_gae_inputs(gamma=1.5), compare=raises(ValueError),
         run=run_gae, expect=None, seeds=(0,), note="gamma outside [0, 1] is a ValueError"),
    Case(name="gae/shape_mismatch_raises", inputs=gae_inputs, compare=raises(ValueError),
         run=run_gae_bad_shape, expect=None, seeds=(0,),
         note="rewards, values and mask of different shapes are a ValueError"),
    Case(name="shape_rewards/worked_example", inputs=shape_worked_inputs, compare=close(), run=run_shape,
         expect=expect_shape_worked, seeds=(0,), hidden_draws=0,
         note="KL penalty per response token, the score on the last one"),
    Case(name="shape_rewards/random", inputs=shape_inputs, compare=close(), run=run_shape,
         expect=expect_shape, hidden_draws=2, note="responses mid-row and up to the row's end"),
    Case(name="shape_rewards/no_kl", inputs=lambda rng: {**shape_inputs(rng, 0.0), "lp": None},
         compare=close(), run=run_shape, expect=expect_shape, seeds=(0,),
         note="kl_coef = 0 without log-probs: the score only"),
    Case(name="shape_rewards/kl_without_log_probs_raises",
         inputs=lambda rng: {**shape_inputs(rng, 0.1), "lp": None}, compare=raises(ValueError), run=run_shape,
         expect=None, seeds=(0,), note="kl_coef > 0 needs both log-prob tensors"),
    Case(name="masked_whiten/random", inputs=whiten_inputs, compare=close(rtol=1e-4, atol=1e-5),
         run=run_whiten, expect=expect_whiten, hidden_draws=2,
         note="mean and population variance over the masked elements only"),
))
