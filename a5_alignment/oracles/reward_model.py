"""Expected values of a5's reward-model cases (a5_alignment/cases/reward_model.py), instructor-only: the head from
a forward hook on the unwrapped a1 TransformerLM, indexed at each row's last real token and projected in float64
numpy; the Bradley-Terry loss in float64 numpy (-log sigmoid(x) = logaddexp(0, -x)) with its gradient written out;
the worked batch by hand; accuracy by counting."""

from __future__ import annotations

import math

import numpy as np

from a5_alignment.cases.ppo import small_lm
from shared.cases.tensors import f64


def _hidden(inp: dict, grad: bool = False):
    """The unwrapped LM's final hidden states (batch, seq, d_model) at the case's ids, and the LM."""
    import torch

    lm = small_lm(inp)
    seen = {}
    lm.ln_final.register_forward_hook(lambda mod, args, out: seen.update(h=out))
    with torch.set_grad_enabled(grad):
        lm(torch.from_numpy(inp["ids"]))
    return seen["h"], lm


def _last(inp: dict) -> np.ndarray:
    b, t = inp["ids"].shape
    return np.full(b, t - 1) if inp["lengths"] is None else inp["lengths"] - 1


def expect_head(inp: dict) -> dict:
    h, _ = _hidden(inp)
    rows = f64(h.detach().numpy())[np.arange(inp["ids"].shape[0]), _last(inp)]  # (batch, d_model)
    rewards = rows @ f64(inp["w"])[0] + f64(inp["b"])[0]
    return {"rewards": rewards.astype(np.float32), "final_norm_calls": 1}


def expect_head_zero(inp: dict) -> np.ndarray:
    return np.zeros(inp["ids"].shape[0], dtype=np.float32)


def expect_head_grad(inp: dict) -> np.ndarray:
    """Autograd of sum_b (w . h[b, last_b] + b) through the unwrapped LM."""
    import torch

    h, lm = _hidden(inp, grad=True)
    rows = h[torch.arange(h.shape[0]), torch.from_numpy(_last(inp))]
    (rows @ torch.from_numpy(inp["w"])[0] + torch.from_numpy(inp["b"])[0]).sum().backward()
    return lm.token_embeddings.weight.grad.numpy()


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -x))


def expect_loss(inp: dict) -> dict:
    rc, rr = f64(inp["rc"]), f64(inp["rr"])
    n = rc.size
    m = np.broadcast_to(f64(inp["margin"]), rc.shape)
    tie = np.zeros(n, dtype=bool) if inp["tie"] is None else inp["tie"]
    d = rc - rr
    # -log sigmoid(x) = log(1 + e^-x) = logaddexp(0, -x); d/dx = -sigmoid(-x)
    per = np.where(tie, 0.5 * (np.logaddexp(0.0, -d) + np.logaddexp(0.0, d)), np.logaddexp(0.0, -(d - m)))
    # the tie term's derivative in d: -1/2 [sigmoid(-d) - sigmoid(d)] = sigmoid(d) - 1/2
    dd = np.where(tie, _sigmoid(d) - 0.5, -_sigmoid(-(d - m))) / n
    return {"loss": np.asarray(per.mean(), dtype=np.float32), "grad_chosen": dd.astype(np.float32),
            "grad_rejected": (-dd).astype(np.float32)}


def expect_loss_worked(inp: dict) -> dict:
    # By hand, 5 pairs, sigmoid(ln 3) = 3/4:
    #   d = 0:            -log(1/2) = ln 2;                      dL/dd = -(1 - 1/2) = -1/2
    #   d = ln 3:         -log(3/4) = ln(4/3);                   dL/dd = -(1 - 3/4) = -1/4
    #   d = -ln 3:        -log(1/4) = ln 4;                      dL/dd = -(1 - 1/4) = -3/4
    #   d - m = ln 3:     ln(4/3) again;                          dL/dd = -1/4
    #   tie at d = ln 3:  -1/2 [log(3/4) + log(1/4)] = 1/2 ln(16/3); dL/dd = sigmoid(d) - 1/2 = 1/4
    # loss = the mean; the gradient in r_chosen is dL/dd / 5, in r_rejected its negative.
    loss = (math.log(2) + math.log(4 / 3) + math.log(4) + math.log(4 / 3) + 0.5 * math.log(16 / 3)) / 5
    g = np.array([-0.5, -0.25, -0.75, -0.25, 0.25]) / 5
    return {"loss": np.asarray(loss, dtype=np.float32), "grad_chosen": g.astype(np.float32),
            "grad_rejected": (-g).astype(np.float32)}


def expect_accuracy(inp: dict) -> float:
    score = 0.0
    count = 0
    for c, r, t in zip(inp["rc"].tolist(), inp["rr"].tolist(), inp["tie"].tolist(), strict=True):
        if t:
            continue
        count += 1
        score += 1.0 if c > r else 0.5 if c == r else 0.0
    return score / count


def expect_accuracy_sets(inp: dict) -> np.ndarray:
    return np.array([expect_accuracy(one) for one in inp["sets"]], dtype=np.float64)


def expect_accuracy_worked(inp: dict) -> float:
    return 2.5 / 4  # right, wrong, equal (1/2), [tie], right
