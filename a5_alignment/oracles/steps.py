"""Expected values of a5's sft_step and grpo_step cases (a5_alignment/cases/steps.py), instructor-only (no release
ships it; nothing the worker imports imports it): numpy formulas for SFT, a worked example, and float64 autograd
of an independently written GRPO loss."""

from __future__ import annotations

import numpy as np

from shared.cases.tensors import f64


def expect_sft(inp: dict) -> dict:
    """loss = -mean_b(sum_t m*lp / c) / k; d loss / d lp = -m / (c * B * k)."""
    lp, m, k, c = f64(inp["lp"]), inp["mask"], inp["k"], inp["c"]
    b = lp.shape[0]
    loss = -(np.where(m, lp, 0.0).sum(-1) / c).mean() / k
    grad = -m.astype(np.float64) / (c * b * k)
    return {"loss": np.asarray(loss, dtype=np.float32), "grad": grad.astype(np.float32)}


def expect_sft_worked(inp: dict) -> dict:
    # by hand: row sums 3.0 and 4.5, mean 3.75, / k = 2 -> 1.875; grad = -mask / (1 * 2 * 2) = -0.25 * mask
    return {"loss": np.asarray(1.875, dtype=np.float32),
            "grad": np.array([[-0.25, -0.25, 0.0], [0.0, -0.25, -0.25]], dtype=np.float32)}


def expect_grpo(inp: dict) -> dict:
    """Oracle: the per-token loss written out in float64 torch, masked mean per row, batch mean, / k, and its
    autograd gradient."""
    import torch

    lp = torch.tensor(f64(inp["lp"]), requires_grad=True)
    old, adv, raw = (torch.tensor(f64(inp[k])) for k in ("old", "adv", "raw"))
    m = torch.tensor(inp["mask"]).double()
    if inp["loss_type"] == "no_baseline":
        per_token = -raw * lp
    elif inp["loss_type"] == "reinforce_with_baseline":
        per_token = -adv * lp
    else:
        ratio = (lp - old).exp()
        lo, hi = 1.0 - inp["clip"], 1.0 + inp["clip"]
        per_token = -torch.where(adv >= 0, torch.minimum(ratio, torch.full_like(ratio, hi)) * adv,
                                 torch.maximum(ratio, torch.full_like(ratio, lo)) * adv)
    loss = ((per_token * m).sum(-1) / m.sum(-1)).mean() / inp["k"]
    loss.backward()
    return {"loss": np.asarray(loss.item(), dtype=np.float32), "grad": lp.grad.numpy().astype(np.float32)}
