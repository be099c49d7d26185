"""Expected values of the cases of the optional unit a1.moe (cases/moe.py, and those of hidden/moe_edges.py that
reuse the loop). Instructor-only: no release ships this module, and nothing the worker imports imports it.

The oracle is a token-by-token loop in float64 torch (torch.softmax, torch.nn.functional.silu and linear, experts in
token order with a per-expert counter for the capacity), loading the same weights by their state-dict names; it
shares no code with the reference, and its autograd gives the gradient case its expected values. The worked
examples' answers were derived by hand (comments below and the input generators' docstrings in cases/moe.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from a1_basics.cases.moe import capacity_of
from shared.cases.tensors import f64

# ---- the oracle: token by token, float64 ----


def oracle(inp: dict, requires_grad: bool = False) -> tuple[Any, Any, dict]:
    """(y (T, d) float64 torch, aux loss, leaf tensors) from a loop over tokens in order."""
    import torch
    import torch.nn.functional as F

    E, k = inp["num_experts"], inp["top_k"]
    leaves = {name: torch.tensor(f64(v), requires_grad=requires_grad)
              for name, v in inp.items() if name.endswith(".weight") or name == "x"}
    x = leaves["x"].reshape(-1, inp["x"].shape[-1])
    T = x.shape[0]
    cap = capacity_of(inp, T)
    taken = [0] * E
    chosen = [0] * E
    rows, prob_rows = [], []
    for t in range(T):
        p = torch.softmax(F.linear(x[t], leaves["router.weight"]), dim=-1)
        prob_rows.append(p)
        top = sorted(range(E), key=lambda e: -float(p[e].detach()))[:k]
        norm = sum(p[e] for e in top)
        y = torch.zeros_like(x[t])
        for e in top:
            chosen[e] += 1
            if cap is not None and taken[e] >= cap:
                continue  # over capacity: this expert skips the token
            taken[e] += 1
            pre = f"experts.{e}."
            h = F.silu(F.linear(x[t], leaves[pre + "w1.weight"])) * F.linear(x[t], leaves[pre + "w3.weight"])
            y = y + (p[e] / norm) * F.linear(h, leaves[pre + "w2.weight"])
        rows.append(y)
    mean_p = torch.stack(prob_rows).mean(dim=0)
    aux = E * sum((chosen[e] / (T * k)) * mean_p[e] for e in range(E))
    return torch.stack(rows), aux, leaves


def expect_forward(inp: dict) -> np.ndarray:
    y, _, _ = oracle(inp)
    return y.detach().numpy().reshape(inp["x"].shape).astype(inp["x"].dtype)


def expect_aux(inp: dict) -> np.float64:
    return np.float64(float(oracle(inp)[1]))


def expect_aux_and_output(inp: dict) -> dict:
    y, aux, _ = oracle(inp)
    return {"aux": np.float64(float(aux)), "y": y.detach().numpy().reshape(inp["x"].shape).astype(inp["x"].dtype)}


def expect_grads(inp: dict) -> dict:
    import torch

    y, aux, leaves = oracle(inp, requires_grad=True)
    loss = (y * torch.tensor(f64(inp["probe"])).reshape(y.shape)).sum() + inp["aux_coef"] * aux
    loss.backward()
    w1 = leaves[f"experts.{int(inp['expert'])}.w1.weight"]
    return {"router": leaves["router.weight"].grad.numpy().astype(np.float32),
            "expert_w1": np.zeros(w1.shape, np.float32) if w1.grad is None else w1.grad.numpy().astype(np.float32),
            "x": leaves["x"].grad.numpy().astype(np.float32), "aux": np.float64(float(aux.detach()))}


def expect_state_dict(inp: dict) -> dict:
    d, f, E = inp["d_model"], inp["d_ff"], inp["num_experts"]
    shapes = {"router.weight": [E, d]}
    for e in range(E):
        shapes |= {f"experts.{e}.w1.weight": [f, d], f"experts.{e}.w2.weight": [d, f],
                   f"experts.{e}.w3.weight": [f, d]}
    return {"keys": sorted(shapes), "shapes": [shapes[k] for k in sorted(shapes)]}


# ---- worked examples ----

# Capacity, worked by hand: E = 2 experts, top_k = 1, T = 4 tokens, capacity_factor 1.0 -> capacity
# ceil(1.0 * 4 * 1 / 2) = 2. The router reads feature 0 for expert 0 and feature 1 for expert 1 (logits = x[:2]);
# tokens 0, 1 and 2 prefer expert 0 and token 3 expert 1. In token order expert 0 takes tokens 0 and 1 and is
# full at token 2, so token 2's row is exactly 0; every other row is its expert's (non-zero) output.
WORKED_ROWS_NONZERO = [True, True, False, True]


def expect_worked_rows_nonzero(inp: dict) -> list[bool]:
    return list(WORKED_ROWS_NONZERO)


def expect_aux_uniform(inp: dict) -> np.float64:
    """A zero router: every probability is 1/E, so aux = E * sum_e f_e / E = sum_e f_e = 1 (uniform_router_inputs)."""
    return np.float64(1.0)
