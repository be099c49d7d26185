"""Expected values of the FlashAttention cases (instructor-only), for a2_systems/cases/flash_pytorch.py,
flash_triton.py and hidden/flash_edges.py: naive attention in float64 (softmax(Q K^T / sqrt(d)) V with
torch.logsumexp for L, gradients by torch autograd), computed in the grader's process and returned in float32, and
the shapes of exactly the tensors the autograd context must keep, worked out from the inputs' shapes."""

from typing import Any

import numpy as np


def _naive(inp: dict) -> tuple[Any, Any, Any, Any]:
    """(O, L, dQ, dK, dV) of naive float64 attention, as torch tensors (grader side)."""
    import torch

    q, k, v = (torch.tensor(inp[n], dtype=torch.float64, requires_grad=True) for n in ("Q", "K", "V"))
    scores = q @ k.transpose(-1, -2) / float(np.sqrt(q.shape[-1]))
    if inp["is_causal"]:
        n_q, n_k = scores.shape[-2:]
        future = torch.ones(n_q, n_k, dtype=torch.bool).triu(1)  # key j > query i
        scores = scores.masked_fill(future, float("-inf"))
    out = torch.softmax(scores, dim=-1) @ v
    lse = torch.logsumexp(scores, dim=-1)
    out.backward(torch.tensor(inp["dO"], dtype=torch.float64))
    return out, lse, q, k, v


def expect_forward(inp: dict) -> dict:
    out, lse, *_ = _naive(inp)
    return {"O": out.detach().numpy().astype(np.float32), "L": lse.detach().numpy().astype(np.float32)}


def expect_grads(inp: dict) -> dict:
    _, _, q, k, v = _naive(inp)
    return {"dQ": q.grad.numpy().astype(np.float32), "dK": k.grad.numpy().astype(np.float32),
            "dV": v.grad.numpy().astype(np.float32)}


def expect_saved_shapes(inp: dict) -> dict:
    """Exactly L (b, n_q), Q, O (b, n_q, d), K, V (b, n_k, d): worked out from the inputs' shapes."""
    b, n_q, d = inp["Q"].shape
    n_k = inp["K"].shape[1]
    return {"shapes": sorted([[b, n_q], [b, n_q, d], [b, n_k, d], [b, n_k, d], [b, n_q, d]]),
            "L_dtype": "torch.float32"}
