"""Expected values of a5's GAE and reward-shaping cases (a5_alignment/cases/gae.py), instructor-only (no release
ships it; nothing the worker imports imports it): worked examples derived by hand, a plain-Python backwards loop
over each row's response tokens, the closed forms at lambda = 0 (one-step TD error) and lambda = 1 (discounted
return minus value), a per-row loop for shape_rewards and numpy for masked_whiten."""

from __future__ import annotations

import numpy as np

from shared.cases.tensors import f64


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


def expect_no_gradient(inp: dict) -> dict:
    return {"advantages": gae_loop(inp)["advantages"], "advantages_require_grad": False,
            "returns_require_grad": False}


# ---- shape_rewards and masked_whiten ----

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


def expect_shape_worked(inp: dict) -> np.ndarray:
    # By hand, kl = 0.1. Row 0, response t = 1..2: t=1: -0.1*(-0.5+1.5) = -0.1; t=2: -0.1*0 = 0, plus score 1 at
    # the last response token -> 1.0; prompt and pad 0. Row 1, whole row: -0.1*(1, -1, 0, 0) = (-0.1, 0.1, 0, 0),
    # score 0 at t=3.
    return np.array([[0.0, -0.1, 1.0, 0.0], [-0.1, 0.1, 0.0, 0.0]], dtype=np.float32)


def expect_whiten(inp: dict) -> np.ndarray:
    """numpy: mean and population variance (np.var, ddof=0) of the masked elements."""
    x, m = f64(inp["x"]), inp["mask"]
    sel = x[m]
    return np.where(m, (x - sel.mean()) / np.sqrt(sel.var() + 1e-8), 0.0).astype(np.float32)
